#pragma once
// Text and JSON forms of each probe's result. The findings that follow them
// are printed by the caller with the analyze report's functions.
#include <cstdio>
#include <vector>

#include <nlohmann/json.hpp>

#include "probe/arp_probe.hpp"
#include "probe/dhcp_probe.hpp"
#include "probe/dns_probe.hpp"
#include "probe/path_probe.hpp"
#include "probe/tcp_probe.hpp"

namespace netdx {

void print_arp(std::FILE* out, const ArpProbeResult& r);
void print_dhcp(std::FILE* out, const DhcpProbeResult& r, int wait_ms);
void print_dns(std::FILE* out, const DnsProbeResult& r);
void print_tcp(std::FILE* out, const std::vector<TcpProbeResult>& rs);
void print_path(std::FILE* out, const PathProbeResult& r);

nlohmann::json arp_json(const ArpProbeResult& r);
nlohmann::json dhcp_json(const DhcpProbeResult& r);
nlohmann::json dns_json(const DnsProbeResult& r);
nlohmann::json tcp_json(const std::vector<TcpProbeResult>& rs);
nlohmann::json path_json(const PathProbeResult& r);

}  // namespace netdx
