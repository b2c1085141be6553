// DHCPv6 (RFC 8415) on UDP ports 546/547: message types, client/server DUIDs,
// IA_NA addresses and status codes: enough to follow Solicit, Advertise,
// Request, Reply and see why an exchange failed.
#include "dissectors/common.hpp"
#include "dissectors/dhcpv6_parse.hpp"

namespace netdx {

namespace dhcpv6 {
const char* message_type_name(std::uint8_t type) {
    static const char* const kNames[] = {
        nullptr, "Solicit", "Advertise", "Request", "Confirm", "Renew", "Rebind", "Reply", "Release",
        "Decline", "Reconfigure", "Information-request", "Relay-forw", "Relay-reply"};
    return type < sizeof kNames / sizeof kNames[0] ? kNames[type] : nullptr;
}
}  // namespace dhcpv6

namespace {

Bytes message(const Packet& pkt, const Layer& l) {
    if (l.offset >= pkt.bytes.size()) return {};
    return pkt.bytes.subspan(l.offset, std::min<std::size_t>(l.length, pkt.bytes.size() - l.offset));
}
Bytes message(const FieldContext& c) { return message(c.pkt, *c.layer); }

const char* check_option(std::uint16_t code, std::uint16_t len) {
    switch (code) {
        case 1: case 2: return len >= 2 ? nullptr : "DHCPv6 DUID shorter than 2 bytes";
        case 13: return len >= 2 ? nullptr : "DHCPv6 status code option shorter than 2 bytes";
        case 23: return len % 16 == 0 ? nullptr : "DHCPv6 DNS server list not a multiple of 16 bytes";
        case 7: return len == 1 ? nullptr : "DHCPv6 preference option is not 1 byte";
        case 8: return len == 2 ? nullptr : "DHCPv6 elapsed time option is not 2 bytes";
        default: return nullptr;
    }
}

Proto decode(Cursor& c, Packet& pkt, Layer& layer) {
    const Bytes m = c.rest();
    layer.length = static_cast<std::uint32_t>(m.size());
    const bool cut = pkt.caplen < pkt.wirelen;
    const char* problem = nullptr;
    const dhcpv6::WalkResult r = dhcpv6::walk(m, [&](std::uint16_t code, const std::uint8_t*, std::uint16_t len, std::uint16_t) {
        problem = check_option(code, len);
        return problem == nullptr;
    });
    if (!r.ok) {
        if (cut) layer.mark_truncated(r.problem);
        else layer.mark_malformed(r.problem);
    } else if (problem) {
        layer.mark_malformed(problem);
    }
    return Proto::None;
}

void hex_bytes(fmt::memory_buffer& out, const std::uint8_t* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) fmt::format_to(std::back_inserter(out), "{:02x}", p[i]);
}

void dhcpv6_info(const Packet& pkt, const Layer& l, fmt::memory_buffer& out) {
    const Bytes m = message(pkt, l);
    if (m.size() < 4) {
        out.append(std::string_view("DHCPv6"));
        return;
    }
    if (const char* n = dhcpv6::message_type_name(m[0])) out.append(std::string_view(n));
    else info(out, "Unknown ({})", m[0]);
    if (m[0] == dhcpv6::kRelayForw || m[0] == dhcpv6::kRelayRepl) {
        if (m.size() >= 34) {
            out.append(std::string_view(" L: "));
            append_ipv6(out, m.data() + 2);
            out.append(std::string_view(" "));
        }
        return;
    }
    info(out, " XID: 0x{:06x}", (std::uint32_t{m[1]} << 16) | (std::uint32_t{m[2]} << 8) | m[3]);
    dhcpv6::walk(m, [&](std::uint16_t code, const std::uint8_t* d, std::uint16_t len, std::uint16_t) {
        if (code == 1) {
            out.append(std::string_view(" CID: "));
            hex_bytes(out, d, len);
        } else if (code == 5 && len >= 16) {
            out.append(std::string_view(" IAA: "));
            append_ipv6(out, d);
        }
        return true;
    });
    out.push_back(' ');
}

template <typename Fn>
void each(const FieldContext& c, Fn&& fn) {
    dhcpv6::walk(message(c), [&](std::uint16_t code, const std::uint8_t* d, std::uint16_t len, std::uint16_t parent) {
        fn(code, d, len, parent);
        return true;
    });
}

bool relay(const FieldContext& c) {
    const Bytes m = message(c);
    return !m.empty() && (m[0] == dhcpv6::kRelayForw || m[0] == dhcpv6::kRelayRepl);
}

void xid(const FieldContext& c, FieldOut& out) {
    const Bytes m = message(c);
    if (m.size() >= 4 && !relay(c)) out.hex((std::uint32_t{m[1]} << 16) | (std::uint32_t{m[2]} << 8) | m[3], 6);
}
void option_type(const FieldContext& c, FieldOut& out) {
    each(c, [&](std::uint16_t code, const std::uint8_t*, std::uint16_t, std::uint16_t) { out.uint(code); });
}
void option_length(const FieldContext& c, FieldOut& out) {
    each(c, [&](std::uint16_t, const std::uint8_t*, std::uint16_t len, std::uint16_t) { out.uint(len); });
}
void duid_bytes(const FieldContext& c, FieldOut& out) {
    each(c, [&](std::uint16_t code, const std::uint8_t* d, std::uint16_t len, std::uint16_t) {
        if (code != 1 && code != 2) return;
        fmt::memory_buffer b;
        hex_bytes(b, d, len);
        out.raw(std::string_view(b.data(), b.size()));
    });
}
void duid_type(const FieldContext& c, FieldOut& out) {
    each(c, [&](std::uint16_t code, const std::uint8_t* d, std::uint16_t len, std::uint16_t) {
        if ((code == 1 || code == 2) && len >= 2) out.uint(load_be16(d));
    });
}
void iaaddr(const FieldContext& c, FieldOut& out) {
    each(c, [&](std::uint16_t code, const std::uint8_t* d, std::uint16_t len, std::uint16_t) {
        if (code == 5 && len >= 16) out.ipv6(d);
    });
}
void iaprefix(const FieldContext& c, FieldOut& out) {
    each(c, [&](std::uint16_t code, const std::uint8_t* d, std::uint16_t len, std::uint16_t) {
        if (code == 26 && len >= 25) out.ipv6(d + 9);
    });
}
void status_code(const FieldContext& c, FieldOut& out) {
    each(c, [&](std::uint16_t code, const std::uint8_t* d, std::uint16_t len, std::uint16_t) {
        if (code == 13 && len >= 2) out.uint(load_be16(d));
    });
}
void status_message(const FieldContext& c, FieldOut& out) {
    each(c, [&](std::uint16_t code, const std::uint8_t* d, std::uint16_t len, std::uint16_t) {
        if (code == 13 && len > 2) out.text(std::string_view(reinterpret_cast<const char*>(d + 2), len - 2u));
    });
}
void dns_servers(const FieldContext& c, FieldOut& out) {
    each(c, [&](std::uint16_t code, const std::uint8_t* d, std::uint16_t len, std::uint16_t) {
        if (code == 23 && len % 16 == 0)
            for (std::size_t i = 0; i < len; i += 16) out.ipv6(d + i);
    });
}
template <std::size_t Off>
void relay_addr(const FieldContext& c, FieldOut& out) {
    const Bytes m = message(c);
    if (relay(c) && m.size() >= 34) out.ipv6(m.data() + Off);
}
void hopcount(const FieldContext& c, FieldOut& out) {
    const Bytes m = message(c);
    if (relay(c) && m.size() >= 2) out.uint(m[1]);
}

const FieldDef kFields[] = {
    {"dhcpv6.msgtype", "Message type", field_uint<0, 1>},
    {"dhcpv6.xid", "Transaction ID", xid},
    {"dhcpv6.hopcount", "Hopcount", hopcount},
    {"dhcpv6.linkaddr", "Link address", relay_addr<2>},
    {"dhcpv6.peeraddr", "Peer address", relay_addr<18>},
    {"dhcpv6.option.type", "Option", option_type},
    {"dhcpv6.option.length", "Length", option_length},
    {"dhcpv6.duid.bytes", "DUID", duid_bytes},
    {"dhcpv6.duid.type", "DUID Type", duid_type},
    {"dhcpv6.iaaddr.ip", "IPv6 address", iaaddr},
    {"dhcpv6.iaprefix.pref_addr", "Prefix address", iaprefix},
    {"dhcpv6.status_code", "Status Code", status_code},
    {"dhcpv6.status_message", "Status Message", status_message},
    {"dhcpv6.dns_server", "DNS server address", dns_servers},
};

}  // namespace

const DissectorDef dhcpv6_dissector = {Proto::Dhcpv6, "dhcpv6", "DHCPv6", decode, dhcpv6_info, kFields, {}};

}  // namespace netdx
