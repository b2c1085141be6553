#include "dissectors/tls_session_versions.hpp"

#include <array>
#include <tuple>

namespace netdx {

namespace {

constexpr std::size_t kSlots = 4096;

struct Slot {
    std::uint64_t key = 0;  // 0: empty
    std::uint16_t version = 0;
};

// Both directions of a connection give the same key (FNV-1a over the
// lower endpoint first); never 0.
std::uint64_t connection_key(const Packet& pkt) {
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

std::array<Slot, kSlots>& table() {
    thread_local std::array<Slot, kSlots> slots{};
    return slots;
}

}  // namespace

void remember_tls_version(const Packet& pkt, std::uint16_t version) {
    if (!pkt.net.has_ports) return;
    const std::uint64_t key = connection_key(pkt);
    table()[key % kSlots] = Slot{key, version};
}

std::uint16_t remembered_tls_version(const Packet& pkt) {
    if (!pkt.net.has_ports) return 0;
    const std::uint64_t key = connection_key(pkt);
    const Slot& s = table()[key % kSlots];
    return s.key == key ? s.version : 0;
}

}  // namespace netdx
