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

// Link-layer source address: length-prefixed, shown as a MAC when 6 bytes long.
template <std::size_t LenOff, std::size_t LenSize, std::size_t AddrOff>
void sll_src(const FieldContext& c, FieldOut& out) {
    if (!has_at(c.pkt, *c.layer, LenOff, LenSize) || !has_at(c.pkt, *c.layer, AddrOff, 6)) return;
    const std::uint8_t* p = at(c.pkt, *c.layer, LenOff);
    unsigned len = LenSize == 2 ? load_be16(p) : p[0];
    if (len == 6) out.mac(at(c.pkt, *c.layer, AddrOff));
}

const FieldDef kFieldsV1[] = {
    {"sll.pkttype", "Packet type", field_uint<0, 2>},
    {"sll.hatype", "Link-layer address type", field_uint<2, 2>},
    {"sll.halen", "Link-layer address length", field_uint<4, 2>},
    {"sll.src.eth", "Source", sll_src<4, 2, 6>},
    {"sll.etype", "Protocol", field_hex<14, 2, 4>},
};
const FieldDef kFieldsV2[] = {
    {"sll.etype", "Protocol", field_hex<0, 2, 4>},
    {"sll.ifindex", "Interface index", field_uint<4, 4>},
    {"sll.hatype", "Link-layer address type", field_uint<8, 2>},
    {"sll.pkttype", "Packet type", field_uint<10, 1>},
    {"sll.halen", "Link-layer address length", field_uint<11, 1>},
    {"sll.src.eth", "Source", sll_src<11, 1, 12>},
};
const Binding kBindingsV1[] = {{Binding::LinkType, 113}};
const Binding kBindingsV2[] = {{Binding::LinkType, 276}};

}  // namespace

// tshark names both versions "sll" in frame.protocols.
const DissectorDef sll_dissector = {Proto::Sll, "sll", "SLL", decode_v1, nullptr, kFieldsV1, kBindingsV1};
const DissectorDef sll2_dissector = {Proto::Sll2, "sll", "SLL2", decode_v2, nullptr, kFieldsV2, kBindingsV2};

}  // namespace netdx
