#include "dissectors/http/http_stream.hpp"

#include <algorithm>

namespace netdx {

void HttpStream::feed(int dir, std::string_view s) {
    Direction& d = dirs_[dir & 1];
    base_ = s.data();
    if (d.mode == Mode::Resync) {
        const bool client = dir == client_dir_;
        const bool starts = strict_start_ ? http_starts_message(s)
                                          : (client ? looks_like_http_request_start(s) : looks_like_http_response_start(s));
        if (!starts) return;
        d.mode = Mode::Head;
    }
    while (!s.empty() && d.mode != Mode::Stopped) step(dir, d, s);
}

void HttpStream::gap(int dir, std::uint64_t len) {
    Direction& d = dirs_[dir & 1];
    switch (d.mode) {
        case Mode::Body:
        case Mode::ChunkData:
            if (len <= d.remaining) {
                d.remaining -= len;
                if (d.remaining == 0) {
                    if (d.mode == Mode::Body) {
                        // The message's last bytes were never captured: it ends unseen.
                        d.mode = Mode::Head;
                        d.in_message = false;
                    } else {
                        d.mode = Mode::ChunkEnd;
                    }
                }
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

void HttpStream::close() {
    for (int dir = 0; dir < 2; ++dir) {
        Direction& d = dirs_[dir];
        if (d.mode == Mode::UntilClose && d.in_message) {
            d.in_message = false;
            ev_.message_end(dir, std::string_view::npos);
        }
    }
}

void HttpStream::step(int dir, Direction& d, std::string_view& s) {
    switch (d.mode) {
        case Mode::Head: read_head(dir, d, s); return;
        case Mode::Body:
        case Mode::ChunkData: {
            const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(d.remaining, s.size()));
            ev_.body(dir, s.substr(0, n));
            s.remove_prefix(n);
            d.remaining -= n;
            if (d.remaining == 0) {
                if (d.mode == Mode::Body) end_message(dir, d, pos(s));
                else d.mode = Mode::ChunkEnd;
            }
            return;
        }
        case Mode::ChunkSize:
        case Mode::ChunkEnd:
        case Mode::Trailers: {
            std::string_view line;
            if (!read_line(d, s, line)) return;
            chunk_line(dir, d, line);
            // The empty line ending the trailers ends the message here.
            if (d.mode == Mode::Head && d.in_message) end_message(dir, d, pos(s));
            return;
        }
        case Mode::UntilClose:
            if (d.in_message) ev_.body(dir, s);
            s = {};
            return;
        case Mode::Resync:
        case Mode::Stopped: s = {}; return;
    }
}

void HttpStream::read_head(int dir, Direction& d, std::string_view& s) {
    if (d.buf.empty()) {
        // Empty lines between messages are allowed (RFC 9112 2.2).
        while (!s.empty() && (s.front() == '\r' || s.front() == '\n')) s.remove_prefix(1);
        if (s.empty()) return;
        d.in_message = true;
        ev_.message_start(dir, pos(s));
        // The whole block in these bytes: parse it in place.
        if (const auto end = find_http_head_end(s); end != std::string_view::npos && end <= kHeadCap) {
            const std::string_view block = s.substr(0, end);
            s.remove_prefix(end);
            head_done(dir, d, block, pos(s));
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
    head_done(dir, d, scratch_, pos(s));
}

bool HttpStream::read_line(Direction& d, std::string_view& s, std::string_view& line) {
    const auto nl = s.find('\n');
    if (nl == std::string_view::npos) {
        if (d.buf.size() + s.size() > kLineCap) give_up(HttpEnd::Malformed, "chunk-size or trailer line longer than 1 KiB");
        else d.buf.append(s);
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

void HttpStream::chunk_line(int, Direction& d, std::string_view line) {
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

void HttpStream::end_message(int dir, Direction& d, std::size_t at) {
    d.mode = Mode::Head;
    if (!d.in_message) return;
    d.in_message = false;
    ev_.message_end(dir, at);
}

void HttpStream::head_done(int dir, Direction& d, std::string_view block, std::size_t end_at) {
    seen_message_ = true;
    if (dir == client_dir_) {
        const HttpHead h = parse_http_request_head(block);
        if (h.http2_preface) {
            stop_all();
            return;
        }
        if (h.problem) {
            give_up(HttpEnd::Malformed, h.problem);
            return;
        }
        if (pending_.size() >= kMaxPending) pending_.pop_front();
        pending_.push_back({h.method == "HEAD", h.method == "CONNECT"});
        ev_.request(h);
        if (d.mode == Mode::Stopped) return;
        if (h.chunked) {
            d.mode = Mode::ChunkSize;
        } else if (h.has_length && h.length > 0) {
            d.mode = Mode::Body;
            d.remaining = h.length;
        } else {
            end_message(dir, d, end_at);  // a request without framing fields has no body
        }
        return;
    }
    const HttpHead h = parse_http_response_head(block);
    if (h.problem) {
        give_up(HttpEnd::Malformed, h.problem);
        return;
    }
    d.mode = Mode::Head;
    Pending p;
    const bool interim = h.status < 200 && h.status != 101;  // the final response follows
    if (!interim && !pending_.empty()) {
        p = pending_.front();
        pending_.pop_front();
    }
    ev_.response(h);
    if (d.mode == Mode::Stopped) return;
    if (h.status == 101 || (p.connect && h.status / 100 == 2)) {
        end_message(dir, d, end_at);
        stop_all();  // the connection now carries another protocol
    } else if (interim || p.head || h.status == 204 || h.status == 304) {
        end_message(dir, d, end_at);
    } else if (h.chunked) {
        d.mode = Mode::ChunkSize;
    } else if (h.has_length) {
        if (h.length > 0) {
            d.mode = Mode::Body;
            d.remaining = h.length;
        } else {
            end_message(dir, d, end_at);
        }
    } else {
        d.mode = Mode::UntilClose;
    }
}

void HttpStream::give_up(HttpEnd why, const char* what) {
    stop_all();
    ev_.problem(why, what);
}

void HttpStream::stop_all() {
    for (Direction& d : dirs_) {
        d.mode = Mode::Stopped;
        d.in_message = false;
        std::string().swap(d.buf);
    }
}

}  // namespace netdx
