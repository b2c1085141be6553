// BSD loopback (DLT_NULL, host byte order; DLT_LOOP, network order) and raw IP
// link types (no link header: the IP version nibble says which).
#include "dissectors/common.hpp"

namespace netdx {

namespace {

Proto by_family(std::uint32_t family) {
    switch (family) {
        case 2: return Proto::Ipv4;
        case 10: case 23: case 24: case 28: case 30: return Proto::Ipv6;  // AF_INET6 differs per OS
        default: return Proto::Data;
    }
}

Proto decode_null(Cursor& c, Packet& pkt, Layer& layer) {
    std::uint32_t family = pkt.linktype == 108 ? c.be32() : c.le32();
    if (!c.ok()) {
        layer.length = static_cast<std::uint32_t>(c.size());
        layer.mark_truncated("loopback header shorter than 4 bytes");
        return Proto::None;
    }
    // A capture written on a host of the other byte order.
    if ((family & 0xffff0000u) != 0) family = __builtin_bswap32(family);
    layer.length = 4;
    return by_family(family);
}

Proto decode_raw(Cursor& c, Packet&, Layer& layer) {
    layer.length = 0;
    if (!c.has(1)) {
        layer.mark_truncated("empty raw IP packet");
        return Proto::None;
    }
    switch (c.peek_u8(0) >> 4) {
        case 4: return Proto::Ipv4;
        case 6: return Proto::Ipv6;
        default: layer.mark_malformed("raw packet is neither IPv4 nor IPv6"); return Proto::Data;
    }
}

void null_family(const FieldContext& c, FieldOut& out) {
    if (!has_at(c.pkt, *c.layer, 0, 4)) return;
    Cursor cur(at(c.pkt, *c.layer, 0), 4);
    std::uint32_t family = c.pkt.linktype == 108 ? cur.be32() : cur.le32();
    if ((family & 0xffff0000u) != 0) family = __builtin_bswap32(family);
    out.uint(family);
}

const FieldDef kNullFields[] = {{"null.family", "Family", null_family}};
const Binding kNullBindings[] = {{Binding::LinkType, 0}, {Binding::LinkType, 108}};
const Binding kRawBindings[] = {{Binding::LinkType, 12}, {Binding::LinkType, 14}, {Binding::LinkType, 101},
                                {Binding::LinkType, 228}, {Binding::LinkType, 229}};

}  // namespace

const DissectorDef null_dissector = {Proto::Null, "null", "NULL", decode_null, nullptr, kNullFields, kNullBindings};
const DissectorDef raw_dissector = {Proto::Raw, "raw", "Raw", decode_raw, nullptr, {}, kRawBindings};

}  // namespace netdx
