#pragma once
// Small helpers shared by the dissector files.
#include <fmt/format.h>

#include <iterator>

#include "core/format_addr.hpp"
#include "dissectors/all.hpp"
#include "dissectors/dissector.hpp"

namespace netdx {

template <typename... Args>
inline void info(fmt::memory_buffer& out, fmt::format_string<Args...> f, Args&&... args) {
    fmt::format_to(fmt::appender(out), f, std::forward<Args>(args)...);
}

// The bytes of a layer's header as a cursor (bounds: the captured bytes).
inline Cursor layer_cursor(const Packet& pkt, const Layer& l) {
    Bytes b = pkt.layer_bytes(l);
    return Cursor(b);
}

// Reads a big-endian value at a layer-relative offset; nothing is emitted by
// field functions when the header was cut before it.
inline bool has_at(const Packet& pkt, const Layer& l, std::size_t off, std::size_t n) {
    return static_cast<std::size_t>(l.offset) + off + n <= pkt.bytes.size();
}
inline const std::uint8_t* at(const Packet& pkt, const Layer& l, std::size_t off) {
    return pkt.bytes.data() + l.offset + off;
}

// A field that reads an unsigned big-endian integer of `Size` bytes at `Off`,
// masked and shifted, printed in decimal.
template <std::size_t Off, std::size_t Size, std::uint64_t Mask = ~0ull, int Shift = 0>
void field_uint(const FieldContext& c, FieldOut& out) {
    if (!has_at(c.pkt, *c.layer, Off, Size)) return;
    const std::uint8_t* p = at(c.pkt, *c.layer, Off);
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < Size; ++i) v = (v << 8) | p[i];
    out.uint((v & Mask) >> Shift);
}

template <std::size_t Off, std::size_t Size, int Width, std::uint64_t Mask = ~0ull, int Shift = 0>
void field_hex(const FieldContext& c, FieldOut& out) {
    if (!has_at(c.pkt, *c.layer, Off, Size)) return;
    const std::uint8_t* p = at(c.pkt, *c.layer, Off);
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < Size; ++i) v = (v << 8) | p[i];
    out.hex((v & Mask) >> Shift, Width);
}

template <std::size_t Off>
void field_mac(const FieldContext& c, FieldOut& out) {
    if (has_at(c.pkt, *c.layer, Off, 6)) out.mac(at(c.pkt, *c.layer, Off));
}

template <std::size_t Off>
void field_ipv4(const FieldContext& c, FieldOut& out) {
    if (has_at(c.pkt, *c.layer, Off, 4)) out.ipv4(at(c.pkt, *c.layer, Off));
}

template <std::size_t Off>
void field_ipv6(const FieldContext& c, FieldOut& out) {
    if (has_at(c.pkt, *c.layer, Off, 16)) out.ipv6(at(c.pkt, *c.layer, Off));
}

// Protocol selected by an ethertype, or Data when netdx has no decoder for it.
Proto next_for_ethertype(std::uint16_t type);

}  // namespace netdx

namespace netdx {

// End of the datagram that encloses layer `l`, as its IP header reports it (not
// cut to the captured length): what tshark's tcp.len and udp payload sizes use.
std::uint32_t reported_end(const Packet& pkt, const Layer& l);

}  // namespace netdx
