#pragma once
// One key for both directions of a connection (FNV-1a over the lower
// endpoint first; never 0), for the packet view's small per-connection
// memories (the TLS version a ServerHello chose, the MQTT protocol level a
// CONNECT gave, the content type of an AMQP channel).
#include <cstdint>
#include <tuple>

#include "core/packet.hpp"

namespace netdx {

inline std::uint64_t connection_key(const Packet& pkt) {
    const NetSummary& n = pkt.net;
    const bool src_first = std::tie(n.src, n.src_port) < std::tie(n.dst, n.dst_port);
    const IpAddress& a = src_first ? n.src : n.dst;
    const IpAddress& b = src_first ? n.dst : n.src;
    const std::uint16_t pa = src_first ? n.src_port : n.dst_port, pb = src_first ? n.dst_port : n.src_port;
    std::uint64_t h = 1469598103934665603ull;
    auto mix = [&h](std::uint8_t byte) { h = (h ^ byte) * 1099511628211ull; };
    for (std::uint8_t byte : a.bytes) mix(byte);
    for (std::uint8_t byte : b.bytes) mix(byte);
    mix(static_cast<std::uint8_t>(pa >> 8));
    mix(static_cast<std::uint8_t>(pa));
    mix(static_cast<std::uint8_t>(pb >> 8));
    mix(static_cast<std::uint8_t>(pb));
    return h ? h : 1;
}

}  // namespace netdx
