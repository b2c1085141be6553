#pragma once
// The network a capture shows, as the reports print it: subnets with where
// each was learned, gateways, DHCP servers, resolvers and the hosts' roles.
// Plain data, built by NetworkModel::picture() once the capture is read.
#include <cstdint>
#include <string>
#include <vector>

#include "events/common.hpp"

namespace netdx {

struct PictureSubnet {
    IpAddress network;   // host bits zero
    int prefix_len = 0;
    std::string source;  // "DHCP option 1 from 10.20.0.2", "router advertisement", "ARP (inferred)", "--set"
    IpAddress gateway;   // family 0 when unknown
    std::uint64_t hosts = 0;  // addresses of this subnet seen on the link
};

struct PictureGateway {
    IpAddress address;  // family 0 when the MAC never claimed an address
    MacAddress mac{};
    std::uint64_t offlink_addresses = 0;  // addresses seen only behind this MAC
    std::uint64_t packets = 0;
    std::string source;  // "off-link traffic", "DHCP option 3", "router advertisement", "--set"
};

struct PictureServer {
    IpAddress address;
    std::uint64_t connections = 0;          // connections it answered (SYN-ACK)
    std::vector<std::uint16_t> ports;       // services it answered, first few
    bool on_link = false;                   // answered ARP, or inside a learned subnet
};

struct PictureResolver {
    IpAddress address;
    std::uint64_t queries = 0, answered = 0;
};

struct NetworkPicture {
    std::vector<PictureSubnet> subnets;
    std::vector<PictureGateway> gateways;
    std::vector<IpAddress> dhcp_servers;
    std::vector<PictureResolver> resolvers;  // most queried first, capped
    std::uint64_t resolvers_total = 0;
    std::vector<PictureServer> servers;      // most connections first, capped
    std::uint64_t servers_total = 0;
    std::uint64_t clients = 0;               // hosts that opened connections
    std::uint64_t hosts_on_link = 0;         // addresses claimed in ARP by their own MAC
    std::uint64_t addresses = 0;             // every address seen
    [[nodiscard]] bool empty() const { return subnets.empty() && gateways.empty() && addresses == 0; }
};

// The address with its host bits cleared: 10.20.7.9, 16 -> 10.20.0.0.
IpAddress prefix_network(IpAddress a, int len);
// "10.20.0.0/16"
std::string subnet_str(const IpAddress& network, int prefix_len);

}  // namespace netdx
