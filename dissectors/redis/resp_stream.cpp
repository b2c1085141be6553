#include "dissectors/redis/resp_stream.hpp"

#include <algorithm>
#include <charconv>

namespace netdx {

namespace {

constexpr std::size_t kTextCap = 128;  // summary texts

bool scalar_type(char t) {
    return t == '+' || t == '-' || t == ':' || t == '_' || t == ',' || t == '#' || t == '(';
}
bool bulk_type(char t) { return t == '$' || t == '!' || t == '='; }
bool aggregate_type(char t) { return t == '*' || t == '~' || t == '>' || t == '%' || t == '|'; }

bool parse_int(std::string_view s, std::int64_t& v) {
    if (s.empty()) return false;
    const char* b = s.data();
    if (*b == '+') ++b;
    auto [p, ec] = std::from_chars(b, s.data() + s.size(), v);
    return ec == std::errc() && p == s.data() + s.size();
}

std::string capped(std::string_view s) { return std::string(s.substr(0, std::min(s.size(), kTextCap))); }

}  // namespace

const char* resp_anomaly_name(RespAnomaly a) {
    switch (a) {
        case RespAnomaly::None: return "";
        case RespAnomaly::BadType: return "resp.bad_type";
        case RespAnomaly::BadLength: return "resp.bad_length";
        case RespAnomaly::LineTooLong: return "resp.line_too_long";
        case RespAnomaly::TooDeep: return "resp.too_deep";
        case RespAnomaly::BadBulkEnd: return "resp.bad_bulk_end";
        case RespAnomaly::StreamLost: return "resp.stream_lost";
    }
    return "";
}

void RespReader::fail(RespAnomaly why, RespEvents& ev) {
    mode_ = Mode::Stopped;
    in_value_ = false;
    line_.clear();
    bulk_size_ = 0;
    depth_ = 0;
    ev.malformed(why);
}

void RespReader::feed(std::string_view data, RespEvents& ev) {
    const char* base = data.data();
    const auto pos = [&](std::string_view rest) { return static_cast<std::size_t>(rest.data() - base); };
    while (!data.empty() && mode_ != Mode::Stopped) {
        if (mode_ == Mode::Line) {
            if (!in_value_) {
                in_value_ = true;
                ev.value_start(pos(data));
            }
            const std::size_t nl = data.find('\n');
            if (nl == std::string_view::npos) {
                if (line_.size() + data.size() > kLineCap) return fail(RespAnomaly::LineTooLong, ev);
                line_.append(data);
                return;
            }
            std::string_view line = data.substr(0, nl);
            const std::size_t end_at = pos(data) + nl + 1;
            data.remove_prefix(nl + 1);
            if (!line_.empty()) {
                if (line_.size() + line.size() > kLineCap) return fail(RespAnomaly::LineTooLong, ev);
                line_.append(line);
                std::string whole;
                whole.swap(line_);
                if (!whole.empty() && whole.back() == '\r') whole.pop_back();
                line_done(whole, end_at, ev);
            } else {
                if (line.size() > kLineCap) return fail(RespAnomaly::LineTooLong, ev);
                if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
                line_done(line, end_at, ev);
            }
            continue;
        }
        if (mode_ == Mode::Bulk) {
            const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, data.size()));
            const std::size_t keep = std::min(take, kKeep - bulk_size_);
            std::copy_n(data.data(), keep, bulk_ + bulk_size_);
            bulk_size_ += keep;
            remaining_ -= take;
            data.remove_prefix(take);
            if (remaining_ == 0) {
                mode_ = Mode::BulkEnd;
                end_seen_ = 0;
            }
            continue;
        }
        if (mode_ == Mode::BulkEnd) {
            const char want = end_seen_ == 0 ? '\r' : '\n';
            if (data.front() != want) return fail(RespAnomaly::BadBulkEnd, ev);
            data.remove_prefix(1);
            if (++end_seen_ < 2) continue;
            mode_ = Mode::Line;
            RespItem it;
            it.type = bulk_type_;
            it.depth = depth_;
            it.n = bulk_len_;
            it.text = std::string_view(bulk_, bulk_size_);
            it.text_cut = bulk_cut_ || bulk_len_ > static_cast<std::int64_t>(kKeep);
            it.end = pos(data);
            ev.item(it);
            bulk_size_ = 0;
            element_done(pos(data), ev);
        }
    }
}

