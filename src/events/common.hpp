#pragma once
// What every event carries: where it was seen (file and frame, for evidence)
// and when. Addresses are small value types so events never allocate.
#include <array>
#include <compare>
#include <cstdint>

#include "core/packet.hpp"

namespace netdx {

using MacAddress = std::array<std::uint8_t, 6>;

// A frame of one of the input files (tshark numbering, per file).
struct FrameRef {
    std::uint32_t file = 0;
    std::uint64_t frame = 0;
    friend auto operator<=>(const FrameRef&, const FrameRef&) = default;
};

struct EventBase {
    FrameRef where;
    double ts = 0;  // seconds since the epoch
};

}  // namespace netdx
