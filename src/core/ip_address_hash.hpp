#pragma once
// The hash of an address for unordered tables (the network picture, the
// capture summary's hosts).
#include <cstddef>
#include <cstdint>

#include "core/packet.hpp"

namespace netdx {

// Two 64-bit multiplies and a final mix (splitmix64's): these tables are
// looked up for every packet, and a byte-at-a-time FNV over 16 bytes cost more
// than the lookup itself. Unused bytes of an IPv4 address are zero, as equality
// already requires.
struct IpAddressHash {
    std::size_t operator()(const IpAddress& a) const noexcept {
        std::uint64_t h = a.word(0) * 0x9E3779B97F4A7C15ull ^ (a.word(1) + a.family) * 0xC2B2AE3D27D4EB4Full;
        h ^= h >> 30;
        h *= 0xBF58476D1CE4E5B9ull;
        h ^= h >> 31;
        return static_cast<std::size_t>(h);
    }
};

}  // namespace netdx
