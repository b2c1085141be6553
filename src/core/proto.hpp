#pragma once
// Every protocol netdx knows, as a compact id. The names (tshark's filter
// abbreviations) and the decoders live in the dissector registry.
#include <cstdint>

namespace netdx {

enum class Proto : std::uint8_t {
    None = 0,
    Eth,
    Vlan,
    Sll,
    Sll2,
    Null,
    Raw,
    Llc,
    Arp,
    Ipv4,
    Ipv6,
    Ipv6HopOpts,
    Ipv6Routing,
    Ipv6Fragment,
    Ipv6DstOpts,
    Icmp,
    Icmpv6,
    Udp,
    Tcp,
    Data,
    Dns,
    Dhcp,
    Dhcpv6,
    Ppp,
    Mpls,
    Nflog,
    Mdns,
    Llmnr,
    Gre,
    Smtp,
    Ftp,
    Telnet,
    Http,
    Tls,
    Ssh,
    Pop3,
    Imap,
    Resp,
    Memcache,
    Mqtt,
    Amqp,
    Rpc,
    Count_
};

constexpr std::size_t kProtoCount = static_cast<std::size_t>(Proto::Count_);

}  // namespace netdx
