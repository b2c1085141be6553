// SSH (RFC 4253) for the packet view, as tshark 4.0 shows it: "Client:
// Protocol (SSH-2.0-...)" for an identification line, "Server: Key Exchange
// Init, ..." for the binary packets in clear, "Client: Encrypted packet
// (len=N)" for the rest. Stateless, one segment at a time: a segment is read
// as cleartext packets only when it is made entirely of whole packets whose
// header is plausible (length <= 35000, padding >= 4, a multiple of 8, a
// message code of the unencrypted phase), so encrypted bytes that happen to
// look like one, packets split over segments, and the names tshark derives
// from the negotiated key exchange are where it can differ from tshark
// (README gives the measured agreement). The Protocol column is "SSHv2", as
// tshark shows once it knows the version (SSH-1 sessions show "SSHv1" there).
// The identification line and the packet header are read by
// dissectors/ssh/ssh_wire.hpp, as the analysis (src/app/ssh.cpp) reads them.
#include "core/escape.hpp"
#include "dissectors/common.hpp"
#include "dissectors/ssh/ssh_wire.hpp"
#include "dissectors/text_lines.hpp"

namespace netdx {

namespace {

constexpr int kMaxPackets = 8;  // per segment, for the info column and fields

Proto decode(Cursor& c, Packet& pkt, Layer& layer) {
    // Up to the end the IP header gives: an Ethernet trailer or FCS is not SSH.
    const std::uint32_t end = reported_end(pkt, layer);
    const std::size_t ip_len = end > layer.offset ? end - layer.offset : 0;
    layer.length = static_cast<std::uint32_t>(std::min(c.remaining(), ip_len));
    return Proto::None;
}

// The segment's SSH bytes (layer_bytes runs to the end of the frame).
Bytes ssh_bytes(const Packet& pkt, const Layer& l) {
    const Bytes b = pkt.layer_bytes(l);
    return b.first(std::min<std::size_t>(b.size(), l.length));
}

std::string_view text_of(Bytes b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

bool is_ident(Bytes b) { return ssh_is_ident(text_of(b)); }

// The length of the string field at `off` of a payload, or -1.
long string_len(Bytes payload, std::size_t off) {
    if (payload.size() < off + 4) return -1;
    const std::uint32_t n = load_be32(payload.data() + off);
    return payload.size() - off - 4 >= n ? static_cast<long>(n) : -1;
}

// ECDH public keys (curve25519, nistp256/384/521) have these sizes; a DH
// mpint is larger (tshark names the message after the negotiated method).
bool ecdh_key_size(long n) { return n == 32 || n == 65 || n == 97 || n == 133; }

// A key blob starts with its type name: "ssh-ed25519", "ecdsa-...", "rsa-...".
bool key_blob_at(Bytes payload, std::size_t off) {
    const long n = string_len(payload, off);
    if (n < 8) return false;
    const long name = string_len(payload, off + 4);
    return name >= 3 && name < n;
}

// tshark's name for a cleartext message; null for codes not seen in clear.
const char* message_name(std::uint8_t code, Bytes payload) {
    switch (code) {
        case 1: return "Disconnect";
        case 2: return "Ignore";
        case 3: return "Unimplemented";
        case 4: return "Debug";
        case 20: return "Key Exchange Init";
        case 21: return "New Keys";
        case 30:
            return ecdh_key_size(string_len(payload, 1)) ? "Elliptic Curve Diffie-Hellman Key Exchange Init"
                                                         : "Diffie-Hellman Key Exchange Init";
        case 31:
            if (!key_blob_at(payload, 1)) return "Diffie-Hellman Group Exchange Group";
            {
                const long host_key = string_len(payload, 1);
                return ecdh_key_size(string_len(payload, 5 + static_cast<std::size_t>(host_key)))
                           ? "Elliptic Curve Diffie-Hellman Key Exchange Reply"
                           : "Diffie-Hellman Key Exchange Reply";
            }
        case 32: return "Diffie-Hellman Group Exchange Init";
        case 33: return "Diffie-Hellman Group Exchange Reply";
        case 34: return "Diffie-Hellman Group Exchange Request";
        default: return nullptr;
    }
}

struct Clear {
    int count = 0;
    std::uint32_t length[kMaxPackets] = {};
    std::uint8_t padding[kMaxPackets] = {};
    std::uint8_t code[kMaxPackets] = {};
    const char* name[kMaxPackets] = {};
};

// True when `b` is made only of whole plausible cleartext packets.
bool read_clear(Bytes b, Clear& out) {
    std::size_t off = 0;
    while (off < b.size()) {
        if (out.count == kMaxPackets || b.size() - off < 6) return false;
        const std::uint32_t len = load_be32(b.data() + off);
        const std::uint8_t pad = b[off + 4];
        // In clear the packet is a multiple of 8 bytes (RFC 4253 6): without
        // stream state, the check that tells a packet from encrypted bytes.
        if (ssh_header_problem(len, pad) || (len + 4) % 8 != 0) return false;
        if (b.size() - off - 4 < len) return false;
        const Bytes payload = b.subspan(off + 5, len - pad - 1);
        const char* name = message_name(payload[0], payload);
        if (!name) return false;
        out.length[out.count] = len;
        out.padding[out.count] = pad;
        out.code[out.count] = payload[0];
        out.name[out.count] = name;
        ++out.count;
        off += 4 + len;
    }
    return out.count > 0;
}

std::string_view ident_line(Bytes b) {
    const std::string_view s = text_of(b);
    return parse_ssh_ident(s.substr(0, s.find('\n'))).line.substr(0, 255);
}

void ssh_info(const Packet& pkt, const Layer& l, fmt::memory_buffer& out) {
    const Bytes b = ssh_bytes(pkt, l);
    info(out, "{}: ", sent_to_server(pkt, Proto::Ssh) ? "Client" : "Server");
    if (is_ident(b)) {
        info(out, "Protocol (");
        append_escaped(out, ident_line(b));
        info(out, ")");
        return;
    }
    Clear c;
    if (!read_clear(b, c)) {
        info(out, "Encrypted packet (len={})", b.size());
        return;
    }
    for (int i = 0; i < c.count; ++i) info(out, "{}{}", i ? ", " : "", c.name[i]);
}

void f_protocol(const FieldContext& ctx, FieldOut& out) {
    const Bytes b = ssh_bytes(ctx.pkt, *ctx.layer);
    if (is_ident(b)) out.text(ident_line(b));
}

template <typename Fn>
void each_clear(const FieldContext& ctx, Fn&& fn) {
    const Bytes b = ssh_bytes(ctx.pkt, *ctx.layer);
    Clear c;
    if (is_ident(b) || !read_clear(b, c)) return;
    for (int i = 0; i < c.count; ++i) fn(c, i);
}

void f_packet_length(const FieldContext& ctx, FieldOut& out) {
    each_clear(ctx, [&](const Clear& c, int i) { out.uint(c.length[i]); });
}
void f_padding_length(const FieldContext& ctx, FieldOut& out) {
    each_clear(ctx, [&](const Clear& c, int i) { out.uint(c.padding[i]); });
}
void f_message_code(const FieldContext& ctx, FieldOut& out) {
    each_clear(ctx, [&](const Clear& c, int i) { out.uint(c.code[i]); });
}

const FieldDef kFields[] = {
    {"ssh.protocol", "Protocol", f_protocol},
    {"ssh.packet_length", "Packet Length", f_packet_length},
    {"ssh.padding_length", "Padding Length", f_padding_length},
    {"ssh.message_code", "Message Code", f_message_code},
};

}  // namespace

const DissectorDef ssh_dissector = {Proto::Ssh, "ssh", "SSHv2", decode, ssh_info, kFields, {}};

}  // namespace netdx
