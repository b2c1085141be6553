#pragma once
// What the capture teaches about the network it was taken on, so rules judge
// against the real LAN instead of assuming a /24: subnets (DHCP option 1 and
// 3, router advertisements, or inferred from the addresses that answer ARP),
// gateways (the MAC that carries off-link traffic), DHCP servers, resolvers,
// and each host's role (client, server and the services it answered).
//
// It reads the same events as the rules (subscribed before them) and is
// consulted by rules in finish(), when the whole capture has been seen.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/ip_address_hash.hpp"
#include "events/conn_events.hpp"
#include "events/dhcp_events.hpp"
#include "events/dns_events.hpp"
#include "events/event_bus.hpp"
#include "events/packet_events.hpp"
#include "network/network_picture.hpp"

namespace netdx {

// Subnets and gateways given by the user (`--set network.subnets=...`).
struct NetworkOverrides {
    std::vector<std::pair<IpAddress, int>> subnets;
    std::vector<IpAddress> gateways;
};
// Parses "10.20.0.0/16,192.168.1.0/24" and "10.20.0.1"; returns an error text or empty.
std::string parse_subnet_list(std::string_view text, std::vector<std::pair<IpAddress, int>>& out);
std::string parse_address_list(std::string_view text, std::vector<IpAddress>& out);
// "10.20.0.1" or "2001:db8::1"; false when it is neither.
bool parse_ip_address(std::string_view text, IpAddress& out);

class NetworkModel {
public:
    // `max_addresses`: entries of the per-address table (its share of the memory budget).
    explicit NetworkModel(NetworkOverrides overrides = {}, std::size_t max_addresses = 1u << 20);

    void subscribe(EventBus& bus);
    void on_arp(const ArpObservation& e);
    void on_ip(const IpPacketSeen& e);
    void on_dhcp(const DhcpExchange& e);
    void on_dns(const DnsTransaction& t);
    void on_conn(const ConnAttempt& a);

    // The prefix length of the learned (DHCP, RA or --set) subnet holding
    // `host`, most specific first; -1 when none was learned for it.
    [[nodiscard]] int learned_prefix(const IpAddress& host) const;
    // IPv4 gateways the capture or the user named: DHCP option 3, --set
    // network.gateways.
    [[nodiscard]] bool has_named_gateways() const;
    [[nodiscard]] bool is_named_gateway(const IpAddress& ip) const;
    // The address answered ARP on the link with a MAC of its own (not a
    // proxy-ARP MAC answering for many addresses).
    [[nodiscard]] bool on_link(const IpAddress& ip) const;
    // The MAC carries off-link traffic (a gateway).
    [[nodiscard]] bool is_gateway_mac(const MacAddress& mac) const;
    // The host answered at least one TCP connection.
    [[nodiscard]] bool answers_connections(const IpAddress& ip) const;

    [[nodiscard]] NetworkPicture picture() const;
    // Addresses not tracked because the table was full.
    [[nodiscard]] std::uint64_t dropped() const { return dropped_; }
    [[nodiscard]] std::size_t entries() const { return hosts_.size(); }

    // A MAC claiming this many addresses in ARP answers by proxy.
    static constexpr std::uint32_t kProxyClaims = 4;
    // A MAC carrying this many addresses that it never claimed is a router.
    static constexpr std::uint64_t kGatewayAddresses = 16;

private:
    struct Host {
        MacAddress mac{};             // Ethernet address of the first packet it sent
        MacAddress arp_mac{};         // MAC that claimed it in ARP
        bool has_mac = false, mac_multi = false, arp_claimed = false;
        bool client = false;
        std::uint64_t packets = 0;
        std::uint32_t served = 0;     // connections answered
        std::uint32_t dns_queries = 0, dns_answered = 0;
        std::array<std::uint16_t, 6> ports{};
        std::uint8_t nports = 0;
    };
    struct LearnedSubnet {
        IpAddress network;
        int len = 0;
        std::string source;
        IpAddress gateway;
    };
    static std::uint64_t mac_key(const MacAddress& m);
    Host* host(const IpAddress& ip);
    void learn_subnet(const IpAddress& addr, int len, std::string source, const IpAddress& gateway);

    std::vector<LearnedSubnet> subnets_;          // DHCP, RA, --set (few)
    std::vector<IpAddress> override_gateways_;
    std::vector<IpAddress> dhcp_servers_;
    std::vector<std::pair<IpAddress, MacAddress>> ra_routers_;
    std::unordered_map<IpAddress, Host, IpAddressHash> hosts_;
    std::unordered_map<std::uint64_t, std::uint32_t> mac_claims_;  // MAC -> addresses it claimed in ARP
    std::size_t max_addresses_;
    std::uint64_t dropped_ = 0;
};

}  // namespace netdx
