#pragma once
// Host names to addresses the way this host resolves them (hosts file, then
// the resolvers of resolv.conf), through c-ares. Address literals pass through.
#include <string>
#include <vector>

#include "core/packet.hpp"

namespace netdx {

struct HostLookup {
    std::vector<IpAddress> addresses;  // IPv4 first
    std::string error;                 // why there are none
};

HostLookup lookup_host(const std::string& host, int timeout_ms = 3000);

// "host:port", "[v6]:port" or "v6-literal" split; false when there is no port
// or it is not 1-65535.
bool split_host_port(const std::string& text, std::string& host, std::uint16_t& port);

}  // namespace netdx
