// IEEE 802.2 LLC header after an 802.3 length field. Only the header is decoded;
// what it carries (STP, CDP, ...) is shown as data.
#include "dissectors/common.hpp"

namespace netdx {

namespace {

Proto decode(Cursor& c, Packet&, Layer& layer) {
    c.skip(2);
    std::uint8_t control = c.u8();
    if (!c.ok()) {
        layer.length = static_cast<std::uint32_t>(c.size());
        layer.mark_truncated("LLC header shorter than 3 bytes");
        return Proto::None;
    }
    // I and S frames have a two-byte control field.
    layer.length = (control & 0x03) == 0x03 ? 3 : 4;
    if (c.peek_u8(0) == 0xaa && c.peek_u8(1) == 0xaa && c.has(5)) {
        layer.length = 8;  // SNAP: OUI + ethertype
        return next_for_ethertype(c.peek_be16(6));
    }
    return Proto::Data;
}

const FieldDef kFields[] = {
    {"llc.dsap", "DSAP", field_hex<0, 1, 2>},
    {"llc.ssap", "SSAP", field_hex<1, 1, 2>},
    {"llc.control", "Control field", field_hex<2, 1, 2>},
};

}  // namespace

const DissectorDef llc_dissector = {Proto::Llc, "llc", "LLC", decode, nullptr, kFields, {}};

}  // namespace netdx
