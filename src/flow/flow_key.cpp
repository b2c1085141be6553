#include "flow/flow_key.hpp"

#include <algorithm>
#include <tuple>

namespace netdx {

namespace {

// ICMP echo and echo reply share a flow per identifier; every other ICMP
// message between two hosts shares one pseudo-flow per type.
void icmp_ports(const Packet& pkt, std::uint16_t& sp, std::uint16_t& dp) {
    for (const Layer& l : pkt.layers) {
        if (l.quoted || (l.proto != Proto::Icmp && l.proto != Proto::Icmpv6)) continue;
        if (static_cast<std::size_t>(l.offset) + 8 > pkt.bytes.size()) return;
        const std::uint8_t* p = pkt.bytes.data() + l.offset;
        const std::uint8_t type = p[0];
        const bool echo = l.proto == Proto::Icmp ? (type == 0 || type == 8) : (type == 128 || type == 129);
        if (echo) {
            sp = dp = load_be16(p + 4);
        } else {
            sp = dp = static_cast<std::uint16_t>(0x10000 - 1 - type);  // apart from echo ids by convention
        }
        return;
    }
}

}  // namespace

bool make_flow_key(const Packet& pkt, bool use_vlan, FlowKey& key, Side& side) {
    key = FlowKey{};
    const NetSummary& n = pkt.net;
    std::array<std::uint8_t, 16> src{}, dst{};
    std::uint16_t sp = 0, dp = 0;
    if (n.src.family != 0) {
        key.family = n.src.family;
        key.proto = n.ip_proto;
        src = n.src.bytes;
        dst = n.dst.bytes;
        if (n.has_ports && !n.fragment) {
            sp = n.src_port;
            dp = n.dst_port;
        } else if (n.ip_proto == 1 || n.ip_proto == 58) {
            icmp_ports(pkt, sp, dp);
        }
    } else {
        // Link-layer pseudo-flow: the Ethernet addresses and what rides on them.
        const Layer* eth = pkt.layers.find(Proto::Eth);
        if (!eth || static_cast<std::size_t>(eth->offset) + 12 > pkt.bytes.size()) return false;
        std::memcpy(dst.data(), pkt.bytes.data() + eth->offset, 6);
        std::memcpy(src.data(), pkt.bytes.data() + eth->offset + 6, 6);
        for (const Layer& l : pkt.layers)
            if (l.proto != Proto::Eth && l.proto != Proto::Vlan && l.proto != Proto::Llc) {
                key.proto = static_cast<std::uint8_t>(l.proto);
                break;
            }
    }
    if (use_vlan && n.has_vlan) key.vlan = n.vlan;
    const bool src_first = std::tie(src, sp) <= std::tie(dst, dp);
    if (src_first) {
        key.a = src; key.port_a = sp; key.b = dst; key.port_b = dp; side = Side::A;
    } else {
        key.a = dst; key.port_a = dp; key.b = src; key.port_b = sp; side = Side::B;
    }
    return true;
}

}  // namespace netdx
