#pragma once
#include "core/packet.hpp"

namespace netdx {

// Decodes the L2-L4 layers of pkt (pkt.bytes and pkt.linktype must be set).
// Never reads past pkt.bytes; problems are recorded on the layers.
void decode_packet(Packet& pkt);

// Starts at a given protocol instead of the link type (used for the header quoted
// inside an ICMP error and by tests).
void decode_from(Packet& pkt, Proto first, std::uint32_t offset, bool quoted);

}  // namespace netdx