void RespReader::line_done(std::string_view line, std::size_t end_at, RespEvents& ev) {
    RespItem it;
    it.depth = depth_;
    it.end = end_at;
    const char t = line.empty() ? 0 : line.front();
    if (depth_ == 0 && client_ && !scalar_type(t) && !bulk_type(t) && !aggregate_type(t)) {
        // An inline command (telnet-style): the whole line; an empty line is
        // skipped by redis and makes no command.
        if (line.find_first_not_of(" \t") == std::string_view::npos) {
            in_value_ = false;
            return;
        }
        it.type = 'i';
        it.text = line;
        ev.item(it);
        return element_done(end_at, ev);
    }
    it.type = t;
    const std::string_view rest = line.empty() ? line : line.substr(1);
    if (scalar_type(t)) {
        it.text = rest;
        if (t == ':' && !parse_int(rest, it.n)) return fail(RespAnomaly::BadLength, ev);
        ev.item(it);
        return element_done(end_at, ev);
    }
    if (bulk_type(t)) {
        std::int64_t len = 0;
        if (!parse_int(rest, len) || len < -1 || len > kMaxBulk) return fail(RespAnomaly::BadLength, ev);
        if (len == -1) {
            it.n = -1;
            ev.item(it);
            return element_done(end_at, ev);
        }
        bulk_type_ = t;
        bulk_len_ = len;
        remaining_ = static_cast<std::uint64_t>(len);
        bulk_size_ = 0;
        bulk_cut_ = false;
        mode_ = len == 0 ? Mode::BulkEnd : Mode::Bulk;
        end_seen_ = 0;
        return;
    }
    if (aggregate_type(t)) {
        std::int64_t n = 0;
        if (!parse_int(rest, n) || n < -1 || n > (1LL << 32)) return fail(RespAnomaly::BadLength, ev);
        it.n = n;
        ev.item(it);
        if (n <= 0) return element_done(end_at, ev);
        if (depth_ >= kMaxDepth) return fail(RespAnomaly::TooDeep, ev);
        const bool pairs = t == '%' || t == '|';
        stack_[depth_++] = {pairs ? n * 2 : n, t == '|'};
        return;
    }
    fail(RespAnomaly::BadType, ev);
}

void RespReader::element_done(std::size_t end_at, RespEvents& ev) {
    while (depth_ > 0) {
        if (--stack_[depth_ - 1].left > 0) return;
        const bool attribute = stack_[depth_ - 1].attribute;
        --depth_;
        // An attribute map annotates the element that follows it: that one,
        // not the map, is the element of the parent (or the top-level value).
        if (attribute) return;
    }
    in_value_ = false;
    ev.value_end(end_at);
}

void RespReader::gap(std::uint64_t len, RespEvents& ev) {
    if (mode_ == Mode::Stopped || len == 0) return;
    if (mode_ == Mode::Bulk && len <= remaining_) {
        remaining_ -= len;
        bulk_cut_ = true;
        if (remaining_ == 0) {
            mode_ = Mode::BulkEnd;
            end_seen_ = 0;
        }
        return;
    }
    fail(RespAnomaly::StreamLost, ev);
}

void RespSummary::add(const RespItem& it) {
    if (it.depth == 0) {
        type = it.type;
        n = it.n;
        if (it.type == 'i') {
            // Inline: words split on blanks (quotes are rare in hand-typed commands).
            std::string_view s = it.text;
            while (!s.empty()) {
                const std::size_t b = s.find_first_not_of(" \t");
                if (b == std::string_view::npos) break;
                s.remove_prefix(b);
                const std::size_t e = std::min(s.find_first_of(" \t"), s.size());
                if (argc < 3) args[argc] = capped(s.substr(0, e));
                ++argc;
                s.remove_prefix(e);
            }
        } else if (it.type != '*') {
            text = capped(it.text);
        }
        return;
    }
    if (it.depth != 1 || type != '*') return;
    ++elements;
    if ((it.type == '$' && it.n < 0) || it.type == '_') ++nulls;
    if (it.type == '$' && it.n >= 0) {
        if (argc < 3) args[argc] = capped(it.text);
        ++argc;
    }
}

std::string_view resp_error_kind(std::string_view text) {
    const std::size_t sp = text.find(' ');
    std::string_view kind = text.substr(0, sp);
    for (char ch : kind)
        if (!(ch >= 'A' && ch <= 'Z') && !(ch >= '0' && ch <= '9') && ch != '_') return "ERR";
    return kind.empty() ? std::string_view("ERR") : kind;
}

}  // namespace netdx
