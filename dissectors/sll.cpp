// Linux cooked capture, versions 1 (DLT_LINUX_SLL) and 2 (DLT_LINUX_SLL2).
#include "dissectors/common.hpp"

namespace netdx {

namespace {

// The protocol field holds an ethertype, except for a few ARPHRD-specific values.
Proto next_for_protocol(std::uint16_t protocol) {
    if (protocol >= 0x0600) return next_for_ethertype(protocol);
    if (protocol == 0x0004) return Proto::Llc;  // 802.2 frames
    return Proto::Data;
}

Proto decode_v1(Cursor& c, Packet&, Layer& layer) {
    c.skip(14);
    std::uint16_t protocol = c.be16();
    if (!c.ok()) {
        layer.length = static_cast<std::uint32_t>(c.size());
        layer.mark_truncated("Linux cooked header shorter than 16 bytes");
        return Proto::None;
    }
    layer.length = 16;
    return next_for_protocol(protocol);
}

Proto decode_v2(Cursor& c, Packet&, Layer& layer) {
    std::uint16_t protocol = c.be16();
    c.skip(18);
    if (!c.ok()) {
        layer.length = static_cast<std::uint32_t>(c.size());
        layer.mark_truncated("Linux cooked v2 header shorter than 20 bytes");
        return Proto::None;
    }
    layer.length = 20;
    return next_for_protocol(protocol);
}

// Both versions are one protocol ("sll") as in tshark, so a field name such as
// sll.etype finds the header of either; the link type says which layout it is.
bool is_v2(const Packet& pkt) { return pkt.linktype == 276; }

Proto decode(Cursor& c, Packet& pkt, Layer& layer) {
    return is_v2(pkt) ? decode_v2(c, pkt, layer) : decode_v1(c, pkt, layer);
}

// Link-layer source address: length-prefixed, shown as a MAC when 6 bytes long.
template <std::size_t LenOff, std::size_t LenSize, std::size_t AddrOff>
void sll_src(const FieldContext& c, FieldOut& out) {
    if (!has_at(c.pkt, *c.layer, LenOff, LenSize) || !has_at(c.pkt, *c.layer, AddrOff, 6)) return;
    const std::uint8_t* p = at(c.pkt, *c.layer, LenOff);
    unsigned len = LenSize == 2 ? load_be16(p) : p[0];
    if (len == 6) out.mac(at(c.pkt, *c.layer, AddrOff));
}

// A field read from the v1 or the v2 layout.
template <FieldFn V1, FieldFn V2>
void either(const FieldContext& c, FieldOut& out) {
    if (is_v2(c.pkt)) V2(c, out);
    else V1(c, out);
}

void absent(const FieldContext&, FieldOut&) {}

const FieldDef kFields[] = {
    {"sll.pkttype", "Packet type", either<field_uint<0, 2>, field_uint<10, 1>>},
    {"sll.hatype", "Link-layer address type", either<field_uint<2, 2>, field_uint<8, 2>>},
    {"sll.halen", "Link-layer address length", either<field_uint<4, 2>, field_uint<11, 1>>},
    {"sll.src.eth", "Source", either<sll_src<4, 2, 6>, sll_src<11, 1, 12>>},
    {"sll.etype", "Protocol", either<field_hex<14, 2, 4>, field_hex<0, 2, 4>>},
    {"sll.ifindex", "Interface index", either<absent, field_uint<4, 4>>},
};
const Binding kBindings[] = {{Binding::LinkType, 113}, {Binding::LinkType, 276}};

}  // namespace

const DissectorDef sll_dissector = {Proto::Sll, "sll", "SLL", decode, nullptr, kFields, kBindings};
// Kept only while registry.cpp still lists it: no bindings, so nothing decodes as it.
const DissectorDef sll2_dissector = {Proto::Sll2, "sll", "SLL2", decode_v2, nullptr, {}, {}};

}  // namespace netdx
