// ICMPv6 (RFC 4443) with Neighbor Discovery (RFC 4861): echo, errors quoting
// the original IPv6 header (decoded as quoted layers), RS/RA/NS/NA/redirect.
#include "dissectors/common.hpp"

namespace netdx {

namespace {

bool is_error(std::uint8_t type) { return type >= 1 && type <= 4; }

Proto decode(Cursor& c, Packet&, Layer& layer) {
    const std::uint8_t type = c.u8();
    c.skip(3);
    if (!c.ok()) {
        layer.length = static_cast<std::uint32_t>(c.size());
        layer.mark_truncated("ICMPv6 header cut before 4 bytes");
        return Proto::None;
    }
    if (is_error(type) || type == 128 || type == 129) {
        if (!c.skip(4)) {
            layer.length = static_cast<std::uint32_t>(c.size());
            layer.mark_truncated("ICMPv6 message cut before 8 bytes");
            return Proto::None;
        }
        layer.length = 8;
        if (c.remaining() == 0) return Proto::None;
        if (is_error(type)) {
            layer.flags |= kLayerStartsQuote;
            return Proto::Ipv6;
        }
        return Proto::Data;
    }
    // ND and other messages: the body (with its options) belongs to this layer.
    layer.length = static_cast<std::uint32_t>(c.size());
    const std::size_t fixed = type == 133 ? 8 : type == 134 ? 16 : type == 135 || type == 136 ? 24 : type == 137 ? 40 : 4;
    if (c.size() < fixed) layer.mark_truncated("Neighbor Discovery message cut short");
    return Proto::None;
}

// The link-layer address option (1 source, 2 target) of an ND message, if any.
const std::uint8_t* nd_lladdr(const Packet& pkt, const Layer& l, std::size_t fixed, std::uint8_t want) {
    const std::size_t end = std::min<std::size_t>(pkt.limit, pkt.bytes.size());
    std::size_t pos = l.offset + fixed;
    while (pos + 2 <= end) {
        const std::uint8_t type = pkt.bytes[pos];
        const std::size_t len = pkt.bytes[pos + 1] * 8u;
        if (len == 0 || pos + len > end) return nullptr;
        if (type == want && len >= 8) return pkt.bytes.data() + pos + 2;
        pos += len;
    }
    return nullptr;
}

void icmpv6_info(const Packet& pkt, const Layer& l, fmt::memory_buffer& out) {
    if (!has_at(pkt, l, 0, 4)) {
        info(out, "ICMPv6 (truncated)");
        return;
    }
    const std::uint8_t* p = at(pkt, l, 0);
    auto mac_suffix = [&](std::size_t fixed, std::uint8_t opt, const char* word) {
        if (const std::uint8_t* m = nd_lladdr(pkt, l, fixed, opt)) {
            info(out, " {} ", word);
            append_mac(out, m);
        }
    };
    switch (p[0]) {
        case 1: {
            static const char* const kCodes[] = {"no route to destination", "Administratively prohibited",
                                                 "Beyond scope of source address", "Address unreachable",
                                                 "Port unreachable", "Source address failed ingress/egress policy",
                                                 "Reject route to destination"};
            info(out, "Destination Unreachable ({})", p[1] < 7 ? kCodes[p[1]] : "unknown code");
            break;
        }
        case 2:
            info(out, "Packet Too Big");
            if (has_at(pkt, l, 4, 4)) info(out, " (MTU {})", load_be32(p + 4));
            break;
        case 3: info(out, "Time Exceeded ({})", p[1] == 0 ? "hop limit exceeded in transit" : "fragment reassembly time exceeded"); break;
        case 4: info(out, "Parameter Problem"); break;
        case 128:
        case 129:
            info(out, "Echo (ping) {}", p[0] == 128 ? "request" : "reply");
            if (has_at(pkt, l, 4, 4)) info(out, " id=0x{:04x}, seq={}", load_be16(p + 4), load_be16(p + 6));
            if (pkt.net.src.family == 6) info(out, ", hop limit={}", pkt.net.ttl);
            break;
        case 133: info(out, "Router Solicitation"); mac_suffix(8, 1, "from"); break;
        case 134: info(out, "Router Advertisement"); mac_suffix(16, 1, "from"); break;
        case 135:
            info(out, "Neighbor Solicitation");
            if (has_at(pkt, l, 8, 16)) { info(out, " for "); append_ipv6(out, p + 8); }
            mac_suffix(24, 1, "from");
            break;
        case 136:
            info(out, "Neighbor Advertisement");
            if (has_at(pkt, l, 8, 16)) { info(out, " "); append_ipv6(out, p + 8); }
            if (has_at(pkt, l, 4, 1)) {
                const std::uint8_t f = p[4];
                const bool any = f & 0xe0;
                if (any) {
                    info(out, " (");
                    bool first = true;
                    for (auto [bit, word] : {std::pair{0x80, "rtr"}, std::pair{0x40, "sol"}, std::pair{0x20, "ovr"}}) {
                        if (f & bit) { info(out, "{}{}", first ? "" : ", ", word); first = false; }
                    }
                    info(out, ")");
                }
            }
            mac_suffix(24, 2, "is at");
            break;
        case 137: info(out, "Redirect"); break;
        case 143: info(out, "Multicast Listener Report Message v2"); break;
        default: info(out, "ICMPv6 type {}", p[0]); break;
    }
}

void nd_target(const FieldContext& c, FieldOut& out) {
    if (!has_at(c.pkt, *c.layer, 0, 24)) return;
    const std::uint8_t* p = at(c.pkt, *c.layer, 0);
    if (p[0] == 135 || p[0] == 136 || p[0] == 137) out.ipv6(p + 8);
}

void echo_field(const FieldContext& c, FieldOut& out, std::size_t off) {
    if (!has_at(c.pkt, *c.layer, 0, 8)) return;
    const std::uint8_t* p = at(c.pkt, *c.layer, 0);
    if (p[0] == 128 || p[0] == 129) out.uint(load_be16(p + off));
}

const FieldDef kFields[] = {
    {"icmpv6.type", "Type", field_uint<0, 1>},
    {"icmpv6.code", "Code", field_uint<1, 1>},
    {"icmpv6.checksum", "Checksum", field_hex<2, 2, 4>},
    {"icmpv6.echo.identifier", "Identifier", [](const FieldContext& c, FieldOut& o) { echo_field(c, o, 4); }},
    {"icmpv6.echo.sequence_number", "Sequence", [](const FieldContext& c, FieldOut& o) { echo_field(c, o, 6); }},
    {"icmpv6.mtu", "MTU", [](const FieldContext& c, FieldOut& o) {
         if (has_at(c.pkt, *c.layer, 0, 8) && *at(c.pkt, *c.layer, 0) == 2) o.uint(load_be32(at(c.pkt, *c.layer, 4)));
     }},
    {"icmpv6.nd.ns.target_address", "Target address", [](const FieldContext& c, FieldOut& o) {
         if (has_at(c.pkt, *c.layer, 0, 1) && *at(c.pkt, *c.layer, 0) == 135) nd_target(c, o);
     }},
    {"icmpv6.nd.na.target_address", "Target address", [](const FieldContext& c, FieldOut& o) {
         if (has_at(c.pkt, *c.layer, 0, 1) && *at(c.pkt, *c.layer, 0) == 136) nd_target(c, o);
     }},
};
const Binding kBindings[] = {{Binding::IpProto, 58}};

}  // namespace

const DissectorDef icmpv6_dissector = {Proto::Icmpv6, "icmpv6", "ICMPv6", decode, icmpv6_info, kFields, kBindings};

}  // namespace netdx
