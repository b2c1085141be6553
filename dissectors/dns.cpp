// DNS (RFC 1035) over UDP, and the same message format for mDNS (RFC 6762,
// port 5353) and LLMNR (RFC 4795, port 5355). The layer covers one message;
// fields and the info column re-walk it (names are never stored per packet).
#include "dissectors/common.hpp"
#include "core/escape.hpp"
#include "dissectors/dns_parse.hpp"

namespace netdx {

namespace {

using dns::Record;
using dns::Section;

Bytes message(const Packet& pkt, const Layer& l) {
    if (l.offset >= pkt.bytes.size()) return {};
    const std::size_t n = std::min<std::size_t>(l.length, pkt.bytes.size() - l.offset);
    return pkt.bytes.subspan(l.offset, n);
}
Bytes message(const FieldContext& c) { return message(c.pkt, *c.layer); }

bool is_mdns(const Packet& pkt) {
    return pkt.net.src_port == dns::kPortMdns || pkt.net.dst_port == dns::kPortMdns;
}

// Whether this layer's message came length-prefixed in a TCP segment: the
// layer below is TCP, or another message of the same segment.
bool over_tcp(const Packet& pkt, const Layer& layer) {
    for (const Layer* l = &layer; l != pkt.layers.begin();) {
        --l;
        if (l->proto == Proto::Tcp) return true;
        if (l->proto != layer.proto) return false;
    }
    return false;
}

Proto decode(Cursor& c, Packet& pkt, Layer& layer) {
    const bool tcp = over_tcp(pkt, layer);
    Bytes msg = c.rest();
    if (tcp) {
        // The layer is the message itself; its length prefix sits just before
        // it (decode.cpp only hands over whole messages, see tcp_whole_message).
        if (!dns::tcp_whole_message(msg)) {
            layer.length = static_cast<std::uint32_t>(msg.size());
            layer.mark_truncated("DNS message over TCP cut short");
            return Proto::None;
        }
        const std::size_t len = load_be16(msg.data());
        layer.offset += 2;
        msg = msg.subspan(2, len);
    }
    layer.length = static_cast<std::uint32_t>(msg.size());
    // A message that runs out of bytes is "truncated" only when the capture cut
    // the packet; otherwise the message itself is short: malformed.
    const bool cut = pkt.caplen < pkt.wirelen;
    auto report = [&](bool truncated, const char* why) {
        if (truncated && cut) layer.mark_truncated(why);
        else layer.mark_malformed(why);
    };
    const dns::WalkResult res = dns::walk(msg, [&](const Record& r) {
        bool truncated = false;
        if (const char* p = dns::check_rdata(msg, r, truncated)) {
            report(truncated, p);
            return false;
        }
        return true;
    });
    if (!res.ok) report(res.truncated, res.problem);
    // Several messages in one segment: each is a layer of its own, as in tshark.
    if (tcp && dns::tcp_whole_message(c.rest().subspan(2 + msg.size()))) return layer.proto;
    return Proto::None;
}

void append_type(fmt::memory_buffer& out, std::uint16_t type) {
    if (const char* n = dns::type_name(type)) info(out, " {}", n);
    else info(out, " Unknown ({})", type);
}

void append_name(fmt::memory_buffer& out, Bytes msg, std::size_t off) {
    dns::Name n;
    std::size_t next = 0;
    if (dns::read_name(msg, off, &n, next) != dns::NameError::None) return;
    out.push_back(' ');
    append_escaped(out, n.shown());
}

// What tshark appends after the type for an answer-like record.
void append_rdata(fmt::memory_buffer& out, Bytes msg, const Record& r) {
    fmt::memory_buffer text;
    if (!dns::append_rdata_text(text, msg, r)) return;
    out.push_back(' ');
    out.append(std::string_view(text.data(), text.size()));
}

void dns_info(const Packet& pkt, const Layer& l, fmt::memory_buffer& out) {
    const Bytes msg = message(pkt, l);
    dns::Header h;
    if (!dns::read_header(msg, h)) {
        out.append(std::string_view("DNS"));
        return;
    }
    if (const char* op = dns::opcode_name(h.opcode())) out.append(std::string_view(op));
    else info(out, "Unknown operation ({})", h.opcode());
    if (h.response()) out.append(std::string_view(" response"));
    info(out, " 0x{:04x}", h.id);
    if (h.response() && h.rcode() != 0) {
        if (const char* rc = dns::rcode_name(h.rcode())) info(out, " {}", rc);
        else info(out, " Unknown error ({})", h.rcode());
    }
    const bool mdns = is_mdns(pkt);
    bool first_question = true;
    dns::walk(msg, [&](const Record& r) {
        if (r.section == Section::Question) {
            // tshark separates mDNS questions with ", "... only through the QU/QM note.
            (void)first_question;
            first_question = false;
            append_type(out, r.type);
            append_name(out, msg, r.name_off);
            if (mdns) info(out, ", \"{}\" question", (r.cls & 0x8000) ? "QU" : "QM");
            return true;
        }
        append_type(out, r.type);
        if (mdns && r.type != 41 && (r.cls & 0x8000)) out.append(std::string_view(", cache flush"));
        append_rdata(out, msg, r);
        return true;
    });
}

// ---- field helpers -------------------------------------------------------

template <std::uint16_t Mask, int Shift, bool ResponseOnly>
void flag_field(const FieldContext& c, FieldOut& out) {
    if (!has_at(c.pkt, *c.layer, 2, 2)) return;
    const std::uint16_t f = load_be16(at(c.pkt, *c.layer, 2));
    if (ResponseOnly && !(f & 0x8000)) return;
    out.uint((f & Mask) >> Shift);
}

// Section counts: an UPDATE (opcode 5) names them zones/prerequisites/updates.
template <std::size_t Off, bool Update>
void count_field(const FieldContext& c, FieldOut& out) {
    if (!has_at(c.pkt, *c.layer, 0, 12)) return;
    const bool update = ((load_be16(at(c.pkt, *c.layer, 2)) >> 11) & 0xf) == 5;
    if (update == Update) out.uint(load_be16(at(c.pkt, *c.layer, Off)));
}

template <typename Fn>
void each(const FieldContext& c, Fn&& fn) {
    const Bytes msg = message(c);
    dns::walk(msg, [&](const Record& r) {
        fn(msg, r);
        return true;
    });
}

void name_at(Bytes msg, std::size_t off, FieldOut& out) {
    dns::Name n;
    std::size_t next = 0;
    if (dns::read_name(msg, off, &n, next) == dns::NameError::None) out.text(n.shown());
}

template <Section S>
bool in(const Record& r) {
    return S == Section::Question ? r.section == Section::Question : r.section != Section::Question;
}

void qry_name(const FieldContext& c, FieldOut& out) {
    each(c, [&](Bytes m, const Record& r) { if (in<Section::Question>(r)) name_at(m, r.name_off, out); });
}
void qry_name_len(const FieldContext& c, FieldOut& out) {
    each(c, [&](Bytes m, const Record& r) {
        if (!in<Section::Question>(r)) return;
        dns::Name n;
        std::size_t next = 0;
        if (dns::read_name(m, r.name_off, &n, next) == dns::NameError::None) out.uint(n.len ? n.len : 6);
    });
}
void count_labels(const FieldContext& c, FieldOut& out) {
    each(c, [&](Bytes m, const Record& r) {
        if (!in<Section::Question>(r)) return;
        dns::Name n;
        std::size_t next = 0;
        if (dns::read_name(m, r.name_off, &n, next) == dns::NameError::None) out.uint(n.labels);
    });
}
void qry_type(const FieldContext& c, FieldOut& out) {
    each(c, [&](Bytes, const Record& r) { if (in<Section::Question>(r)) out.uint(r.type); });
}
void qry_class(const FieldContext& c, FieldOut& out) {
    const bool mdns = is_mdns(c.pkt);
    each(c, [&](Bytes, const Record& r) {
        if (in<Section::Question>(r)) out.hex(mdns ? r.cls & 0x7fff : r.cls, 4);
    });
}
void qry_qu(const FieldContext& c, FieldOut& out) {
    if (!is_mdns(c.pkt)) return;
    each(c, [&](Bytes, const Record& r) { if (in<Section::Question>(r)) out.boolean(r.cls & 0x8000); });
}
void resp_name(const FieldContext& c, FieldOut& out) {
    each(c, [&](Bytes m, const Record& r) { if (in<Section::Answer>(r)) name_at(m, r.name_off, out); });
}
void resp_type(const FieldContext& c, FieldOut& out) {
    each(c, [&](Bytes, const Record& r) { if (in<Section::Answer>(r)) out.uint(r.type); });
}
void resp_class(const FieldContext& c, FieldOut& out) {
    const bool mdns = is_mdns(c.pkt);
    each(c, [&](Bytes, const Record& r) {
        if (in<Section::Answer>(r) && r.type != 41) out.hex(mdns ? r.cls & 0x7fff : r.cls, 4);
    });
}
void resp_cache_flush(const FieldContext& c, FieldOut& out) {
    if (!is_mdns(c.pkt)) return;
    each(c, [&](Bytes, const Record& r) {
        if (in<Section::Answer>(r) && r.type != 41) out.boolean(r.cls & 0x8000);
    });
}
void resp_ttl(const FieldContext& c, FieldOut& out) {
    each(c, [&](Bytes, const Record& r) { if (in<Section::Answer>(r) && r.type != 41) out.uint(r.ttl); });
}
void resp_len(const FieldContext& c, FieldOut& out) {
    each(c, [&](Bytes, const Record& r) { if (in<Section::Answer>(r)) out.uint(r.rdlen); });
}

// Calls fn(msg, record, rdata pointer) for records of one type whose data is
// at least `min` bytes.
template <std::uint16_t Type, std::size_t Min, typename Fn>
void each_of(const FieldContext& c, Fn&& fn) {
    each(c, [&](Bytes m, const Record& r) {
        if (in<Section::Answer>(r) && r.type == Type && r.rdlen >= Min) fn(m, r, m.data() + r.rdata_off);
    });
}

template <std::uint16_t Type>
void rdata_name(const FieldContext& c, FieldOut& out) {
    each_of<Type, 1>(c, [&](Bytes m, const Record& r, const std::uint8_t*) { name_at(m, r.rdata_off, out); });
}
// A name at a fixed offset inside the data of a record type.
template <std::uint16_t Type, std::size_t Off>
void rdata_name_at(const FieldContext& c, FieldOut& out) {
    each_of<Type, Off + 1>(c, [&](Bytes m, const Record& r, const std::uint8_t*) { name_at(m, r.rdata_off + Off, out); });
}
template <std::uint16_t Type, std::size_t Off, std::size_t Size, bool Hex = false, int Width = 0>
void rdata_uint(const FieldContext& c, FieldOut& out) {
    each_of<Type, Off + Size>(c, [&](Bytes, const Record&, const std::uint8_t* d) {
        std::uint64_t v = 0;
        for (std::size_t i = 0; i < Size; ++i) v = (v << 8) | d[Off + i];
        if (Hex) out.hex(v, Width);
        else out.uint(v);
    });
}

void field_a(const FieldContext& c, FieldOut& out) {
    each(c, [&](Bytes m, const Record& r) {
        if (in<Section::Answer>(r) && r.type == 1 && r.rdlen == 4) out.ipv4(m.data() + r.rdata_off);
    });
}
void field_aaaa(const FieldContext& c, FieldOut& out) {
    each(c, [&](Bytes m, const Record& r) {
        if (in<Section::Answer>(r) && r.type == 28 && r.rdlen == 16) out.ipv6(m.data() + r.rdata_off);
    });
}

// SOA: both names, then five 32-bit numbers (index 0..4).
void soa_rname(const FieldContext& c, FieldOut& out) {
    each_of<6, 1>(c, [&](Bytes m, const Record& r, const std::uint8_t*) {
        std::size_t next = 0;
        if (dns::read_name(m, r.rdata_off, nullptr, next) == dns::NameError::None) name_at(m, next, out);
    });
}
template <int Index>
void soa_number(const FieldContext& c, FieldOut& out) {
    each_of<6, 1>(c, [&](Bytes m, const Record& r, const std::uint8_t*) {
        std::size_t next = 0;
        if (dns::read_name(m, r.rdata_off, nullptr, next) != dns::NameError::None) return;
        if (dns::read_name(m, next, nullptr, next) != dns::NameError::None) return;
        const std::size_t at_off = next + 4u * Index;
        if (at_off + 4 <= r.rdata_off + r.rdlen) out.uint(load_be32(m.data() + at_off));
    });
}

void txt_strings(const FieldContext& c, FieldOut& out, bool lengths) {
    each_of<16, 1>(c, [&](Bytes m, const Record& r, const std::uint8_t*) {
        std::size_t p = r.rdata_off;
        const std::size_t end = r.rdata_off + r.rdlen;
        while (p < end) {
            const std::size_t len = m[p];
            if (p + 1 + len > end) break;
            if (lengths) out.uint(len);
            else out.text(std::string_view(reinterpret_cast<const char*>(m.data() + p + 1), len));
            p += 1 + len;
        }
    });
}
void field_txt(const FieldContext& c, FieldOut& out) { txt_strings(c, out, false); }
void field_txt_len(const FieldContext& c, FieldOut& out) { txt_strings(c, out, true); }

void caa_text(const FieldContext& c, FieldOut& out, bool value) {
    each_of<257, 2>(c, [&](Bytes m, const Record& r, const std::uint8_t* d) {
        const std::size_t tl = d[1];
        if (2 + tl > r.rdlen) return;
        const auto* s = reinterpret_cast<const char*>(d);
        if (value) out.text(std::string_view(s + 2 + tl, r.rdlen - 2 - tl));
        else out.text(std::string_view(s + 2, tl));
        (void)m;
    });
}
void caa_tag(const FieldContext& c, FieldOut& out) { caa_text(c, out, false); }
void caa_value(const FieldContext& c, FieldOut& out) { caa_text(c, out, true); }

void svcb_priority(const FieldContext& c, FieldOut& out) {
    each(c, [&](Bytes m, const Record& r) {
        if (in<Section::Answer>(r) && (r.type == 64 || r.type == 65) && r.rdlen >= 3)
            out.uint(load_be16(m.data() + r.rdata_off));
    });
}
void svcb_target(const FieldContext& c, FieldOut& out) {
    each(c, [&](Bytes m, const Record& r) {
        if (in<Section::Answer>(r) && (r.type == 64 || r.type == 65) && r.rdlen >= 3) name_at(m, r.rdata_off + 2, out);
    });
}

// ---- OPT (EDNS0, RFC 6891) -----------------------------------------------

template <typename Fn>
void each_opt(const FieldContext& c, Fn&& fn) {
    each(c, [&](Bytes m, const Record& r) {
        if (r.section == Section::Question || r.type != 41) return;
        fn(m, r);
    });
}
void opt_payload(const FieldContext& c, FieldOut& out) {
    each_opt(c, [&](Bytes, const Record& r) { out.uint(r.cls); });
}
void opt_ext_rcode(const FieldContext& c, FieldOut& out) {
    each_opt(c, [&](Bytes, const Record& r) { out.hex(r.ttl >> 24, 2); });
}
void opt_version(const FieldContext& c, FieldOut& out) {
    each_opt(c, [&](Bytes, const Record& r) { out.uint((r.ttl >> 16) & 0xff); });
}
void opt_z(const FieldContext& c, FieldOut& out) {
    each_opt(c, [&](Bytes, const Record& r) { out.hex(r.ttl & 0xffff, 4); });
}
void opt_do(const FieldContext& c, FieldOut& out) {
    each_opt(c, [&](Bytes, const Record& r) { out.boolean(r.ttl & 0x8000); });
}
// fn(code, data pointer, length) for each EDNS0 option that fits its record.
template <typename Fn>
void each_option(const FieldContext& c, Fn&& fn) {
    each_opt(c, [&](Bytes m, const Record& r) {
        std::size_t p = r.rdata_off;
        const std::size_t end = r.rdata_off + r.rdlen;
        while (end - p >= 4) {
            const std::uint16_t code = load_be16(m.data() + p), len = load_be16(m.data() + p + 2);
            if (len > end - p - 4) break;
            fn(code, m.data() + p + 4, len);
            p += 4u + len;
        }
    });
}
void opt_code(const FieldContext& c, FieldOut& out) {
    each_option(c, [&](std::uint16_t code, const std::uint8_t*, std::uint16_t) { out.uint(code); });
}
void opt_len(const FieldContext& c, FieldOut& out) {
    each_option(c, [&](std::uint16_t, const std::uint8_t*, std::uint16_t len) { out.uint(len); });
}
void hex_bytes(FieldOut& out, const std::uint8_t* p, std::size_t n) {
    fmt::memory_buffer b;
    for (std::size_t i = 0; i < n; ++i) fmt::format_to(std::back_inserter(b), "{:02x}", p[i]);
    out.raw(std::string_view(b.data(), b.size()));
}
template <int Part>  // 0 family, 1 source netmask, 2 scope, 4 IPv4 address, 6 IPv6 address
void opt_ecs(const FieldContext& c, FieldOut& out) {
    each_option(c, [&](std::uint16_t code, const std::uint8_t* d, std::uint16_t len) {
        if (code != 8 || len < 4) return;
        const std::uint16_t family = load_be16(d);
        if (Part == 0) out.uint(family);
        else if (Part == 1) out.uint(d[2]);
        else if (Part == 2) out.uint(d[3]);
        else if ((Part == 4 && family == 1 && len <= 8) || (Part == 6 && family == 2 && len <= 20)) {
            std::uint8_t addr[16] = {};
            std::memcpy(addr, d + 4, len - 4u);
            if (Part == 4) out.ipv4(addr);
            else out.ipv6(addr);
        }
    });
}
template <bool Server>
void opt_cookie(const FieldContext& c, FieldOut& out) {
    each_option(c, [&](std::uint16_t code, const std::uint8_t* d, std::uint16_t len) {
        if (code != 10 || len < 8) return;
        if (!Server) hex_bytes(out, d, 8);
        else if (len > 8) hex_bytes(out, d + 8, len - 8u);
    });
}

// The 12-bit rcode with EDNS0's upper bits (netdx: tshark keeps them apart).
void ext_rcode_full(const FieldContext& c, FieldOut& out) {
    if (!has_at(c.pkt, *c.layer, 2, 2) || !(load_be16(at(c.pkt, *c.layer, 2)) & 0x8000)) return;
    out.uint(dns::extended_rcode(message(c)));
}

// The length prefix of a message over TCP (2 bytes before the layer).
void tcp_length(const FieldContext& c, FieldOut& out) {
    const Layer& l = *c.layer;
    if (l.offset >= 2 && l.offset <= c.pkt.bytes.size() && over_tcp(c.pkt, l))
        out.uint(load_be16(c.pkt.bytes.data() + l.offset - 2));
}

const FieldDef kFields[] = {
    {"dns.length", "Length", tcp_length},
    {"dns.id", "Transaction ID", field_hex<0, 2, 4>},
    {"dns.flags", "Flags", field_hex<2, 2, 4>},
    {"dns.flags.response", "Response", flag_field<0x8000, 15, false>},
    {"dns.flags.opcode", "Opcode", flag_field<0x7800, 11, false>},
    {"dns.flags.authoritative", "Authoritative", flag_field<0x0400, 10, true>},
    {"dns.flags.truncated", "Truncated", flag_field<0x0200, 9, false>},
    {"dns.flags.recdesired", "Recursion desired", flag_field<0x0100, 8, false>},
    {"dns.flags.recavail", "Recursion available", flag_field<0x0080, 7, true>},
    {"dns.flags.z", "Z", flag_field<0x0040, 6, false>},
    {"dns.flags.authenticated", "Answer authenticated", flag_field<0x0020, 5, false>},
    {"dns.flags.checkdisable", "Non-authenticated data", flag_field<0x0010, 4, false>},
    {"dns.flags.rcode", "Reply code", flag_field<0x000f, 0, true>},
    {"dns.count.queries", "Questions", count_field<4, false>},
    {"dns.count.answers", "Answer RRs", count_field<6, false>},
    {"dns.count.auth_rr", "Authority RRs", count_field<8, false>},
    {"dns.count.zones", "Zones", count_field<4, true>},
    {"dns.count.prerequisites", "Prerequisites", count_field<6, true>},
    {"dns.count.updates", "Updates", count_field<8, true>},
    {"dns.count.add_rr", "Additional RRs", field_uint<10, 2>},
    {"dns.qry.name", "Name", qry_name},
    {"dns.qry.name.len", "Name Length", qry_name_len},
    {"dns.count.labels", "Label Count", count_labels},
    {"dns.qry.type", "Type", qry_type},
    {"dns.qry.class", "Class", qry_class},
    {"dns.qry.qu", "\"QU\" question", qry_qu},
    {"dns.resp.name", "Name", resp_name},
    {"dns.resp.type", "Type", resp_type},
    {"dns.resp.class", "Class", resp_class},
    {"dns.resp.cache_flush", "Cache flush", resp_cache_flush},
    {"dns.resp.ttl", "Time to live", resp_ttl},
    {"dns.resp.len", "Data length", resp_len},
    {"dns.a", "Address", field_a},
    {"dns.aaaa", "AAAA Address", field_aaaa},
    {"dns.cname", "CNAME", rdata_name<5>},
    {"dns.ns", "Name Server", rdata_name<2>},
    {"dns.ptr.domain_name", "Domain Name", rdata_name<12>},
    {"dns.mx.preference", "Preference", rdata_uint<15, 0, 2>},
    {"dns.mx.mail_exchange", "Mail Exchange", rdata_name_at<15, 2>},
    {"dns.txt.length", "TXT Length", field_txt_len},
    {"dns.txt", "TXT", field_txt},
    {"dns.soa.mname", "Primary name server", rdata_name<6>},
    {"dns.soa.rname", "Responsible authority's mailbox", soa_rname},
    {"dns.soa.serial_number", "Serial Number", soa_number<0>},
    {"dns.soa.refresh_interval", "Refresh Interval", soa_number<1>},
    {"dns.soa.retry_interval", "Retry Interval", soa_number<2>},
    {"dns.soa.expire_limit", "Expire limit", soa_number<3>},
    {"dns.soa.minimum_ttl", "Minimum TTL", soa_number<4>},
    {"dns.srv.priority", "Priority", rdata_uint<33, 0, 2>},
    {"dns.srv.weight", "Weight", rdata_uint<33, 2, 2>},
    {"dns.srv.port", "Port", rdata_uint<33, 4, 2>},
    {"dns.srv.target", "Target", rdata_name_at<33, 6>},
    {"dns.caa.flags", "CAA Flags", rdata_uint<257, 0, 1, true, 2>},
    {"dns.caa.tag", "Tag", caa_tag},
    {"dns.caa.value", "Value", caa_value},
    {"dns.svcb.svcpriority", "SvcPriority", svcb_priority},
    {"dns.svcb.targetname", "TargetName", svcb_target},
    {"dns.ds.key_id", "Key id", rdata_uint<43, 0, 2, true, 4>},
    {"dns.ds.algorithm", "Algorithm", rdata_uint<43, 2, 1>},
    {"dns.ds.digest_type", "Digest Type", rdata_uint<43, 3, 1>},
    {"dns.dnskey.flags", "Flags", rdata_uint<48, 0, 2, true, 4>},
    {"dns.dnskey.protocol", "Protocol", rdata_uint<48, 2, 1>},
    {"dns.dnskey.algorithm", "Algorithm", rdata_uint<48, 3, 1>},
    {"dns.rrsig.type_covered", "Type Covered", rdata_uint<46, 0, 2>},
    {"dns.rrsig.algorithm", "Algorithm", rdata_uint<46, 2, 1>},
    {"dns.rrsig.labels", "Labels", rdata_uint<46, 3, 1>},
    {"dns.rrsig.original_ttl", "Original TTL", rdata_uint<46, 4, 4>},
    {"dns.rrsig.key_tag", "Key Tag", rdata_uint<46, 16, 2>},
    {"dns.rrsig.signers_name", "Signer's name", rdata_name_at<46, 18>},
    {"dns.rr.udp_payload_size", "UDP payload size", opt_payload},
    {"dns.resp.ext_rcode", "Higher bits in extended RCODE", opt_ext_rcode},
    {"dns.resp.edns0_version", "EDNS0 version", opt_version},
    {"dns.resp.z", "Z", opt_z},
    {"dns.resp.z.do", "DO bit", opt_do},
    {"dns.opt.code", "Option: Code", opt_code},
    {"dns.opt.len", "Option: Length", opt_len},
    {"dns.opt.client.family", "Family", opt_ecs<0>},
    {"dns.opt.client.netmask", "Source Netmask", opt_ecs<1>},
    {"dns.opt.client.scope", "Scope Netmask", opt_ecs<2>},
    {"dns.opt.client.addr4", "Client Subnet", opt_ecs<4>},
    {"dns.opt.client.addr6", "Client Subnet", opt_ecs<6>},
    {"dns.opt.cookie.client", "Client Cookie", opt_cookie<false>},
    {"dns.opt.cookie.server", "Server Cookie", opt_cookie<true>},
    {"netdx.dns.rcode", "Reply code with EDNS0 extension", ext_rcode_full},
};

}  // namespace

const DissectorDef dns_dissector = {Proto::Dns, "dns", "DNS", decode, dns_info, kFields, {}};
const DissectorDef mdns_dissector = {Proto::Mdns, "mdns", "MDNS", decode, dns_info, kFields, {}};
const DissectorDef llmnr_dissector = {Proto::Llmnr, "llmnr", "LLMNR", decode, dns_info, kFields, {}};

}  // namespace netdx
