#pragma once
// Test helpers: decode a byte vector as one captured packet and read back what
// the registry, the columns and the layer stack say about it, as strings that
// a CHECK can compare.
#include <tins/tins.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/format_addr.hpp"
#include "core/packet.hpp"
#include "dissectors/decode.hpp"
#include "dissectors/registry.hpp"
#include "output/packet_printer.hpp"

namespace netdx::test {

// pcap link types used by the tests.
constexpr int kNull = 0;
constexpr int kEthernet = 1;
constexpr int kRaw = 101;
constexpr int kLoop = 108;
constexpr int kSll = 113;
constexpr int kSll2 = 276;

// A decoded packet that owns its bytes. Moving keeps the span valid (a moved
// std::vector keeps its buffer); copying would not, so it is deleted.
struct Decoded {
    std::vector<std::uint8_t> bytes;
    Packet pkt;

    Decoded(std::vector<std::uint8_t> b, int linktype, std::uint32_t wirelen = 0) : bytes(std::move(b)) {
        pkt.number = 1;
        pkt.linktype = linktype;
        pkt.bytes = Bytes(bytes.data(), bytes.size());
        pkt.caplen = static_cast<std::uint32_t>(bytes.size());
        pkt.wirelen = wirelen ? wirelen : pkt.caplen;
        decode_packet(pkt);
    }
    Decoded(const Decoded&) = delete;
    Decoded& operator=(const Decoded&) = delete;
    Decoded(Decoded&&) = default;
};

inline std::vector<std::uint8_t> ser(Tins::PDU& pdu) { return pdu.serialize(); }
inline std::vector<std::uint8_t> ser(Tins::PDU&& pdu) { return pdu.serialize(); }

inline Decoded decode(std::vector<std::uint8_t> bytes, int linktype = kEthernet) {
    return Decoded(std::move(bytes), linktype);
}
inline Decoded decode(Tins::PDU&& pdu, int linktype = kEthernet) { return decode(pdu.serialize(), linktype); }
inline Decoded decode(Tins::PDU& pdu, int linktype = kEthernet) { return decode(pdu.serialize(), linktype); }

// The first n bytes of a packet, decoded as a capture cut by a snap length
// (wire length stays the original).
inline Decoded decode_cut(const std::vector<std::uint8_t>& bytes, std::size_t n, int linktype = kEthernet) {
    return Decoded(std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n)),
                   linktype, static_cast<std::uint32_t>(bytes.size()));
}

inline const Registry::FieldRef& field_ref(std::string_view name) {
    const Registry::FieldRef* ref = Registry::get().field(name);
    if (!ref) throw std::invalid_argument("unknown field " + std::string(name));
    return *ref;
}

// Every value of a named field in the packet, joined by ',' as `-T fields` does
// (quoted layers included, in layer order); "" when absent.
inline std::string field(const Packet& pkt, std::string_view name) {
    const Registry::FieldRef& ref = field_ref(name);
    const CaptureClock clock{pkt.ts, pkt.ts, true};
    fmt::memory_buffer buf;
    FieldOut out(buf);
    if (ref.proto == Proto::None) {
        ref.field->fn(FieldContext{pkt, nullptr, clock}, out);
    } else {
        for (const Layer& l : pkt.layers)
            if (Registry::get().field_owner(l.proto) == ref.proto) ref.field->fn(FieldContext{pkt, &l, clock}, out);
    }
    return fmt::to_string(buf);
}
inline std::string field(const Decoded& d, std::string_view name) { return field(d.pkt, name); }

// The value of a named field for one layer only.
inline std::string field_of(const Decoded& d, std::size_t layer, std::string_view name) {
    const Registry::FieldRef& ref = field_ref(name);
    const CaptureClock clock{d.pkt.ts, d.pkt.ts, true};
    fmt::memory_buffer buf;
    FieldOut out(buf);
    ref.field->fn(FieldContext{d.pkt, &d.pkt.layers[layer], clock}, out);
    return fmt::to_string(buf);
}

inline std::string info(const Decoded& d) {
    fmt::memory_buffer buf;
    append_info_column(d.pkt, buf);
    return fmt::to_string(buf);
}

// The layer stack as "eth:ip:icmp:[ip]:[udp]": quoted layers in brackets, a
// layer that is not Ok followed by '!' (truncated) or '?' (malformed).
inline std::string stack(const Decoded& d) {
    std::string s;
    for (const Layer& l : d.pkt.layers) {
        if (!s.empty()) s += ':';
        std::string name(proto_name(l.proto));
        if (l.quoted) name = "[" + name + "]";
        if (l.status == LayerStatus::Truncated) name += '!';
        if (l.status == LayerStatus::Malformed) name += '?';
        s += name;
    }
    return s;
}

inline const Layer& last(const Decoded& d) { return d.pkt.layers[d.pkt.layers.size() - 1]; }
inline const Layer* find(const Decoded& d, Proto p) { return d.pkt.layers.find(p); }

inline std::string problem(const Layer* l) { return l && l->problem ? l->problem : ""; }

inline std::string ip(const IpAddress& a) {
    fmt::memory_buffer buf;
    append_ip(buf, a);
    return fmt::to_string(buf);
}

}  // namespace netdx::test
