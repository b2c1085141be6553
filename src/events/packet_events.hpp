#pragma once
// Events extracted from single packets without any flow state: ARP and NDP
// observations, ICMP errors, and the per-packet IP facts the host rules need.
#include "events/common.hpp"

namespace netdx {

struct ArpObservation : EventBase {
    enum class Op : std::uint8_t { Request, Reply, Other } op = Op::Other;
    MacAddress sender_mac{};
    IpAddress sender_ip;  // IPv4
    MacAddress target_mac{};
    IpAddress target_ip;
    MacAddress eth_src{};  // Ethernet source (may differ from sender_mac: proxy/spoof)
    bool probe = false;       // sender IP 0.0.0.0 (RFC 5227 probe)
    bool gratuitous = false;  // sender IP == target IP (announcement)
};

// Neighbor solicitation/advertisement (the ARP of IPv6).
struct NdpObservation : EventBase {
    enum class Kind : std::uint8_t { Solicitation, Advertisement } kind = Kind::Solicitation;
    IpAddress src;        // IPv6 source (:: for duplicate address detection)
    IpAddress target;     // the address asked about / advertised
    MacAddress lladdr{};  // source or target link-layer address option, else Ethernet source
    bool has_lladdr = false;
    bool solicited = false;  // NA S flag
    bool dad = false;        // NS from :: (duplicate address detection)
};

// An ICMP/ICMPv6 error with the header it quotes.
struct IcmpError : EventBase {
    enum class Kind : std::uint8_t { Unreachable, TimeExceeded, PacketTooBig, Other } kind = Kind::Other;
    std::uint8_t version = 4;  // 4: ICMP, 6: ICMPv6
    std::uint8_t type = 0, code = 0;
    std::uint32_t mtu = 0;     // fragmentation needed / packet too big
    IpAddress reporter;        // the router or host that sent the error
    IpAddress reported_to;     // the error's destination (original sender)
    // The quoted original packet, when it could be decoded.
    bool has_quote = false;
    IpAddress orig_src, orig_dst;
    std::uint8_t orig_proto = 0;
    std::uint16_t orig_sport = 0, orig_dport = 0;
    bool orig_tcp_syn = false;
};

// Facts of an IP packet the host-level rules need (bogons, broadcast sources,
// link-local-only hosts, summary counters).
struct IpPacketSeen : EventBase {
    IpAddress src, dst;
    MacAddress eth_src{}, eth_dst{};
    bool has_eth = false;
    std::uint8_t ip_proto = 0;
    std::uint16_t src_port = 0, dst_port = 0;
    bool has_ports = false;
    std::uint32_t wirelen = 0;
    // ICMPv6 type (0 otherwise): Router Solicitations (133) show a host
    // looking for an IPv6 prefix.
    std::uint8_t icmp6_type = 0;
    // A Router Advertisement carrying a prefix hosts may autoconfigure from
    // (Prefix Information option with the A flag).
    bool ra_autoconf_prefix = false;
    // The RA's first on-link prefix (family 0 when none): the IPv6 subnet of the link.
    IpAddress ra_prefix;
    std::uint8_t ra_prefix_len = 0;
    // Outermost TCP/UDP/ICMP layer name for the protocol summary.
};

// ICMP echo requests (host sweeps).
struct EchoRequest : EventBase {
    IpAddress src, dst;
};

}  // namespace netdx
