// HTTP/1.x over reassembled TCP: frames each direction into header blocks and
// bodies (Content-Length, chunked, until close; none for HEAD, 1xx, 204, 304),
// pairs responses with requests in order (pipelining) and emits one
// HttpTransaction per response and per request left unanswered. A gap inside
// a body of known length is skipped; any other gap, or a message that does
// not parse, ends the reading of the flow (reported once): which response
// answers which request can no longer be known.
#include <deque>
#include <string>

#include "app/app_stream.hpp"
#include "app/http_head.hpp"
#include "core/escape.hpp"
#include "events/http_events.hpp"
#include "flow/flow.hpp"

namespace netdx {

namespace {

constexpr std::size_t kHeadCap = 32 * 1024;  // header block, as nginx's large_client_header_buffers
constexpr std::size_t kLineCap = 1024;       // chunk-size and trailer lines
constexpr std::size_t kMaxPending = 64;      // requests waiting for a response

enum class Mode : std::uint8_t {
    Resync,     // waiting for a segment that starts a message (stream picked up mid-way)
    Head,       // reading a header block
    Body,       // skipping `remaining` body bytes
    ChunkSize,  // reading a chunk-size line
    ChunkData,  // skipping `remaining` chunk bytes
    ChunkEnd,   // the CRLF after chunk data
    Trailers,   // trailer lines up to the empty one
    UntilClose, // body delimited by the end of the connection
    Stopped,    // not HTTP/1 any more (tunnel, HTTP/2) or given up
};

struct Direction {
    Mode mode = Mode::Resync;
    std::string buf;  // partial header block or line
    std::uint64_t remaining = 0;
};

struct Request {
    FrameRef frame;
    double ts = 0;
    std::string method, uri, host;
    std::uint8_t minor = 1;
    std::uint32_t interim = 0;
    bool head = false, connect = false;
};

std::string capped_escaped(std::string_view s, std::size_t cap) {
    return escaped(s.substr(0, std::min(s.size(), cap)));
}

class HttpConsumer final : public StreamConsumer {
public:
    HttpConsumer(const AppEndpoints& ep, AppContext ctx) : ep_(ep), ctx_(ctx) {}

    void on_data(int dir, Bytes data) override {
        std::string_view s(reinterpret_cast<const char*>(data.data()), data.size());
        Direction& d = dirs_[dir & 1];
        const bool client = dir == ep_.client_dir;
        if (d.mode == Mode::Resync) {
            if (!(client ? looks_like_http_request_start(s) : looks_like_http_response_start(s))) return;
            d.mode = Mode::Head;
        }
        while (!s.empty() && d.mode != Mode::Stopped) step(d, client, s);
    }

    void on_gap(int dir, std::uint64_t len) override {
        Direction& d = dirs_[dir & 1];
        switch (d.mode) {
            case Mode::Body:
            case Mode::ChunkData:
                if (len <= d.remaining) {
                    d.remaining -= len;
                    if (d.remaining == 0) d.mode = d.mode == Mode::Body ? Mode::Head : Mode::ChunkEnd;
                    return;
                }
                break;
            case Mode::UntilClose:
            case Mode::Stopped:
                return;
            case Mode::Resync:
                if (pending_.empty() && !seen_message_) return;  // nothing read yet: keep looking
                break;
            default:
                break;
        }
        give_up(HttpEnd::StreamLost, "bytes missing from the capture");
    }

    void on_close(EndReason why) override {
        for (Request& r : pending_) emit_request_only(r, HttpEnd::Unanswered, why == EndReason::Open);
        pending_.clear();
    }

private:
    // Consumes a prefix of `s` in the current mode.
    void step(Direction& d, bool client, std::string_view& s) {
        switch (d.mode) {
            case Mode::Head: read_head(d, client, s); return;
            case Mode::Body:
            case Mode::ChunkData: {
                const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(d.remaining, s.size()));
                s.remove_prefix(n);
                d.remaining -= n;
                if (d.remaining == 0) d.mode = d.mode == Mode::Body ? Mode::Head : Mode::ChunkEnd;
                return;
            }
            case Mode::ChunkSize:
            case Mode::ChunkEnd:
            case Mode::Trailers: {
                std::string_view line;
                if (!read_line(d, s, line)) return;
                chunk_line(d, line);
                return;
            }
            case Mode::UntilClose:
            case Mode::Resync:
            case Mode::Stopped: s = {}; return;
        }
    }

