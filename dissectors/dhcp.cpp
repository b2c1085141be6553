// BOOTP / DHCPv4 (RFC 951, 2131, 2132) on UDP ports 67 and 68.
#include <cstring>

#include "dissectors/common.hpp"
#include "dissectors/dhcp_parse.hpp"

namespace netdx {

namespace {

Bytes message(const Packet& pkt, const Layer& l) {
    if (l.offset >= pkt.bytes.size()) return {};
    return pkt.bytes.subspan(l.offset, std::min<std::size_t>(l.length, pkt.bytes.size() - l.offset));
}
Bytes message(const FieldContext& c) { return message(c.pkt, *c.layer); }

Proto decode(Cursor& c, Packet& pkt, Layer& layer) {
    const Bytes m = c.rest();
    layer.length = static_cast<std::uint32_t>(m.size());
    const bool cut = pkt.caplen < pkt.wirelen;
    if (m.size() < dhcp::kFixedLen) {
        if (cut) layer.mark_truncated("BOOTP header cut before 236 bytes");
        else layer.mark_malformed("BOOTP message shorter than 236 bytes");
        return Proto::None;
    }
    const char* problem = nullptr;
    const dhcp::WalkResult res = dhcp::walk_options(m, [&](std::uint8_t code, const std::uint8_t* d, std::uint8_t len, dhcp::Area) {
        problem = dhcp::check_option(code, d, len);
        return problem == nullptr;
    });
    if (!res.ok) {
        if (cut) layer.mark_truncated(res.problem);
        else layer.mark_malformed(res.problem);
    } else if (problem) {
        layer.mark_malformed(problem);
    }
    return Proto::None;
}

// The value of option `code` (first occurrence), or null.
const std::uint8_t* find_option(Bytes m, std::uint8_t code, std::uint8_t& len) {
    const std::uint8_t* found = nullptr;
    dhcp::walk_options(m, [&](std::uint8_t c, const std::uint8_t* d, std::uint8_t l, dhcp::Area) {
        if (c != code) return true;
        found = d;
        len = l;
        return false;
    });
    return found;
}

void dhcp_info(const Packet& pkt, const Layer& l, fmt::memory_buffer& out) {
    const Bytes m = message(pkt, l);
    if (m.size() < dhcp::kFixedLen) {
        out.append(std::string_view("DHCP"));
        return;
    }
    const std::uint32_t xid = load_be32(m.data() + 4);
    std::uint8_t len = 0;
    const std::uint8_t* t = find_option(m, 53, len);
    if (t && len == 1) {
        const char* name = dhcp::message_type_name(t[0]);
        if (name) info(out, "DHCP {:<8} - Transaction ID 0x{:x}", name, xid);
        else info(out, "DHCP Unknown Message Type (0x{:02x}) - Transaction ID 0x{:x}", t[0], xid);
        return;
    }
    // Plain BOOTP.
    if (m[0] == 1) {
        out.append(std::string_view("Boot Request from "));
        if (m[1] == 1 && m[2] == 6) append_mac(out, m.data() + 28);
    } else {
        out.append(std::string_view("Boot Reply"));
    }
}

// ---- fields ----------------------------------------------------------------

template <std::size_t Off>
void ip_field(const FieldContext& c, FieldOut& out) {
    const Bytes m = message(c);
    if (m.size() >= Off + 4) out.ipv4(m.data() + Off);
}

void mac_addr(const FieldContext& c, FieldOut& out) {
    const Bytes m = message(c);
    if (m.size() >= 34 && m[1] == 1 && m[2] == 6) out.mac(m.data() + 28);
}

// NUL-terminated text in a fixed field (sname, file), unless it holds options.
template <std::size_t Off, std::size_t Len, std::uint8_t OverloadBit>
void fixed_text(const FieldContext& c, FieldOut& out) {
    const Bytes m = message(c);
    if (m.size() < Off + Len || m[Off] == 0) return;
    std::uint8_t ol = 0;
    const std::uint8_t* o = find_option(m, 52, ol);
    if (o && ol == 1 && (o[0] & OverloadBit)) return;
    const auto* s = reinterpret_cast<const char*>(m.data() + Off);
    out.text(std::string_view(s, strnlen(s, Len)));
}

void cookie(const FieldContext& c, FieldOut& out) {
    const Bytes m = message(c);
    if (m.size() >= dhcp::kOptionsOff) out.ipv4(m.data() + dhcp::kFixedLen);
}

template <typename Fn>
void each_option(const FieldContext& c, Fn&& fn) {
    dhcp::walk_options(message(c), [&](std::uint8_t code, const std::uint8_t* d, std::uint8_t len, dhcp::Area) {
        fn(code, d, len);
        return true;
    });
}

void option_type(const FieldContext& c, FieldOut& out) {
    const Bytes m = message(c);
    const dhcp::WalkResult r = dhcp::walk_options(m, [&](std::uint8_t code, const std::uint8_t*, std::uint8_t, dhcp::Area) {
        out.uint(code);
        return true;
    });
    if (r.end_seen) out.uint(255);
}
void option_length(const FieldContext& c, FieldOut& out) {
    each_option(c, [&](std::uint8_t, const std::uint8_t*, std::uint8_t len) { out.uint(len); });
}

template <std::uint8_t Code>
void opt_u8(const FieldContext& c, FieldOut& out) {
    each_option(c, [&](std::uint8_t code, const std::uint8_t* d, std::uint8_t len) { if (code == Code && len == 1) out.uint(d[0]); });
}
template <std::uint8_t Code>
void opt_u16(const FieldContext& c, FieldOut& out) {
    each_option(c, [&](std::uint8_t code, const std::uint8_t* d, std::uint8_t len) { if (code == Code && len == 2) out.uint(load_be16(d)); });
}
template <std::uint8_t Code>
void opt_u32(const FieldContext& c, FieldOut& out) {
    each_option(c, [&](std::uint8_t code, const std::uint8_t* d, std::uint8_t len) { if (code == Code && len == 4) out.uint(load_be32(d)); });
}
// One address, or a list of them.
template <std::uint8_t Code>
void opt_ips(const FieldContext& c, FieldOut& out) {
    each_option(c, [&](std::uint8_t code, const std::uint8_t* d, std::uint8_t len) {
        if (code != Code || len % 4 != 0) return;
        for (std::size_t i = 0; i < len; i += 4) out.ipv4(d + i);
    });
}
template <std::uint8_t Code>
void opt_text(const FieldContext& c, FieldOut& out) {
    each_option(c, [&](std::uint8_t code, const std::uint8_t* d, std::uint8_t len) {
        if (code != Code) return;
        const auto* s = reinterpret_cast<const char*>(d);
        out.text(std::string_view(s, strnlen(s, len)));
    });
}
void request_list(const FieldContext& c, FieldOut& out) {
    each_option(c, [&](std::uint8_t code, const std::uint8_t* d, std::uint8_t len) {
        if (code == 55) for (std::size_t i = 0; i < len; ++i) out.uint(d[i]);
    });
}
void hex_bytes(FieldOut& out, const std::uint8_t* p, std::size_t n) {
    fmt::memory_buffer b;
    for (std::size_t i = 0; i < n; ++i) fmt::format_to(std::back_inserter(b), "{:02x}", p[i]);
    out.raw(std::string_view(b.data(), b.size()));
}
void client_id(const FieldContext& c, FieldOut& out) {
    each_option(c, [&](std::uint8_t code, const std::uint8_t* d, std::uint8_t len) {
        if (code == 61 && len >= 2) hex_bytes(out, d + 1, len - 1u);
    });
}
template <std::uint8_t Sub>
void agent_sub(const FieldContext& c, FieldOut& out) {
    each_option(c, [&](std::uint8_t code, const std::uint8_t* d, std::uint8_t len) {
        if (code != 82) return;
        std::size_t p = 0;
        while (p + 2 <= len && p + 2u + d[p + 1] <= len) {
            if (d[p] == Sub) hex_bytes(out, d + p + 2, d[p + 1]);
            p += 2u + d[p + 1];
        }
    });
}

const FieldDef kFields[] = {
    {"dhcp.type", "Message type", field_uint<0, 1>},
    {"dhcp.hw.type", "Hardware type", field_hex<1, 1, 2>},
    {"dhcp.hw.len", "Hardware address length", field_uint<2, 1>},
    {"dhcp.hops", "Hops", field_uint<3, 1>},
    {"dhcp.id", "Transaction ID", field_hex<4, 4, 8>},
    {"dhcp.secs", "Seconds elapsed", field_uint<8, 2>},
    {"dhcp.flags", "Bootp flags", field_hex<10, 2, 4>},
    {"dhcp.flags.bc", "Broadcast flag", field_uint<10, 2, 0x8000, 15>},
    {"dhcp.ip.client", "Client IP address", ip_field<12>},
    {"dhcp.ip.your", "Your (client) IP address", ip_field<16>},
    {"dhcp.ip.server", "Next server IP address", ip_field<20>},
    {"dhcp.ip.relay", "Relay agent IP address", ip_field<24>},
    {"dhcp.hw.mac_addr", "Client MAC address", mac_addr},
    {"dhcp.server", "Server host name", fixed_text<dhcp::kSnameOff, dhcp::kSnameLen, 2>},
    {"dhcp.file", "Boot file name", fixed_text<dhcp::kFileOff, dhcp::kFileLen, 1>},
    {"dhcp.cookie", "Magic cookie", cookie},
    {"dhcp.option.type", "Option", option_type},
    {"dhcp.option.length", "Length", option_length},
    {"dhcp.option.dhcp", "DHCP", opt_u8<53>},
    {"dhcp.option.subnet_mask", "Subnet Mask", opt_ips<1>},
    {"dhcp.option.router", "Router", opt_ips<3>},
    {"dhcp.option.domain_name_server", "Domain Name Server", opt_ips<6>},
    {"dhcp.option.hostname", "Host Name", opt_text<12>},
    {"dhcp.option.domain_name", "Domain Name", opt_text<15>},
    {"dhcp.option.broadcast_address", "Broadcast Address", opt_ips<28>},
    {"dhcp.option.requested_ip_address", "Requested IP Address", opt_ips<50>},
    {"dhcp.option.ip_address_lease_time", "IP Address Lease Time", opt_u32<51>},
    {"dhcp.option.option_overload", "Option Overload", opt_u8<52>},
    {"dhcp.option.dhcp_server_id", "DHCP Server Identifier", opt_ips<54>},
    {"dhcp.option.request_list_item", "Parameter Request List Item", request_list},
    {"dhcp.option.message", "Message", opt_text<56>},
    {"dhcp.option.dhcp_max_message_size", "Maximum DHCP Message Size", opt_u16<57>},
    {"dhcp.option.renewal_time_value", "Renewal Time Value", opt_u32<58>},
    {"dhcp.option.rebinding_time_value", "Rebinding Time Value", opt_u32<59>},
    {"dhcp.option.vendor_class_id", "Vendor class identifier", opt_text<60>},
    {"dhcp.client_id", "Client identifier", client_id},
    {"dhcp.option.agent_information_option.circuit_id", "Agent Circuit ID", agent_sub<1>},
    {"dhcp.option.agent_information_option.remote_id", "Agent Remote ID", agent_sub<2>},
};

}  // namespace

const DissectorDef dhcp_dissector = {Proto::Dhcp, "dhcp", "DHCP", decode, dhcp_info, kFields, {}};

}  // namespace netdx
