// Ethernet II and IEEE 802.3 framing.
#include "dissectors/common.hpp"
#include "dissectors/registry.hpp"

namespace netdx {

Proto next_for_ethertype(std::uint16_t type) {
    Proto p = Registry::get().for_ethertype(type);
    return p == Proto::None ? Proto::Data : p;
}

namespace {

Proto decode(Cursor& c, Packet&, Layer& layer) {
    c.skip(12);
    std::uint16_t type = c.be16();
    if (!c.ok()) {
        layer.length = static_cast<std::uint32_t>(c.size());
        layer.mark_truncated("Ethernet header shorter than 14 bytes");
        return Proto::None;
    }
    layer.length = 14;
    // Values up to 1500 are an 802.3 length, followed by an LLC header.
    if (type <= 1500) return Proto::Llc;
    if (type < 0x0600) {
        layer.mark_malformed("type/length field between 1501 and 1535");
        return Proto::Data;
    }
    return next_for_ethertype(type);
}

void eth_addr(const FieldContext& c, FieldOut& out) {
    field_mac<0>(c, out);
    field_mac<6>(c, out);
}

void eth_type(const FieldContext& c, FieldOut& out) {
    if (!has_at(c.pkt, *c.layer, 12, 2)) return;
    std::uint16_t t = load_be16(at(c.pkt, *c.layer, 12));
    if (t >= 0x0600) out.hex(t, 4);
}

void eth_len(const FieldContext& c, FieldOut& out) {
    if (!has_at(c.pkt, *c.layer, 12, 2)) return;
    std::uint16_t t = load_be16(at(c.pkt, *c.layer, 12));
    if (t <= 1500) out.uint(t);
}

const FieldDef kFields[] = {
    {"eth.dst", "Destination", field_mac<0>},
    {"eth.src", "Source", field_mac<6>},
    {"eth.addr", "Address", eth_addr},
    {"eth.type", "Type", eth_type},
    {"eth.len", "Length", eth_len},
};
const Binding kBindings[] = {{Binding::LinkType, 1}};

}  // namespace

const DissectorDef eth_dissector = {Proto::Eth, "eth", "Ethernet", decode, nullptr, kFields, kBindings};

}  // namespace netdx
