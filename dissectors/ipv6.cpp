// IPv6 (RFC 8200) fixed header and its extension headers, each its own layer
// as in tshark (ipv6.hopopts, ipv6.routing, ipv6.fraghdr, ipv6.dstopts).
#include "dissectors/common.hpp"
#include "dissectors/registry.hpp"

namespace netdx {

namespace {

Proto next_header(std::uint8_t nh) {
    if (nh == 59) return Proto::None;  // No Next Header
    return Registry::get().for_ip_proto(nh);
}

Proto decode(Cursor& c, Packet& pkt, Layer& layer) {
    const std::uint32_t vtf = c.be32();
    const std::uint16_t payload = c.be16();
    const std::uint8_t nh = c.u8();
    const std::uint8_t hlim = c.u8();
    const Bytes src = c.take(16);
    const Bytes dst = c.take(16);
    if (!c.ok()) {
        layer.length = static_cast<std::uint32_t>(c.size());
        layer.mark_truncated("IPv6 header cut before 40 bytes");
        return Proto::None;
    }
    layer.length = 40;
    if ((vtf >> 28) != 6) layer.mark_malformed("IP version is not 6");
    // A zero payload length means a jumbogram (hop-by-hop option); leave the limit.
    if (payload != 0) pkt.limit = std::min<std::uint32_t>(pkt.limit, layer.offset + 40 + payload);
    if (!layer.quoted && pkt.net.src.family == 0) {
        pkt.net.src = IpAddress::v6(src.data());
        pkt.net.dst = IpAddress::v6(dst.data());
        pkt.net.ip_proto = nh;
        pkt.net.ttl = hlim;
    }
    return next_header(nh);
}

// Generic extension header: next header, length in 8-octet units (not counting the first).
Proto decode_ext(Cursor& c, Packet& pkt, Layer& layer) {
    const std::uint8_t nh = c.u8();
    const std::uint8_t len = c.u8();
    const std::size_t total = (len + 1u) * 8u;
    if (!c.ok() || !c.skip(total - 2)) {
        layer.length = static_cast<std::uint32_t>(c.size());
        layer.mark_truncated("IPv6 extension header cut short");
        return Proto::None;
    }
    layer.length = static_cast<std::uint32_t>(total);
    if (!layer.quoted && pkt.net.src.family == 6) pkt.net.ip_proto = nh;
    return next_header(nh);
}

Proto decode_fragment(Cursor& c, Packet& pkt, Layer& layer) {
    const std::uint8_t nh = c.u8();
    c.skip(1);
    const std::uint16_t off_m = c.be16();
    c.skip(4);
    if (!c.ok()) {
        layer.length = static_cast<std::uint32_t>(c.size());
        layer.mark_truncated("IPv6 fragment header cut short");
        return Proto::None;
    }
    layer.length = 8;
    const bool fragment = (off_m & 0xfff8) != 0 || (off_m & 1) != 0;
    if (!layer.quoted && pkt.net.src.family == 6) {
        pkt.net.ip_proto = nh;
        pkt.net.fragment = fragment;
    }
    if (fragment) {
        layer.flags |= kLayerFragment;
        return Proto::Data;
    }
    return next_header(nh);
}

void ipv6_addr(const FieldContext& c, FieldOut& out) {
    field_ipv6<8>(c, out);
    field_ipv6<24>(c, out);
}

const FieldDef kFields[] = {
    {"ipv6.version", "Version", field_uint<0, 1, 0xf0, 4>},
    {"ipv6.tclass", "Traffic class", field_hex<0, 2, 2, 0x0ff0, 4>},
    {"ipv6.flow", "Flow label", field_hex<1, 3, 5, 0x0fffff>},
    {"ipv6.plen", "Payload length", field_uint<4, 2>},
    {"ipv6.nxt", "Next header", field_uint<6, 1>},
    {"ipv6.hlim", "Hop limit", field_uint<7, 1>},
    {"ipv6.src", "Source address", field_ipv6<8>},
    {"ipv6.dst", "Destination address", field_ipv6<24>},
    {"ipv6.addr", "Address", ipv6_addr},
};
const FieldDef kFragFields[] = {
    {"ipv6.fragment.nxt", "Next header", field_uint<0, 1>},
    {"ipv6.fragment.offset", "Offset", field_uint<2, 2, 0xfff8, 3>},
    {"ipv6.fragment.more", "More fragments", field_uint<2, 2, 0x0001>},
    {"ipv6.fragment.id", "Identification", field_hex<4, 4, 8>},
};
const FieldDef kHopFields[] = {{"ipv6.hopopts.nxt", "Next header", field_uint<0, 1>}};
const FieldDef kRoutingFields[] = {
    {"ipv6.routing.nxt", "Next header", field_uint<0, 1>},
    {"ipv6.routing.type", "Type", field_uint<2, 1>},
};
const FieldDef kDstFields[] = {{"ipv6.dstopts.nxt", "Next header", field_uint<0, 1>}};

const Binding kBindings[] = {{Binding::Ethertype, 0x86dd}, {Binding::IpProto, 41}};
const Binding kHopBindings[] = {{Binding::IpProto, 0}};
const Binding kRoutingBindings[] = {{Binding::IpProto, 43}};
const Binding kFragBindings[] = {{Binding::IpProto, 44}};
const Binding kDstBindings[] = {{Binding::IpProto, 60}};

}  // namespace

const DissectorDef ipv6_dissector = {Proto::Ipv6, "ipv6", "IPv6", decode, nullptr, kFields, kBindings};
const DissectorDef ipv6_hopopts_dissector = {Proto::Ipv6HopOpts, "ipv6.hopopts", "IPv6", decode_ext, nullptr,
                                             kHopFields, kHopBindings};
const DissectorDef ipv6_routing_dissector = {Proto::Ipv6Routing, "ipv6.routing", "IPv6", decode_ext, nullptr,
                                             kRoutingFields, kRoutingBindings};
const DissectorDef ipv6_fragment_dissector = {Proto::Ipv6Fragment, "ipv6.fraghdr", "IPv6", decode_fragment, nullptr,
                                              kFragFields, kFragBindings};
const DissectorDef ipv6_dstopts_dissector = {Proto::Ipv6DstOpts, "ipv6.dstopts", "IPv6", decode_ext, nullptr,
                                             kDstFields, kDstBindings};

}  // namespace netdx
