// SSH (RFC 4253) over reassembled TCP: each side's identification line
// (the server may send other lines first), then the binary packets in clear
// up to that side's NEWKEYS: KEXINIT name-lists from both sides and the
// algorithms they negotiate, NEWKEYS, DISCONNECT. After a side's NEWKEYS its
// bytes are encrypted: only counted. One SshSession per flow at its end. The
// identification line and the packet header are read by
// dissectors/ssh/ssh_wire.hpp, as the packet view reads them.
#include <algorithm>
#include <vector>

#include "app/app_stream.hpp"
#include "app/line_text.hpp"
#include "app/ssh_kex.hpp"
#include "dissectors/ssh/ssh_wire.hpp"
#include "events/ssh_events.hpp"
#include "flow/flow.hpp"

namespace netdx {

namespace {

constexpr std::size_t kMaxIdent = 255;          // RFC 4253 4.2, CR LF included
constexpr std::size_t kMaxPreIdent = 8192;      // server lines before the identification
constexpr std::size_t kListCap = 1024;          // per name-list copied into the event

enum class Mode : std::uint8_t { Ident, Header, Body, TextLine, Counting, Stopped };

struct Direction {
    Mode mode = Mode::Ident;
    std::string line;            // identification (or text) line so far, capped
    std::size_t line_len = 0;    // its full length
    std::size_t pre_ident = 0;   // bytes of server lines before the identification
    std::uint8_t hdr[5] = {};
    std::size_t hdr_len = 0;
    std::uint32_t remaining = 0;   // body bytes of the current packet still to come
    std::vector<std::uint8_t> pkt;  // the current packet after its 5-byte header
};

bool printable(std::uint8_t c) { return c >= 0x20 && c < 0x7f; }

class SshConsumer final : public StreamConsumer {
public:
    SshConsumer(const AppEndpoints& ep, AppContext ctx) : ctx_(ctx), client_dir_(ep.client_dir) {
        set_endpoints(s_, ep);
    }

    void on_data(int dir, Bytes data) override {
        Direction& d = dirs_[dir & 1];
        while (!data.empty()) {
            switch (d.mode) {
                case Mode::Ident: ident(dir & 1, d, data); break;
                case Mode::Header: header(dir & 1, d, data); break;
                case Mode::Body: body(dir & 1, d, data); break;
                case Mode::TextLine: text_line(dir & 1, d, data); break;
                case Mode::Counting:
                    side(dir & 1).encrypted_bytes += data.size();
                    return;
                case Mode::Stopped: return;
            }
        }
    }

    void on_gap(int dir, std::uint64_t len) override {
        Direction& d = dirs_[dir & 1];
        if (d.mode == Mode::Counting) {
            side(dir & 1).encrypted_bytes += len;
            return;
        }
        if (d.mode == Mode::Stopped || !seen_) return;
        s_.gap = true;
        stop("bytes missing from the capture");
    }

    void on_close(EndReason why) override {
        if (!seen_ || emitted_) return;
        emitted_ = true;
        switch (why) {
            case EndReason::Open: s_.end = SshEnd::CaptureEnd; break;
            case EndReason::Fin: s_.end = SshEnd::Closed; break;
            case EndReason::Rst:
            case EndReason::Rejected: s_.end = SshEnd::Reset; break;
            case EndReason::TimedOut: s_.end = SshEnd::TimedOut; break;
            default: s_.end = SshEnd::Other; break;
        }
        s_.end_frame = ctx_.clock.where;
        ctx_.bus.publish(s_);
    }

private:
    SshSide& side(int dir) { return dir == client_dir_ ? s_.c : s_.s; }

    // Collects one line into d.line (capped); true when its LF arrived.
    static bool collect_line(Direction& d, Bytes& data) {
        const auto lf = std::find(data.begin(), data.end(), std::uint8_t{'\n'});
        const bool done = lf != data.end();
        const auto n = static_cast<std::size_t>(lf - data.begin()) + (done ? 1 : 0);
        const std::size_t keep = std::min(n, kMaxIdent + 1 - std::min(d.line.size(), kMaxIdent + 1));
        d.line.append(reinterpret_cast<const char*>(data.data()), keep);
        d.line_len += n;
        data = data.subspan(n);
        return done;
    }

    void ident(int dir, Direction& d, Bytes& data) {
        const bool client = dir == client_dir_;
        if (d.line_len == 0 && d.pre_ident == 0) {
            // Picked up mid-stream, or not SSH: a client starts with "SSH-",
            // a server with text.
            const std::size_t n = std::min<std::size_t>(4, data.size());
            const bool ok = client ? std::equal(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n), "SSH-")
                                   : printable(data[0]);
            if (!ok) {
                d.mode = Mode::Stopped;
                return;
            }
        }
        if (!collect_line(d, data)) {
            if (d.line_len > kMaxIdent && ssh_is_ident(d.line)) malformed("identification longer than 255 bytes");
            else if (d.pre_ident + d.line_len > kMaxPreIdent) malformed("no SSH identification in the first 8 KiB");
            return;
        }
        if (!ssh_is_ident(d.line)) {
            if (client) return malformed("client line before its identification");
            d.pre_ident += d.line_len;
            d.line.clear();
            d.line_len = 0;
            if (d.pre_ident > kMaxPreIdent) malformed("no SSH identification in the first 8 KiB");
            return;
        }
        if (d.line_len > kMaxIdent) return malformed("identification longer than 255 bytes");
        const SshIdent id = parse_ssh_ident(d.line);
        SshSide& sd = side(dir);
        sd.ident = true;
        sd.ident_frame = ctx_.clock.where;
        sd.proto_version = capped_text(id.proto_version, 16);
        sd.software = id.software.empty() ? std::string() : capped_text(id.software);
        mark_seen();
        d.line.clear();
        d.line_len = 0;
        // An SSH-1 peer's packets are another format: counted, not read.
        d.mode = SshSession::ssh1_only(sd) ? Mode::Counting : Mode::Header;
    }

