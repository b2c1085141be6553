// ICMP (RFC 792): echo, errors with the quoted original header decoded as
// following layers (marked quoted), redirect, and the rest by type/code.
#include "dissectors/common.hpp"

namespace netdx {

namespace {

bool is_error(std::uint8_t type) { return type == 3 || type == 4 || type == 5 || type == 11 || type == 12; }

Proto decode(Cursor& c, Packet&, Layer& layer) {
    const std::uint8_t type = c.u8();
    c.skip(7);
    if (!c.ok()) {
        layer.length = static_cast<std::uint32_t>(c.size());
        layer.mark_truncated("ICMP header cut before 8 bytes");
        return Proto::None;
    }
    layer.length = 8;
    if (is_error(type)) {
        if (!c.has(1)) return Proto::None;
        layer.flags |= kLayerStartsQuote;
        return Proto::Ipv4;
    }
    return c.remaining() > 0 ? Proto::Data : Proto::None;
}

const char* type_name(std::uint8_t type) {
    switch (type) {
        case 0: return "Echo (ping) reply";
        case 3: return "Destination unreachable";
        case 4: return "Source quench (flow control)";
        case 5: return "Redirect";
        case 8: return "Echo (ping) request";
        case 9: return "Router advertisement";
        case 10: return "Router solicitation";
        case 11: return "Time-to-live exceeded";
        case 12: return "Parameter problem";
        case 13: return "Timestamp request";
        case 14: return "Timestamp reply";
        case 17: return "Address mask request";
        case 18: return "Address mask reply";
        default: return nullptr;
    }
}

const char* code_name(std::uint8_t type, std::uint8_t code) {
    static const char* const kUnreach[] = {
        "Network unreachable", "Host unreachable", "Protocol unreachable", "Port unreachable",
        "Fragmentation needed", "Source route failed", "Destination network unknown",
        "Destination host unknown", "Source host isolated", "Network administratively prohibited",
        "Host administratively prohibited", "Network unreachable for TOS", "Host unreachable for TOS",
        "Communication administratively filtered", "Host precedence violation", "Precedence cutoff in effect"};
    static const char* const kRedirect[] = {"Redirect for network", "Redirect for host",
                                            "Redirect for TOS and network", "Redirect for TOS and host"};
    static const char* const kTimex[] = {"Time to live exceeded in transit", "Fragment reassembly time exceeded"};
    if (type == 3 && code < 16) return kUnreach[code];
    if (type == 5 && code < 4) return kRedirect[code];
    if (type == 11 && code < 2) return kTimex[code];
    return nullptr;
}

void icmp_info(const Packet& pkt, const Layer& l, fmt::memory_buffer& out) {
    if (!has_at(pkt, l, 0, 8)) {
        info(out, "ICMP (truncated)");
        return;
    }
    const std::uint8_t* p = at(pkt, l, 0);
    const char* name = type_name(p[0]);
    if (name) info(out, "{:<20}", name);
    else info(out, "Unknown ICMP (obsolete or malformed?) type {}", p[0]);
    if (p[0] == 0 || p[0] == 8) {
        const std::uint16_t seq = load_be16(p + 6);
        info(out, " id=0x{:04x}, seq={}/{}", load_be16(p + 4), seq,
             static_cast<std::uint16_t>((seq >> 8) | (seq << 8)));
        if (pkt.net.src.family == 4) info(out, ", ttl={}", pkt.net.ttl);
    } else if (is_error(p[0])) {
        const char* code = code_name(p[0], p[1]);
        if (code) info(out, " ({})", code);
        if (p[0] == 3 && p[1] == 4) info(out, " MTU={}", load_be16(p + 6));
    }
}

void icmp_mtu(const FieldContext& c, FieldOut& out) {
    if (!has_at(c.pkt, *c.layer, 0, 8)) return;
    const std::uint8_t* p = at(c.pkt, *c.layer, 0);
    if (p[0] == 3 && p[1] == 4) out.uint(load_be16(p + 6));
}

template <std::size_t Off, bool LittleEndian>
void echo_field(const FieldContext& c, FieldOut& out) {
    if (!has_at(c.pkt, *c.layer, 0, 8)) return;
    const std::uint8_t* p = at(c.pkt, *c.layer, 0);
    if (p[0] != 0 && p[0] != 8 && p[0] != 13 && p[0] != 14) return;
    const std::uint16_t v = load_be16(p + Off);
    out.uint(LittleEndian ? static_cast<std::uint16_t>((v >> 8) | (v << 8)) : v);
}

const FieldDef kFields[] = {
    {"icmp.type", "Type", field_uint<0, 1>},
    {"icmp.code", "Code", field_uint<1, 1>},
    {"icmp.checksum", "Checksum", field_hex<2, 2, 4>},
    {"icmp.ident", "Identifier (BE)", echo_field<4, false>},
    {"icmp.seq", "Sequence number (BE)", echo_field<6, false>},
    {"icmp.seq_le", "Sequence number (LE)", echo_field<6, true>},
    {"icmp.mtu", "MTU of next hop", icmp_mtu},
    {"icmp.redir_gw", "Gateway address", [](const FieldContext& c, FieldOut& o) {
         if (has_at(c.pkt, *c.layer, 0, 8) && *at(c.pkt, *c.layer, 0) == 5) o.ipv4(at(c.pkt, *c.layer, 4));
     }},
};
const Binding kBindings[] = {{Binding::IpProto, 1}};

}  // namespace

const DissectorDef icmp_dissector = {Proto::Icmp, "icmp", "ICMP", decode, icmp_info, kFields, kBindings};

}  // namespace netdx
