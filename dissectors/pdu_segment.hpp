#pragma once
// A Layer flag the packet view sets on a frame's TCP layer (next to the
// kLayer* bits of core/packet.hpp): the segment's payload belongs to an
// application PDU that a later frame completes and shows, so the TCP info
// column ends with tshark's "[TCP segment of a reassembled PDU]".
#include <cstdint>
#include <string_view>

#include <fmt/format.h>

namespace netdx {
constexpr std::uint8_t kLayerPduSegment = 0x80;
// With it: the bytes after the TCP header, past the packet's limit (so no
// layer decodes them), are the HTTP message so far. tshark's HTTP dissector
// ran on them (its head was still incomplete, or the body is chunked) and
// its start line is the info column: "GET / HTTP/1.1  [TCP segment of a
// reassembled PDU]".
constexpr std::uint8_t kLayerPduHead = 0x40;

// The start line of an HTTP message as the info column shows it (with its
// trailing space); false when `msg` does not start with one.
bool http_start_line_info(std::string_view msg, fmt::memory_buffer& out);
}  // namespace netdx
