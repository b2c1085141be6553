#pragma once
// Checked reading of DNS messages (RFC 1035 4.1): the header, names with
// compression, and a walk over every question and resource record. Used by the
// DNS dissector (fields, info column, validation) and by the transaction
// tracker. Nothing here allocates; names are read into a fixed buffer.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <fmt/format.h>

#include "core/cursor.hpp"

namespace netdx::dns {

constexpr std::size_t kHeaderLen = 12;
constexpr std::size_t kMaxNameWire = 255;  // RFC 1035 2.3.4, length octets included

// Ports that carry DNS-format messages over UDP.
constexpr std::uint16_t kPortDns = 53, kPortMdns = 5353, kPortLlmnr = 5355;

// Over TCP every message follows a 2-byte length (RFC 1035 4.2.2). True when
// `stream` starts with the prefix and a whole message of at least a header.
inline bool tcp_whole_message(Bytes stream) {
    if (stream.size() < 2) return false;
    const std::size_t len = (std::size_t{stream[0]} << 8) | stream[1];
    return len >= kHeaderLen && stream.size() - 2 >= len;
}

enum class NameError : std::uint8_t { None, Truncated, Loop, Forward, PastEnd, TooLong, BadLabel };
const char* name_error_text(NameError e);

// A decoded name: label bytes joined by '.' (raw wire bytes: escape before
// printing). The root is empty.
struct Name {
    char text[kMaxNameWire + 1];
    std::uint16_t len = 0;
    std::uint16_t labels = 0;
    [[nodiscard]] std::string_view view() const { return {text, len}; }
    [[nodiscard]] std::string_view shown() const { return len ? view() : std::string_view("<Root>"); }
};

// Reads the (possibly compressed) name starting at `off` of the message.
// `next` receives the offset just past the name where it starts (after the
// first compression pointer). A pointer must go strictly before the lowest
// offset this name has visited so far, which both forbids forward pointers and
// makes loops impossible; the reasons are told apart for the report.
// `out` may be null when only the extent matters.
NameError read_name(Bytes msg, std::size_t off, Name* out, std::size_t& next);

struct Header {
    std::uint16_t id = 0, flags = 0;
    std::uint16_t qdcount = 0, ancount = 0, nscount = 0, arcount = 0;
    [[nodiscard]] bool response() const { return flags & 0x8000; }
    [[nodiscard]] unsigned opcode() const { return (flags >> 11) & 0xf; }
    [[nodiscard]] unsigned rcode() const { return flags & 0xf; }
    [[nodiscard]] bool truncated() const { return flags & 0x0200; }
};
bool read_header(Bytes msg, Header& h);

enum class Section : std::uint8_t { Question, Answer, Authority, Additional };

struct Record {
    Section section = Section::Question;
    std::size_t name_off = 0;
    std::uint16_t type = 0, cls = 0;
    std::uint32_t ttl = 0;      // not for questions
    std::uint16_t rdlen = 0;    // not for questions
    std::size_t rdata_off = 0;  // not for questions
};

// How a walk over a message ended. `problem` is a static reason; `truncated`
// tells whether the message ran past the captured bytes (rather than holding
// an impossible value).
struct WalkResult {
    bool ok = true;
    bool truncated = false;
    const char* problem = nullptr;
    std::size_t end = 0;  // offset after the last complete record
};

// Problem with a record's data given its type (names inside the data, fixed
// sizes, EDNS0 options), or null when it is consistent.
const char* check_rdata(Bytes msg, const Record& r, bool& truncated);

// Calls `fn(const Record&)` for each question and record in order; `fn`
// returns false to stop early. Stops at the first damaged record.
template <typename Fn>
WalkResult walk(Bytes msg, Fn&& fn) {
    WalkResult res;
    Header h;
    if (!read_header(msg, h)) return {false, true, "DNS header cut before 12 bytes", msg.size()};
    std::size_t off = kHeaderLen;
    const std::uint16_t counts[4] = {h.qdcount, h.ancount, h.nscount, h.arcount};
    for (int s = 0; s < 4; ++s) {
        for (std::uint32_t i = 0; i < counts[s]; ++i) {
            Record r;
            r.section = static_cast<Section>(s);
            r.name_off = off;
            std::size_t next = 0;
            const NameError ne = read_name(msg, off, nullptr, next);
            if (ne != NameError::None) {
                return {false, ne == NameError::Truncated, name_error_text(ne), off};
            }
            Cursor c(msg);
            c.skip(next);
            r.type = c.be16();
            r.cls = c.be16();
            if (s != 0) {
                r.ttl = c.be32();
                r.rdlen = c.be16();
                r.rdata_off = c.offset();
                c.skip(r.rdlen);
            }
            if (!c.ok()) {
                return {false, true, s == 0 ? "DNS question cut short" : "DNS record cut short", off};
            }
            off = c.offset();
            res.end = off;
            if (!fn(static_cast<const Record&>(r))) return res;
        }
    }
    res.end = off;
    return res;
}

// Names for the info column and -V.
const char* type_name(std::uint16_t type);  // null when netdx has no name for it
const char* rcode_name(unsigned rcode);     // "No such name", ...
// The IANA mnemonic ("NOERROR", "NXDOMAIN", "BADVERS", ...); null when unassigned.
const char* rcode_mnemonic(unsigned rcode);
const char* opcode_name(unsigned opcode);   // "Standard query", ...

// The data of a record as tshark's info column shows it (address, name,
// "pref name" for MX, "prio weight port target" for SRV), escaped; false (and
// nothing written) for types shown by their name only.
bool append_rdata_text(fmt::memory_buffer& out, Bytes msg, const Record& r);

// The 12-bit response code: header rcode plus the EDNS0 extended bits of the
// OPT record (RFC 6891 6.1.3), when there is one.
std::uint16_t extended_rcode(Bytes msg);

}  // namespace netdx::dns
