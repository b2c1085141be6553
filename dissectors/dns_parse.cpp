#include "dissectors/dns_parse.hpp"

#include <cstring>

#include "core/escape.hpp"
#include "core/format_addr.hpp"

namespace netdx::dns {

const char* name_error_text(NameError e) {
    switch (e) {
        case NameError::None: return "";
        case NameError::Truncated: return "DNS name cut short";
        case NameError::Loop: return "DNS name compression pointer loop";
        case NameError::Forward: return "DNS name compression pointer points forward";
        case NameError::PastEnd: return "DNS name compression pointer past the end of the message";
        case NameError::TooLong: return "DNS name longer than 255 bytes";
        case NameError::BadLabel: return "DNS name uses a reserved label type";
    }
    return "";
}

NameError read_name(Bytes msg, std::size_t off, Name* out, std::size_t& next) {
    const std::size_t size = msg.size();
    std::size_t pos = off, low = off, wire = 0;
    bool jumped = false;
    if (out) { out->len = 0; out->labels = 0; }
    for (;;) {
        if (pos >= size) return NameError::Truncated;
        const std::uint8_t b = msg[pos];
        if ((b & 0xc0) == 0xc0) {
            if (pos + 1 >= size) return NameError::Truncated;
            const std::size_t target = (static_cast<std::size_t>(b & 0x3f) << 8) | msg[pos + 1];
            if (!jumped) { next = pos + 2; jumped = true; }
            if (target >= size) return NameError::PastEnd;
            if (target == pos) return NameError::Loop;
            if (target > pos) return NameError::Forward;
            // Backwards but into the part of this name already read: following
            // it would come back here.
            if (target >= low) return NameError::Loop;
            low = pos = target;
            continue;
        }
        if (b & 0xc0) return NameError::BadLabel;  // 0x40 extended / 0x80 reserved (RFC 6891 5)
        if (b == 0) {
            if (!jumped) next = pos + 1;
            return NameError::None;
        }
        if (pos + 1 + b > size) return NameError::Truncated;
        wire += 1u + b;
        if (wire + 1 > kMaxNameWire) return NameError::TooLong;
        if (out) {
            if (out->len) out->text[out->len++] = '.';
            std::memcpy(out->text + out->len, msg.data() + pos + 1, b);
            out->len = static_cast<std::uint16_t>(out->len + b);
            ++out->labels;
        }
        pos += 1u + b;
    }
}

bool read_header(Bytes msg, Header& h) {
    Cursor c(msg);
    h.id = c.be16();
    h.flags = c.be16();
    h.qdcount = c.be16();
    h.ancount = c.be16();
    h.nscount = c.be16();
    h.arcount = c.be16();
    return c.ok();
}

namespace {

// A name inside record data must end inside that data.
const char* check_name_in(Bytes msg, std::size_t off, std::size_t end, std::size_t& next, bool& truncated) {
    if (off >= end) { truncated = false; return "DNS record data too short for its name"; }
    const NameError e = read_name(msg, off, nullptr, next);
    if (e != NameError::None) {
        truncated = e == NameError::Truncated;
        return name_error_text(e);
    }
    if (next > end) { truncated = false; return "DNS name runs past the record data"; }
    return nullptr;
}

const char* check_opt(Bytes msg, std::size_t off, std::size_t end) {
    while (off < end) {
        if (end - off < 4) return "EDNS0 option header cut short";
        const std::uint16_t code = load_be16(msg.data() + off);
        const std::uint16_t len = load_be16(msg.data() + off + 2);
        off += 4;
        if (len > end - off) return "EDNS0 option runs past the OPT record";
        if (code == 8) {  // client subnet (RFC 7871 6)
            if (len < 4) return "EDNS0 client subnet option too short";
            const std::uint16_t family = load_be16(msg.data() + off);
            const std::size_t max = family == 1 ? 4 : family == 2 ? 16 : 0xffff;
            const unsigned prefix = msg[off + 2];
            if (len - 4u > max || (family == 1 && prefix > 32) || (family == 2 && prefix > 128))
                return "EDNS0 client subnet address longer than its family allows";
        } else if (code == 10) {  // cookie (RFC 7873 4)
            if (len != 8 && (len < 16 || len > 40)) return "EDNS0 cookie of impossible length";
        }
        off += len;
    }
    return nullptr;
}

}  // namespace

const char* check_rdata(Bytes msg, const Record& r, bool& truncated) {
    truncated = false;
    if (r.section == Section::Question || r.rdlen == 0) return nullptr;  // empty rdata: dynamic update deletes
    const std::size_t off = r.rdata_off, end = r.rdata_off + r.rdlen;
    std::size_t next = 0;
    switch (r.type) {
        case 1: return r.rdlen == 4 ? nullptr : "DNS A record data is not 4 bytes";
        case 28: return r.rdlen == 16 ? nullptr : "DNS AAAA record data is not 16 bytes";
        case 2: case 5: case 12: case 39:  // NS CNAME PTR DNAME
            return check_name_in(msg, off, end, next, truncated);
        case 15:  // MX
            if (r.rdlen < 3) return "DNS MX record data too short";
            return check_name_in(msg, off + 2, end, next, truncated);
        case 6: {  // SOA
            if (const char* p = check_name_in(msg, off, end, next, truncated)) return p;
            if (const char* p = check_name_in(msg, next, end, next, truncated)) return p;
            return end - next == 20 ? nullptr : "DNS SOA record data is not 20 bytes after the names";
        }
        case 33:  // SRV
            if (r.rdlen < 7) return "DNS SRV record data too short";
            return check_name_in(msg, off + 6, end, next, truncated);
        case 16: {  // TXT: character-strings filling the data exactly
            std::size_t p = off;
            while (p < end) p += 1u + msg[p];
            return p == end ? nullptr : "DNS TXT string runs past the record data";
        }
        case 257:  // CAA
            if (r.rdlen < 2 || 2u + msg[off + 1] > r.rdlen) return "DNS CAA tag runs past the record data";
            return nullptr;
        case 64: case 65: {  // SVCB HTTPS (RFC 9460 2.2)
            if (r.rdlen < 3) return "DNS SVCB record data too short";
            if (const char* p = check_name_in(msg, off + 2, end, next, truncated)) return p;
            while (next < end) {
                if (end - next < 4) return "DNS SVCB parameter header cut short";
                const std::uint16_t len = load_be16(msg.data() + next + 2);
                next += 4;
                if (len > end - next) return "DNS SVCB parameter runs past the record data";
                next += len;
            }
            return nullptr;
        }
        case 43: case 59: return r.rdlen >= 4 ? nullptr : "DNS DS record data too short";
        case 48: case 60: return r.rdlen >= 4 ? nullptr : "DNS DNSKEY record data too short";
        case 46: case 24:  // RRSIG SIG
            if (r.rdlen < 19) return "DNS RRSIG record data too short";
            return check_name_in(msg, off + 18, end, next, truncated);
        case 41: return check_opt(msg, off, end);
        default: return nullptr;  // unknown types are kept as type + length
    }
}

const char* type_name(std::uint16_t type) {
    switch (type) {
        case 1: return "A"; case 2: return "NS"; case 3: return "MD"; case 4: return "MF";
        case 5: return "CNAME"; case 6: return "SOA"; case 7: return "MB"; case 8: return "MG";
        case 9: return "MR"; case 10: return "NULL"; case 11: return "WKS"; case 12: return "PTR";
        case 13: return "HINFO"; case 14: return "MINFO"; case 15: return "MX"; case 16: return "TXT";
        case 17: return "RP"; case 18: return "AFSDB"; case 19: return "X25"; case 20: return "ISDN";
        case 21: return "RT"; case 22: return "NSAP"; case 23: return "NSAP-PTR"; case 24: return "SIG";
        case 25: return "KEY"; case 26: return "PX"; case 27: return "GPOS"; case 28: return "AAAA";
        case 29: return "LOC"; case 30: return "NXT"; case 31: return "EID"; case 32: return "NIMLOC";
        case 33: return "SRV"; case 34: return "ATMA"; case 35: return "NAPTR"; case 36: return "KX";
        case 37: return "CERT"; case 38: return "A6"; case 39: return "DNAME"; case 40: return "SINK";
        case 41: return "OPT"; case 42: return "APL"; case 43: return "DS"; case 44: return "SSHFP";
        case 45: return "IPSECKEY"; case 46: return "RRSIG"; case 47: return "NSEC"; case 48: return "DNSKEY";
        case 49: return "DHCID"; case 50: return "NSEC3"; case 51: return "NSEC3PARAM"; case 52: return "TLSA";
        case 53: return "SMIMEA"; case 55: return "HIP"; case 59: return "CDS"; case 60: return "CDNSKEY";
        case 61: return "OPENPGPKEY"; case 62: return "CSYNC"; case 63: return "ZONEMD"; case 64: return "SVCB";
        case 65: return "HTTPS"; case 99: return "SPF"; case 104: return "NID"; case 105: return "L32";
        case 106: return "L64"; case 107: return "LP"; case 108: return "EUI48"; case 109: return "EUI64";
        case 249: return "TKEY"; case 250: return "TSIG"; case 251: return "IXFR"; case 252: return "AXFR";
        case 253: return "MAILB"; case 254: return "MAILA"; case 255: return "ANY"; case 256: return "URI";
        case 257: return "CAA"; case 32768: return "TA"; case 32769: return "DLV";
        default: return nullptr;
    }
}

const char* rcode_name(unsigned rcode) {
    static const char* const kNames[] = {
        "No error", "Format error", "Server failure", "No such name", "Not implemented", "Refused",
        "Name exists", "RRset exists", "RRset does not exist", "Not authoritative", "Name out of zone",
        "DSO-Type not implemented"};
    return rcode < sizeof kNames / sizeof kNames[0] ? kNames[rcode] : nullptr;
}

const char* rcode_mnemonic(unsigned rcode) {
    static const char* const kNames[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",   "REFUSED",
                                         "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE", "DSOTYPENI"};
    if (rcode < sizeof kNames / sizeof kNames[0]) return kNames[rcode];
    static const char* const kExtended[] = {"BADVERS", "BADKEY", "BADTIME", "BADMODE", "BADNAME", "BADALG",
                                            "BADTRUNC", "BADCOOKIE"};  // 16..23 (RFC 6891, 8945, 7873)
    if (rcode >= 16 && rcode < 16 + sizeof kExtended / sizeof kExtended[0]) return kExtended[rcode - 16];
    return nullptr;
}

const char* opcode_name(unsigned opcode) {
    switch (opcode) {
        case 0: return "Standard query";
        case 1: return "Inverse query";
        case 2: return "Server status request";
        case 4: return "Zone change notification";
        case 5: return "Dynamic update";
        case 6: return "DNS Stateful operations (DSO)";
        default: return nullptr;
    }
}

namespace {
bool append_name_at(fmt::memory_buffer& out, Bytes msg, std::size_t off) {
    Name n;
    std::size_t next = 0;
    if (read_name(msg, off, &n, next) != NameError::None) return false;
    append_escaped(out, n.shown());
    return true;
}
}  // namespace

bool append_rdata_text(fmt::memory_buffer& out, Bytes msg, const Record& r) {
    if (r.section == Section::Question || r.rdlen == 0) return false;
    const std::uint8_t* d = msg.data() + r.rdata_off;
    switch (r.type) {
        case 1: if (r.rdlen != 4) return false; append_ipv4(out, d); return true;
        case 28: if (r.rdlen != 16) return false; append_ipv6(out, d); return true;
        case 2: case 5: case 6: case 12: case 39: return append_name_at(out, msg, r.rdata_off);
        case 15:
            if (r.rdlen < 3) return false;
            fmt::format_to(std::back_inserter(out), "{} ", load_be16(d));
            return append_name_at(out, msg, r.rdata_off + 2);
        case 33:
            if (r.rdlen < 7) return false;
            fmt::format_to(std::back_inserter(out), "{} {} {} ", load_be16(d), load_be16(d + 2), load_be16(d + 4));
            return append_name_at(out, msg, r.rdata_off + 6);
        default: return false;
    }
}

std::uint16_t extended_rcode(Bytes msg) {
    Header h;
    if (!read_header(msg, h)) return 0;
    std::uint16_t rc = static_cast<std::uint16_t>(h.rcode());
    walk(msg, [&](const Record& r) {
        if (r.section == Section::Additional && r.type == 41) {
            rc = static_cast<std::uint16_t>(((r.ttl >> 24) << 4) | h.rcode());
            return false;
        }
        return true;
    });
    return rc;
}

}  // namespace netdx::dns
