// MPLS label stack (RFC 3032). The whole stack is one layer, as tshark shows a
// single "mpls" in frame.protocols; after the bottom label the payload carries
// no type, so the first nibble decides IPv4/IPv6 (as tshark does by default).
#include "dissectors/common.hpp"

namespace netdx {

namespace {

constexpr std::uint32_t kBottom = 0x100;

Proto decode(Cursor& c, Packet&, Layer& layer) {
    for (;;) {
        const std::uint32_t entry = c.be32();
        if (!c.ok()) {
            layer.length = static_cast<std::uint32_t>(c.size());
            layer.mark_truncated("MPLS label stack cut before its bottom entry");
            return Proto::None;
        }
        if (entry & kBottom) break;
    }
    layer.length = static_cast<std::uint32_t>(c.offset());
    if (!c.has(1)) return Proto::None;
    switch (c.peek_u8(c.offset()) >> 4) {
        case 4: return Proto::Ipv4;
        case 6: return Proto::Ipv6;
        default: return Proto::Data;  // pseudowire control word, ...: not decoded
    }
}

// One value per label stack entry, as tshark repeats mpls.* per entry.
template <std::uint32_t Mask, int Shift>
void per_entry(const FieldContext& c, FieldOut& out) {
    const Layer& l = *c.layer;
    for (std::uint32_t off = 0; off + 4 <= l.length && has_at(c.pkt, l, off, 4); off += 4) {
        const std::uint8_t* p = at(c.pkt, l, off);
        const std::uint32_t entry = (std::uint32_t{load_be16(p)} << 16) | load_be16(p + 2);
        out.uint((entry & Mask) >> Shift);
    }
}

void mpls_info(const Packet& pkt, const Layer& l, fmt::memory_buffer& out) {
    if (!has_at(pkt, l, 0, 4)) return;
    const std::uint8_t* p = at(pkt, l, 0);
    info(out, "MPLS Label {}", ((std::uint32_t{load_be16(p)} << 16) | load_be16(p + 2)) >> 12);
}

const FieldDef kFields[] = {
    {"mpls.label", "MPLS Label", per_entry<0xfffff000u, 12>},
    {"mpls.exp", "MPLS Experimental Bits", per_entry<0x00000e00u, 9>},
    {"mpls.bottom", "MPLS Bottom Of Label Stack", per_entry<kBottom, 8>},
    {"mpls.ttl", "MPLS TTL", per_entry<0x000000ffu, 0>},
};
const Binding kBindings[] = {{Binding::Ethertype, 0x8847}, {Binding::Ethertype, 0x8848}};

}  // namespace

const DissectorDef mpls_dissector = {Proto::Mpls, "mpls", "MPLS", decode, mpls_info, kFields, kBindings};

}  // namespace netdx
