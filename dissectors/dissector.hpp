#pragma once
// What a dissector is: a decoder, an info-column writer, a table of fields named
// as tshark names them, and the bindings (link type, ethertype, IP protocol) that
// lead to it. A new protocol is one file defining a DissectorDef plus one line
// in registry.cpp.
#include <fmt/format.h>

#include <cstdint>
#include <span>
#include <string_view>

#include "core/cursor.hpp"
#include "core/packet.hpp"

namespace netdx {

// Where a decoder receives its bytes: cursor positioned at the layer start,
// reading to the end of the captured bytes. It sets layer.length to the header
// size it consumed and returns the protocol of the next layer (None to stop).
using DecodeFn = Proto (*)(Cursor& c, Packet& pkt, Layer& layer);

using InfoFn = void (*)(const Packet& pkt, const Layer& layer, fmt::memory_buffer& out);
// The Protocol column when it depends on the packet (TLSv1.2 / TLSv1.3).
using ColumnFn = std::string_view (*)(const Packet& pkt, const Layer& layer);

class FindingMarks;
// Per-capture facts some fields need (relative times, the evidence frames of
// the findings when an analysis ran first).
struct CaptureClock {
    Timestamp first;
    Timestamp previous;
    bool started = false;
    const FindingMarks* findings = nullptr;
};

class FieldOut;
struct FieldContext {
    const Packet& pkt;
    const Layer* layer;  // null for frame.* fields
    const CaptureClock& clock;
};
using FieldFn = void (*)(const FieldContext& ctx, FieldOut& out);

struct FieldDef {
    std::string_view name;   // tshark's name, e.g. "ip.src"
    std::string_view label;  // what -V prints
    FieldFn fn;
};

struct Binding {
    enum Kind : std::uint8_t { LinkType, Ethertype, IpProto, UdpPort, TcpPort } kind;
    std::uint32_t value;
};

struct DissectorDef {
    Proto proto;
    std::string_view name;    // tshark's abbreviation, as in frame.protocols
    std::string_view column;  // the Protocol column text
    DecodeFn decode;
    InfoFn info;  // may be null: the layer below writes the info column
    std::span<const FieldDef> fields;
    std::span<const Binding> bindings;
    ColumnFn column_of = nullptr;  // null: `column` for every packet
};

// Collects the values of one field for one packet; tshark joins repeated
// occurrences with ','. Everything appended is already escaped.
class FieldOut {
public:
    explicit FieldOut(fmt::memory_buffer& buf) : buf_(buf) {}
    void begin_value() {
        if (count_++ > 0) buf_.push_back(',');
    }
    void uint(std::uint64_t v);
    void sint(std::int64_t v);
    void hex(std::uint64_t v, int width);  // 0x-prefixed, zero padded
    void boolean(bool v) { uint(v ? 1 : 0); }
    void mac(const std::uint8_t* p);
    void ipv4(const std::uint8_t* p);
    void ipv6(const std::uint8_t* p);
    void ip(const IpAddress& a);
    void text(std::string_view s);  // escaped
    void raw(std::string_view s);   // trusted text (constants, formatted numbers)
    void fixed(double v, int decimals);
    [[nodiscard]] int count() const { return count_; }

private:
    fmt::memory_buffer& buf_;
    int count_ = 0;
};

}  // namespace netdx
