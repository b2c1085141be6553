// GRE (RFC 2784/2890, and the PPTP variant of RFC 2637). The tunnelled packet
// is what the network summary (flows, TCP analysis) describes from here on,
// as tshark's conversations and TCP analysis use the inner headers.
#include "dissectors/common.hpp"
#include "dissectors/registry.hpp"

namespace netdx {

namespace {

constexpr std::uint16_t kChecksum = 0x8000, kRouting = 0x4000, kKey = 0x2000, kSeq = 0x1000, kAck = 0x0080;

// Offset of the key field, 0 when absent.
std::size_t key_offset(std::uint16_t flags) {
    if (!(flags & kKey)) return 0;
    return (flags & (kChecksum | kRouting)) ? 8 : 4;
}

Proto decode(Cursor& c, Packet& pkt, Layer& layer) {
    const std::uint16_t flags = c.be16();
    const std::uint16_t type = c.be16();
    std::size_t len = 4;
    if (flags & (kChecksum | kRouting)) len += 4;
    if (flags & kKey) len += 4;
    if (flags & kSeq) len += 4;
    if ((flags & 7) == 1 && (flags & kAck)) len += 4;
    if (!c.ok() || c.size() < len) {
        layer.length = static_cast<std::uint32_t>(c.size());
        layer.mark_truncated("GRE header cut short");
        return Proto::None;
    }
    layer.length = static_cast<std::uint32_t>(len);
    // Source routing entries (obsolete) are not walked: the payload stays data.
    if (flags & kRouting) return Proto::Data;
    if (!layer.quoted) pkt.net = NetSummary{};
    switch (type) {
        case 0x6558: return Proto::Eth;                              // transparent Ethernet bridging
        case 0x88be: return (flags & kSeq) ? Proto::Data : Proto::Eth;  // ERSPAN type I has no header of its own
        default: return next_for_ethertype(type);
    }
}

void key(const FieldContext& c, FieldOut& out) {
    if (!has_at(c.pkt, *c.layer, 0, 2)) return;
    const std::size_t off = key_offset(load_be16(at(c.pkt, *c.layer, 0)));
    if (off && has_at(c.pkt, *c.layer, off, 4)) {
        const std::uint8_t* p = at(c.pkt, *c.layer, off);
        out.hex((std::uint32_t{load_be16(p)} << 16) | load_be16(p + 2), 8);
    }
}

const FieldDef kFields[] = {
    {"gre.flags_and_version", "Flags and Version", field_hex<0, 2, 4>},
    {"gre.proto", "Protocol Type", field_hex<2, 2, 4>},
    {"gre.key", "GRE Key", key},
};
const Binding kBindings[] = {{Binding::IpProto, 47}};

}  // namespace

const DissectorDef gre_dissector = {Proto::Gre, "gre", "GRE", decode, nullptr, kFields, kBindings};

}  // namespace netdx
