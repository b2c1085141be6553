#pragma once
// The identity of a bidirectional flow: both endpoints in a canonical order so
// that either direction of a conversation finds the same entry. Non-IP traffic
// is keyed by MAC addresses (family 0) and ICMP by the echo identifier, so both
// become pseudo-flows in the same table.
#include <array>
#include <cstdint>
#include <cstring>

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

// Builds the canonical key for a decoded packet; false when the packet has
// nothing a flow can be keyed on. `side` tells which side sent it.
bool make_flow_key(const Packet& pkt, bool use_vlan, FlowKey& key, Side& side);

}  // namespace netdx
