// TLS records for the packet view (RFC 8446 5, RFC 5246 6.2), segment by
// segment: the whole records a segment starts with, each named as tshark 4.0
// names it ("Client Hello", "Change Cipher Spec", "Encrypted Handshake
// Message", "Application Data", "Alert (Level: Fatal, Description: ...)").
// Stateless: a record cut by the segment end and everything after it is left
// out (tshark shows it once reassembled, on a later segment), and a handshake
// or alert record is taken as encrypted when it follows a ChangeCipherSpec in
// the same segment or its content cannot be a clear message.
#include <algorithm>

#include "app/tls_handshake.hpp"
#include "dissectors/common.hpp"
#include "dissectors/tls_framing.hpp"
#include "dissectors/tls_session_versions.hpp"

namespace netdx {

namespace {

constexpr std::uint8_t kChangeCipherSpec = 20, kAlert = 21, kHandshake = 22, kApplicationData = 23, kHeartbeat = 24;
constexpr std::uint8_t kClientHello = 1, kServerHello = 2;
constexpr int kMaxRecords = 64;  // per segment; a 64 KiB segment of 5-byte records would be 13,000

struct Record {
    std::uint8_t type = 0;
    std::uint16_t version = 0;
    Bytes body;
    bool after_ccs = false;  // a ChangeCipherSpec came before it in this segment
};

bool plausible_header(const std::uint8_t* h) {
    return h[0] >= kChangeCipherSpec && h[0] <= kHeartbeat && h[1] == 3 && h[2] <= 4;
}

// Calls fn(record) for each whole record at the start of `seg`.
template <typename Fn>
void for_each_record(Bytes seg, Fn&& fn) {
    std::size_t off = 0;
    bool ccs = false;
    for (int n = 0; n < kMaxRecords && seg.size() - off >= 5; ++n) {
        const std::uint8_t* h = seg.data() + off;
        if (!plausible_header(h)) return;
        const std::size_t len = load_be16(h + 3);
        if (seg.size() - off - 5 < len) return;
        Record r;
        r.type = h[0];
        r.version = load_be16(h + 1);
        r.body = seg.subspan(off + 5, len);
        r.after_ccs = ccs;
        fn(r);
        if (r.type == kChangeCipherSpec) ccs = true;
        off += 5 + len;
    }
}

// True when the segment starts with a whole record: only then is it shown as
// TLS (tshark shows the pieces of a record split across segments as TCP).
bool starts_whole_record(Bytes seg) {
    bool any = false;
    for_each_record(seg, [&](const Record&) { any = true; });
    return any;
}

Bytes segment(const Packet& pkt, const Layer& l) { return pkt.layer_bytes(l).first(std::min<std::size_t>(pkt.layer_bytes(l).size(), l.length)); }

const char* handshake_name(std::uint8_t t) {
    switch (t) {
        case 0: return "Hello Request";
        case kClientHello: return "Client Hello";
        case kServerHello: return "Server Hello";
        case 4: return "New Session Ticket";
        case 8: return "Encrypted Extensions";
        case 11: return "Certificate";
        case 12: return "Server Key Exchange";
        case 13: return "Certificate Request";
        case 14: return "Server Hello Done";
        case 15: return "Certificate Verify";
        case 16: return "Client Key Exchange";
        case 20: return "Finished";
        default: return nullptr;
    }
}

// RFC 8446 4.1.3: a ServerHello with this random is a HelloRetryRequest.
constexpr std::uint8_t kHelloRetryRandom[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

const char* message_name(std::uint8_t type, Bytes body) {
    if (type == kServerHello && body.size() >= 34 && std::equal(body.begin() + 2, body.begin() + 34, kHelloRetryRandom))
        return "Hello Retry Request";
    return handshake_name(type);
}

// A handshake record's messages are readable when it precedes any
// ChangeCipherSpec in the segment and its bytes are exactly a sequence of
// messages of known types: an encrypted Finished whose explicit nonce starts
// with zeros would otherwise read as Hello Requests.
bool clear_handshake(const Record& r) {
    if (r.after_ccs || r.body.empty()) return false;
    std::size_t off = 0;
    while (r.body.size() - off >= 4) {
        const std::uint8_t* m = r.body.data() + off;
        const std::size_t len = (std::size_t{m[1]} << 16) | load_be16(m + 2);
        if (handshake_name(m[0]) == nullptr || len > r.body.size() - off - 4) return false;
        if (m[0] == 0 && r.body.size() != 4) return false;  // a HelloRequest travels alone
        off += 4 + len;
    }
    return off == r.body.size();
}

// Calls fn(type, body) for each whole message of a clear handshake record.
template <typename Fn>
void for_each_message(const Record& r, Fn&& fn) {
    if (!clear_handshake(r)) return;
    Cursor c(r.body);
    while (c.remaining() >= 4) {
        const std::uint8_t type = c.u8();
        const Bytes body = c.take(c.be24());
        if (!c.ok()) return;
        fn(type, body);
    }
}

bool clear_alert(const Record& r) { return !r.after_ccs && r.body.size() == 2; }

std::uint16_t server_hello_version(Bytes seg) {
    std::uint16_t chosen = 0;
    for_each_record(seg, [&](const Record& r) {
        for_each_message(r, [&](std::uint8_t type, Bytes body) {
            TlsSession s;
            if (type == kServerHello && !chosen && read_server_hello(body, s) == nullptr) chosen = s.version;
        });
    });
    return chosen;
}

Proto decode(Cursor& c, Packet& pkt, Layer& layer) {
    layer.length = static_cast<std::uint32_t>(c.remaining());
    // The only state: the version a ServerHello chose, for the Protocol column
    // of the connection's later records.
    if (const std::uint16_t v = server_hello_version(c.rest())) remember_tls_version(pkt, v);
    return Proto::None;
}

void tls_info(const Packet& pkt, const Layer& l, fmt::memory_buffer& out) {
    bool first = true;
    auto item = [&](std::string_view s) {
        if (!first) info(out, ", ");
        first = false;
        out.append(s);
    };
    for_each_record(segment(pkt, l), [&](const Record& r) {
        switch (r.type) {
            case kChangeCipherSpec: item("Change Cipher Spec"); break;
            case kApplicationData: item("Application Data"); break;
            case kHeartbeat: item(r.after_ccs ? "Encrypted Heartbeat" : "Heartbeat"); break;
            case kAlert:
                if (!clear_alert(r)) {
                    item("Encrypted Alert");
                } else {
                    const char* desc = tls_alert_title(r.body[1]);
                    item("Alert (Level: ");
                    info(out, "{}, Description: ", r.body[0] == 1 ? "Warning" : r.body[0] == 2 ? "Fatal" : "Unknown");
                    if (desc) info(out, "{})", desc);
                    else info(out, "Unknown ({}))", r.body[1]);
                }
                break;
            case kHandshake:
                if (!clear_handshake(r)) item("Encrypted Handshake Message");
                for_each_message(r, [&](std::uint8_t type, Bytes body) { item(message_name(type, body)); });
                break;
        }
    });
}

std::string_view version_column(std::uint16_t v) {
    switch (v) {
        case 0x0300: return "SSLv3";
        case kTls10: return "TLSv1";
        case kTls11: return "TLSv1.1";
        case kTls12: return "TLSv1.2";
        case kTls13: return "TLSv1.3";
        default: return "TLS";
    }
}

// tshark names the column after the session's version once the ServerHello
// fixed it, else after the record version: netdx uses the version a
// ServerHello in this segment chose, else the one remembered for the
// connection, else the first record's.
std::string_view tls_column(const Packet& pkt, const Layer& l) {
    const Bytes seg = segment(pkt, l);
    std::uint16_t v = server_hello_version(seg);
    if (!v) v = remembered_tls_version(pkt);
    if (!v && seg.size() >= 3) v = load_be16(seg.data() + 1);
    return version_column(v);
}

// Fields: one value per record (or per handshake message), as tshark lists them.
template <typename Fn>
void per_record(const FieldContext& c, Fn&& fn) {
    for_each_record(segment(c.pkt, *c.layer), fn);
}

// tshark calls the type of a TLS 1.3 encrypted record (after the ServerHello)
// its opaque type, a field of its own.
template <bool Opaque>
void f_record_type(const FieldContext& c, FieldOut& out) {
    bool tls13 = remembered_tls_version(c.pkt) == kTls13;
    per_record(c, [&](const Record& r) {
        if ((r.type == kApplicationData && tls13) == Opaque) out.uint(r.type);
        for_each_message(r, [&](std::uint8_t type, Bytes body) {
            TlsSession s;
            if (type == kServerHello && read_server_hello(body, s) == nullptr) tls13 = s.version == kTls13;
        });
    });
}
void f_record_version(const FieldContext& c, FieldOut& out) {
    per_record(c, [&](const Record& r) { out.hex(r.version, 4); });
}
void f_record_length(const FieldContext& c, FieldOut& out) {
    per_record(c, [&](const Record& r) { out.uint(r.body.size()); });
}
void f_handshake_type(const FieldContext& c, FieldOut& out) {
    per_record(c, [&](const Record& r) { for_each_message(r, [&](std::uint8_t type, Bytes) { out.uint(type); }); });
}
void f_handshake_version(const FieldContext& c, FieldOut& out) {
    per_record(c, [&](const Record& r) {
        for_each_message(r, [&](std::uint8_t type, Bytes body) {
            if ((type == kClientHello || type == kServerHello) && body.size() >= 2) out.hex(load_be16(body.data()), 4);
        });
    });
}
void f_server_name(const FieldContext& c, FieldOut& out) {
    per_record(c, [&](const Record& r) {
        for_each_message(r, [&](std::uint8_t type, Bytes body) {
            if (type != kClientHello) return;
            TlsSession s;
            read_client_hello(body, s);
            if (!s.sni.empty()) out.raw(s.sni);  // escaped (and capped) by the reader
        });
    });
}
// The suites a ClientHello offers, or the one a ServerHello chose.
void f_cipher_suite(const FieldContext& c, FieldOut& out) {
    per_record(c, [&](const Record& r) {
        for_each_message(r, [&](std::uint8_t type, Bytes body) {
            TlsSession s;
            if (type == kServerHello && read_server_hello(body, s) == nullptr) out.hex(s.cipher, 4);
            if (type != kClientHello) return;
            Cursor h(body);
            h.skip(2 + 32);     // version, random
            h.skip(h.u8());     // session id
            Cursor suites(h.take(h.be16()));
            while (h.ok() && suites.remaining() >= 2) out.hex(suites.be16(), 4);
        });
    });
}
template <std::size_t Index>
void f_alert(const FieldContext& c, FieldOut& out) {
    per_record(c, [&](const Record& r) {
        if (r.type == kAlert && clear_alert(r)) out.uint(r.body[Index]);
    });
}

const FieldDef kFields[] = {
    {"tls.record.content_type", "Content Type", f_record_type<false>},
    {"tls.record.opaque_type", "Opaque Type (TLS 1.3 encrypted record)", f_record_type<true>},
    {"tls.record.version", "Version", f_record_version},
    {"tls.record.length", "Length", f_record_length},
    {"tls.handshake.type", "Handshake Type", f_handshake_type},
    {"tls.handshake.version", "Handshake Version", f_handshake_version},
    {"tls.handshake.extensions_server_name", "Server Name", f_server_name},
    {"tls.handshake.ciphersuite", "Cipher Suite", f_cipher_suite},
    {"tls.alert_message.level", "Alert Level", f_alert<0>},
    {"tls.alert_message.desc", "Alert Description", f_alert<1>},
};


}  // namespace

bool tls_starts_whole_record(Bytes payload) { return starts_whole_record(payload); }

const DissectorDef tls_dissector = {Proto::Tls, "tls", "TLS", decode, tls_info, kFields, {}, tls_column};

}  // namespace netdx
