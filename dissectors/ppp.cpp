// PPP as captured on serial links (DLT_PPP 9, DLT_PPP_SERIAL 50): optional
// HDLC address/control bytes, then a 1- or 2-byte protocol number (RFC 1661
// protocol-field compression: an odd first byte is a complete protocol).
#include "dissectors/common.hpp"

namespace netdx {

namespace {

Proto next_for_ppp_protocol(std::uint16_t protocol) {
    switch (protocol) {
        case 0x0021: return Proto::Ipv4;
        case 0x0057: return Proto::Ipv6;
        case 0x0281: case 0x0283: return Proto::Mpls;
        default: return Proto::Data;  // LCP, IPCP, ...: not decoded by netdx
    }
}

// Offset of the protocol field: 2 when the address/control bytes are present.
std::size_t protocol_offset(const std::uint8_t* p, std::size_t n) {
    return n >= 2 && p[0] == 0xff && p[1] == 0x03 ? 2 : 0;
}

Proto decode(Cursor& c, Packet&, Layer& layer) {
    const std::size_t off = protocol_offset(c.here(), c.remaining());
    c.skip(off);
    std::uint16_t protocol = c.u8();
    if (c.ok() && (protocol & 1) == 0) protocol = static_cast<std::uint16_t>((protocol << 8) | c.u8());
    if (!c.ok()) {
        layer.length = static_cast<std::uint32_t>(c.size());
        layer.mark_truncated("PPP header cut before the protocol field");
        return Proto::None;
    }
    layer.length = static_cast<std::uint32_t>(c.offset());
    return next_for_ppp_protocol(protocol);
}

void ppp_address(const FieldContext& c, FieldOut& out) {
    if (has_at(c.pkt, *c.layer, 0, 2) && protocol_offset(at(c.pkt, *c.layer, 0), 2) == 2) out.hex(0xff, 2);
}

void ppp_control(const FieldContext& c, FieldOut& out) {
    if (has_at(c.pkt, *c.layer, 0, 2) && protocol_offset(at(c.pkt, *c.layer, 0), 2) == 2) out.hex(0x03, 2);
}

void ppp_protocol(const FieldContext& c, FieldOut& out) {
    const Layer& l = *c.layer;
    if (l.length == 0 || !has_at(c.pkt, l, 0, l.length)) return;
    const std::size_t off = protocol_offset(at(c.pkt, l, 0), l.length);
    const std::uint8_t* p = at(c.pkt, l, off);
    out.hex(l.length - off == 1 ? p[0] : load_be16(p), 4);
}

void ppp_info(const Packet& pkt, const Layer& l, fmt::memory_buffer& out) {
    if (l.length == 0 || !has_at(pkt, l, 0, l.length)) return;
    const std::size_t off = protocol_offset(at(pkt, l, 0), l.length);
    const std::uint8_t* p = at(pkt, l, off);
    info(out, "PPP protocol 0x{:04x}", l.length - off == 1 ? p[0] : load_be16(p));
}

const FieldDef kFields[] = {
    {"ppp.address", "Address", ppp_address},
    {"ppp.control", "Control", ppp_control},
    {"ppp.protocol", "Protocol", ppp_protocol},
};
const Binding kBindings[] = {{Binding::LinkType, 9}, {Binding::LinkType, 50}};

}  // namespace

const DissectorDef ppp_dissector = {Proto::Ppp, "ppp", "PPP", decode, ppp_info, kFields, kBindings};

}  // namespace netdx