    void header(int dir, Direction& d, Bytes& data) {
        const bool first = side(dir).packets == 0 && d.hdr_len == 0;
        if (first && printable(data[0]) && (data.size() < 2 || printable(data[1]))) {
            // Text where the first packet should be: OpenSSH's "Protocol major
            // versions differ." or "Invalid SSH identification string.".
            d.mode = Mode::TextLine;
            return;
        }
        const std::size_t take = std::min(5 - d.hdr_len, data.size());
        std::copy_n(data.begin(), take, d.hdr + d.hdr_len);
        d.hdr_len += take;
        data = data.subspan(take);
        if (d.hdr_len < 5) return;
        d.hdr_len = 0;
        const std::uint32_t len = load_be32(d.hdr);
        const std::uint8_t padding = d.hdr[4];
        if (const char* problem = ssh_header_problem(len, padding)) return malformed(problem);
        d.remaining = len - 1;
        d.pkt.clear();
        d.mode = Mode::Body;
    }

    void body(int dir, Direction& d, Bytes& data) {
        const std::size_t n = std::min<std::size_t>(d.remaining, data.size());
        const std::size_t len = d.remaining + d.pkt.size();  // payload + padding
        if (d.pkt.empty() && n == d.remaining) {
            packet(dir, d, data.first(n), d.hdr[4]);  // whole packet in this segment: read in place
        } else {
            d.pkt.insert(d.pkt.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
            d.remaining -= static_cast<std::uint32_t>(n);
            if (d.remaining == 0) packet(dir, d, Bytes(d.pkt.data(), len), d.hdr[4]);
        }
        data = data.subspan(n);
    }

    void packet(int dir, Direction& d, Bytes pkt, std::uint8_t padding) {
        d.remaining = 0;
        if (d.mode == Mode::Body) d.mode = Mode::Header;
        SshSide& sd = side(dir);
        ++sd.packets;
        mark_seen();
        const Bytes payload = pkt.first(pkt.size() - padding);
        switch (payload[0]) {
            case kSshKexInit:
                if (!sd.kexinit) kexinit(dir, sd, payload.subspan(1));
                break;
            case kSshNewKeys:
                sd.newkeys = true;
                d.mode = Mode::Counting;
                std::vector<std::uint8_t>().swap(d.pkt);
                break;
            case kSshDisconnect:
                if (!s_.disconnect) disconnect(dir, payload.subspan(1));
                break;
            default: break;
        }
        if (d.pkt.capacity() > 4096) std::vector<std::uint8_t>().swap(d.pkt);
    }

    void kexinit(int dir, SshSide& sd, Bytes payload) {
        SshNameLists& mine = lists_[dir == client_dir_ ? 0 : 1];
        if (const char* problem = read_kexinit(payload, mine)) return malformed(problem);
        sd.kexinit = true;
        sd.kexinit_frame = ctx_.clock.where;
        for (int i = 0; i < kSshCategories; ++i) sd.lists[i] = capped_text(mine[i], kListCap);
        if (!s_.c.kexinit || !s_.s.kexinit) return;
        s_.no_common = ssh_negotiate(lists_[0], lists_[1], s_.chosen);
        s_.negotiated = s_.no_common < 0;
        for (SshNameLists& l : lists_) l = SshNameLists{};
    }

    void disconnect(int dir, Bytes payload) {
        std::string_view text;
        if (const char* problem = read_disconnect(payload, s_.disconnect_reason, text)) return malformed(problem);
        s_.disconnect = true;
        s_.disconnect_from_client = dir == client_dir_;
        s_.disconnect_text = capped_text(text);
        s_.disconnect_frame = ctx_.clock.where;
    }

    void text_line(int dir, Direction& d, Bytes& data) {
        const bool done = collect_line(d, data);
        if (!done && d.line_len <= kMaxIdent) return;
        std::string_view v(d.line);
        while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.remove_suffix(1);
        side(dir).text_instead_of_packet = capped_text(v);
        d.mode = Mode::Stopped;
        std::string().swap(d.line);
    }

    void mark_seen() {
        if (seen_) return;
        seen_ = true;
        s_.where = ctx_.clock.where;
        s_.ts = ctx_.clock.ts;
    }

    void malformed(const char* problem) {
        mark_seen();  // SSH-looking enough to be judged
        s_.malformed = true;
        stop(problem);
    }

    void stop(const char* problem) {
        if (s_.problem.empty()) s_.problem = problem;
        for (Direction& d : dirs_) {
            if (d.mode != Mode::Counting) d.mode = Mode::Stopped;
            std::vector<std::uint8_t>().swap(d.pkt);
            std::string().swap(d.line);
        }
    }

    AppContext ctx_;
    int client_dir_;
    SshSession s_;
    Direction dirs_[2];
    SshNameLists lists_[2];  // raw lists of each side until both KEXINITs are read: 0 client, 1 server
    bool seen_ = false, emitted_ = false;
};

std::unique_ptr<StreamConsumer> make_ssh(const AppEndpoints& ep, AppContext ctx) {
    return std::make_unique<SshConsumer>(ep, ctx);
}

}  // namespace

extern const AppProtocol kSshProtocol{"ssh", make_ssh};

}  // namespace netdx
