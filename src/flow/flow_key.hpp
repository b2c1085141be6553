#pragma once
// The identity of a bidirectional flow: both endpoints in a canonical order so
// that either direction of a conversation finds the same entry. Non-IP traffic
// is keyed by MAC addresses (family 0) and ICMP by the echo identifier, so both
// become pseudo-flows in the same table.
#include <array>
#include <cstdint>
#include <cstring>
#include <functional>

#include "core/packet.hpp"

namespace netdx {

struct FlowKey {
    std::array<std::uint8_t, 16> a{}, b{};  // addresses; a <= b (with ports)
    std::uint16_t port_a = 0, port_b = 0;
    std::uint16_t vlan = 0;
    std::uint8_t family = 0;  // 4, 6, or 0 for link-layer pseudo-flows (MACs)
    std::uint8_t proto = 0;   // IP protocol, or the netdx Proto id above L2
    friend bool operator==(const FlowKey&, const FlowKey&) = default;
};

// Which side of the canonical key sent a packet.
enum class Side : std::uint8_t { A = 0, B = 1 };

struct FlowKeyHash {
    std::size_t operator()(const FlowKey& k) const noexcept {
        // FNV-1a over the packed fields: cheap and good enough for a table
        // whose keys differ mostly in a few address and port bytes.
        std::uint64_t h = 1469598103934665603ull;
        auto mix = [&h](const void* p, std::size_t n) {
            const auto* c = static_cast<const std::uint8_t*>(p);
            for (std::size_t i = 0; i < n; ++i) { h ^= c[i]; h *= 1099511628211ull; }
        };
        const std::size_t alen = k.family == 6 ? 16 : (k.family == 4 ? 4 : 6);
        mix(k.a.data(), alen);
        mix(k.b.data(), alen);
        const std::uint16_t rest[3] = {k.port_a, k.port_b, k.vlan};
        mix(rest, sizeof rest);
        const std::uint8_t fp[2] = {k.family, k.proto};
        mix(fp, 2);
        return static_cast<std::size_t>(h ^ (h >> 29));
    }
};

// Builds the canonical key for a decoded packet; false when the packet has
// nothing a flow can be keyed on. `side` tells which side sent it.
bool make_flow_key(const Packet& pkt, bool use_vlan, FlowKey& key, Side& side);

}  // namespace netdx
