// IEEE 802.1Q / 802.1ad tags (stacked tags decode as successive layers).
#include "dissectors/common.hpp"

namespace netdx {

namespace {

Proto decode(Cursor& c, Packet& pkt, Layer& layer) {
    std::uint16_t tci = c.be16();
    std::uint16_t type = c.be16();
    if (!c.ok()) {
        layer.length = static_cast<std::uint32_t>(c.size());
        layer.mark_truncated("VLAN tag shorter than 4 bytes");
        return Proto::None;
    }
    layer.length = 4;
    if (!pkt.net.has_vlan) {
        pkt.net.has_vlan = true;
        pkt.net.vlan = tci & 0x0fff;
    }
    if (type <= 1500) return Proto::Llc;
    return next_for_ethertype(type);
}

const FieldDef kFields[] = {
    {"vlan.priority", "Priority", field_uint<0, 2, 0xe000, 13>},
    {"vlan.dei", "DEI", field_uint<0, 2, 0x1000, 12>},
    {"vlan.id", "ID", field_uint<0, 2, 0x0fff>},
    {"vlan.etype", "Type", field_hex<2, 2, 4>},
};
const Binding kBindings[] = {{Binding::Ethertype, 0x8100}, {Binding::Ethertype, 0x88a8}, {Binding::Ethertype, 0x9100}};

void vlan_info(const Packet& pkt, const Layer& l, fmt::memory_buffer& out) {
    if (has_at(pkt, l, 0, 2)) info(out, "PRI: {}  DEI: {}  ID: {}", load_be16(at(pkt, l, 0)) >> 13,
                                   (load_be16(at(pkt, l, 0)) >> 12) & 1, load_be16(at(pkt, l, 0)) & 0xfff);
}

}  // namespace

const DissectorDef vlan_dissector = {Proto::Vlan, "vlan", "802.1Q", decode, vlan_info, kFields, kBindings};

}  // namespace netdx
