#pragma once
#include "core/packet.hpp"

namespace netdx {

// How far decoding goes. Transport stops after the outermost TCP/UDP header
// (tunnels such as GRE are still followed to their inner transport): what the
// flow table needs, without paying for the application dissectors.
enum class DecodeDepth : std::uint8_t { All, Transport };

// Decodes the layers of pkt (pkt.bytes and pkt.linktype must be set).
// Never reads past pkt.bytes; problems are recorded on the layers.
void decode_packet(Packet& pkt, DecodeDepth depth = DecodeDepth::All);

// Starts at a given protocol instead of the link type (used for the header quoted
// inside an ICMP error and by tests).
void decode_from(Packet& pkt, Proto first, std::uint32_t offset, bool quoted,
                 DecodeDepth depth = DecodeDepth::All);

}  // namespace netdx
