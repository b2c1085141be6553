#pragma once
#include <cstdint>

namespace netdx {

// Packet::interface_id of a packet from a pcap file, which has no interface
// list: tshark then shows no frame.interface_id.
inline constexpr std::uint32_t kNoInterface = 0xffffffff;

}  // namespace netdx