    void read_head(Direction& d, bool client, std::string_view& s) {
        if (d.buf.empty()) {
            // Empty lines between messages are allowed (RFC 9112 2.2).
            while (!s.empty() && (s.front() == '\r' || s.front() == '\n')) s.remove_prefix(1);
            if (s.empty()) return;
            // The whole block in this segment: parse it in place.
            if (const auto end = find_http_head_end(s); end != std::string_view::npos && end <= kHeadCap) {
                const std::string_view block = s.substr(0, end);
                s.remove_prefix(end);
                head_done(d, client, block);
                return;
            }
        }
        const std::size_t old = d.buf.size();
        const std::size_t take = std::min(s.size(), kHeadCap + 3 - old);
        d.buf.append(s.data(), take);
        const auto end = find_http_head_end(d.buf, old >= 3 ? old - 3 : 0);
        if (end == std::string_view::npos) {
            s.remove_prefix(take);
            if (d.buf.size() > kHeadCap) give_up(HttpEnd::Malformed, "header block longer than 32 KiB");
            return;
        }
        s.remove_prefix(end - old);
        scratch_.assign(d.buf, 0, end);
        d.buf.clear();
        head_done(d, client, scratch_);
    }

    // A line (without its ending) of at most kLineCap bytes; false while incomplete.
    bool read_line(Direction& d, std::string_view& s, std::string_view& line) {
        const auto nl = s.find('\n');
        if (nl == std::string_view::npos) {
            if (d.buf.size() + s.size() > kLineCap) {
                give_up(HttpEnd::Malformed, "chunk-size or trailer line longer than 1 KiB");
            } else {
                d.buf.append(s);
            }
            s = {};
            return false;
        }
        if (d.buf.empty()) {
            line = s.substr(0, nl);
        } else {
            if (d.buf.size() + nl > kLineCap) {
                give_up(HttpEnd::Malformed, "chunk-size or trailer line longer than 1 KiB");
                s = {};
                return false;
            }
            d.buf.append(s.substr(0, nl));
            scratch_.swap(d.buf);
            d.buf.clear();
            line = scratch_;
        }
        s.remove_prefix(nl + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        return true;
    }

    void chunk_line(Direction& d, std::string_view line) {
        if (d.mode == Mode::ChunkEnd) {
            d.mode = Mode::ChunkSize;  // the CRLF after the data (anything before it is ignored)
            return;
        }
        if (d.mode == Mode::Trailers) {
            if (line.empty()) d.mode = Mode::Head;
            return;
        }
        std::uint64_t n = 0;
        std::size_t digits = 0;
        for (char c : line) {
            int v;
            if (c >= '0' && c <= '9') v = c - '0';
            else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
            else break;
            if (++digits > 15) break;
            n = n * 16 + static_cast<std::uint64_t>(v);
        }
        if (digits == 0 || digits > 15) {
            give_up(HttpEnd::Malformed, "invalid chunk size");
            return;
        }
        d.remaining = n;
        d.mode = n == 0 ? Mode::Trailers : Mode::ChunkData;
    }

    void head_done(Direction& d, bool client, std::string_view block) {
        seen_message_ = true;
        if (client) request(d, block);
        else response(d, block);
    }

    void request(Direction& d, std::string_view block) {
        const HttpHead h = parse_http_request_head(block);
        if (h.http2_preface) {
            stop_all();
            return;
        }
        if (h.problem) {
            give_up(HttpEnd::Malformed, h.problem);
            return;
        }
        if (pending_.size() >= kMaxPending) {
            emit_request_only(pending_.front(), HttpEnd::Evicted, false);
            pending_.pop_front();
        }
        Request& r = pending_.emplace_back();
        r.frame = ctx_.clock.where;
        r.ts = ctx_.clock.ts;
        r.method = capped_escaped(h.method, kHttpFieldCap);
        r.uri = capped_escaped(h.uri, kHttpUriCap);
        r.host = capped_escaped(h.host, kHttpFieldCap);
        r.minor = h.version_minor;
        r.head = h.method == "HEAD";
        r.connect = h.method == "CONNECT";
        if (h.chunked) d.mode = Mode::ChunkSize;
        else if (h.has_length && h.length > 0) { d.mode = Mode::Body; d.remaining = h.length; }
        else d.mode = Mode::Head;  // a request without framing fields has no body
    }

    void response(Direction& d, std::string_view block) {
        const HttpHead h = parse_http_response_head(block);
        if (h.problem) {
            give_up(HttpEnd::Malformed, h.problem);
            return;
        }
        d.mode = Mode::Head;
        if (h.status < 200 && h.status != 101) {  // interim: the final response follows
            if (!pending_.empty()) ++pending_.front().interim;
            return;
        }
        HttpTransaction t = base();
        t.where = ctx_.clock.where;
        t.ts = ctx_.clock.ts;
        t.has_response = true;
        t.response_frame = ctx_.clock.where;
        t.response_ts = ctx_.clock.ts;
        t.status = h.status;
        t.reason = capped_escaped(h.reason, kHttpFieldCap);
        bool head = false, connect = false;
        if (pending_.empty()) {
            t.end = HttpEnd::Orphan;
        } else {
            Request& r = pending_.front();
            fill_request(t, r);
            t.latency = ctx_.clock.ts - r.ts;
            head = r.head;
            connect = r.connect;
            pending_.pop_front();
        }
        ctx_.bus.publish(t);
        if (h.status == 101 || (connect && h.status / 100 == 2)) {
            stop_all();  // the connection now carries another protocol
        } else if (head || h.status == 204 || h.status == 304) {
            // no body
        } else if (h.chunked) {
            d.mode = Mode::ChunkSize;
        } else if (h.has_length) {
            if (h.length > 0) { d.mode = Mode::Body; d.remaining = h.length; }
        } else {
            d.mode = Mode::UntilClose;
        }
    }

    HttpTransaction base() const {
        HttpTransaction t;
        set_endpoints(t, ep_);
        return t;
    }

    static void fill_request(HttpTransaction& t, const Request& r) {
        t.has_request = true;
        t.request_frame = r.frame;
        t.request_ts = r.ts;
        t.method = r.method;
        t.uri = r.uri;
        t.host = r.host;
        t.version_minor = r.minor;
        t.interim = r.interim;
    }

    void emit_request_only(const Request& r, HttpEnd end, bool at_capture_end) {
        HttpTransaction t = base();
        t.end = end;
        fill_request(t, r);
        t.where = r.frame;
        t.ts = r.ts;
        t.at_capture_end = at_capture_end;
        if (end == HttpEnd::Evicted) t.problem = "more than 64 requests waiting for a response";
        ctx_.bus.publish(t);
    }

    // Which response answers which request is unknown from here: report it
    // once and read no more of this flow (the waiting requests are not
    // reported as unanswered: their responses may be in what was missed).
    void give_up(HttpEnd why, const char* problem) {
        HttpTransaction t = base();
        t.end = why;
        t.where = ctx_.clock.where;
        t.ts = ctx_.clock.ts;
        t.problem = fmt::format("{} ({} request(s) were waiting)", problem, pending_.size());
        pending_.clear();
        stop_all();
        ctx_.bus.publish(t);
    }

    void stop_all() {
        for (Direction& d : dirs_) {
            d.mode = Mode::Stopped;
            std::string().swap(d.buf);
        }
    }

    AppEndpoints ep_;
    AppContext ctx_;
    Direction dirs_[2];
    std::deque<Request> pending_;
    std::string scratch_;  // a block or line completed from buffered parts
    bool seen_message_ = false;
};

std::unique_ptr<StreamConsumer> make_http(const AppEndpoints& ep, AppContext ctx) {
    return std::make_unique<HttpConsumer>(ep, ctx);
}

}  // namespace

extern const AppProtocol kHttpProtocol{"http", {80, 8080, 8000, 8008, 3128}, make_http};

}  // namespace netdx
