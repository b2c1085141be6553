#include "dissectors/memcache/memcache_stream.hpp"

#include <algorithm>
#include <charconv>

namespace netdx {

namespace {

bool parse_len(std::string_view s, std::int64_t& v) {
    if (s.empty()) return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && p == s.data() + s.size() && v >= 0;
}

}  // namespace

const char* memcache_anomaly_name(MemcacheAnomaly a) {
    switch (a) {
        case MemcacheAnomaly::None: return "";
        case MemcacheAnomaly::LineTooLong: return "memcache.line_too_long";
        case MemcacheAnomaly::BadDataEnd: return "memcache.bad_data_end";
        case MemcacheAnomaly::Binary: return "memcache.binary_not_read";
        case MemcacheAnomaly::StreamLost: return "memcache.stream_lost";
    }
    return "";
}

void memcache_split(std::string_view line, MemcacheLine& out) {
    out = MemcacheLine{};
    out.line = line;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && line[i] == ' ') ++i;
        if (i >= line.size()) break;
        const std::size_t e = std::min(line.find(' ', i), line.size());
        if (out.count < MemcacheLine::kMaxWords) out.words[out.count++] = line.substr(i, e - i);
        ++out.total;
        i = e;
    }
}

int memcache_data_length_word(std::string_view c) {
    if (c == "set" || c == "add" || c == "replace" || c == "append" || c == "prepend" || c == "cas") return 4;
    if (c == "ms") return 2;
    return -1;
}

void memcache_key_words(const MemcacheLine& l, int& first, int& last) {
    const std::string_view c = l.word(0);
    first = last = 0;
    if (c == "get" || c == "gets") {
        first = 1;
        last = l.count;
    } else if (c == "gat" || c == "gats") {
        first = 2;
        last = l.count;
    } else if (memcache_data_length_word(c) > 0 || c == "delete" || c == "incr" || c == "decr" || c == "touch" ||
               c == "mg" || c == "md" || c == "ma") {
        first = 1;
        last = std::min(2, l.count);
    }
    if (first > last) first = last;
}

bool memcache_is_value_line(std::string_view w) { return w == "VALUE"; }

void MemcacheReader::fail(MemcacheAnomaly why, MemcacheEvents& ev) {
    mode_ = Mode::Stopped;
    in_message_ = false;
    line_.clear();
    data_size_ = 0;
    ev.malformed(why);
}

void MemcacheReader::feed(std::string_view data, MemcacheEvents& ev) {
    const char* base = data.data();
    const auto pos = [&](std::string_view rest) { return static_cast<std::size_t>(rest.data() - base); };
    if (!started_ && !data.empty()) {
        started_ = true;
        const auto magic = static_cast<unsigned char>(data.front());
        if (magic == 0x80 || magic == 0x81) return fail(MemcacheAnomaly::Binary, ev);
    }
    while (!data.empty() && mode_ != Mode::Stopped) {
        if (mode_ == Mode::Line) {
            if (!in_message_) {
                in_message_ = true;
                ev.message_start(pos(data));
            }
            const std::size_t nl = data.find('\n');
            if (nl == std::string_view::npos) {
                if (line_.size() + data.size() > kLineCap) return fail(MemcacheAnomaly::LineTooLong, ev);
                line_.append(data);
                return;
            }
            std::string_view line = data.substr(0, nl);
            const std::size_t end_at = pos(data) + nl + 1;
            data.remove_prefix(nl + 1);
            if (line_.size() + line.size() > kLineCap) return fail(MemcacheAnomaly::LineTooLong, ev);
            std::string whole;
            if (!line_.empty()) {
                line_.append(line);
                whole.swap(line_);
                line = whole;
            }
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            line_done(line, end_at, ev);
            continue;
        }
        if (mode_ == Mode::Data) {
            const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, data.size()));
            const std::size_t keep = std::min(take, kKeep - data_size_);
            std::copy_n(data.data(), keep, data_ + data_size_);
            data_size_ += keep;
            remaining_ -= take;
            data.remove_prefix(take);
            if (remaining_ == 0) {
                mode_ = Mode::DataEnd;
                end_seen_ = 0;
            }
            continue;
        }
        if (mode_ == Mode::DataEnd) {
            const char want = end_seen_ == 0 ? '\r' : '\n';
            if (data.front() != want) return fail(MemcacheAnomaly::BadDataEnd, ev);
            data.remove_prefix(1);
            if (++end_seen_ < 2) continue;
            mode_ = Mode::Line;
            MemcacheLine l;
            memcache_split(held(), l);
            ev.line(l, std::string_view(data_, data_size_), data_len_);
            item_done(pos(data), ev);
        }
    }
}

void MemcacheReader::line_done(std::string_view line, std::size_t end_at, MemcacheEvents& ev) {
    MemcacheLine l;
    memcache_split(line, l);
    if (l.total == 0 && !multi_) {  // a stray empty line: no message
        in_message_ = false;
        return;
    }
    // Where a data block follows: a storage command's <bytes>, a VALUE
    // line's 4th word, a meta VA line's 2nd.
    int len_word = -1;
    if (client_) len_word = memcache_data_length_word(l.word(0));
    else if (l.word(0) == "VALUE") len_word = 3;
    else if (l.word(0) == "VA") len_word = 1;
    std::int64_t len = 0;
    if (len_word > 0 && parse_len(l.word(len_word), len) && len <= kMaxData) {
        held_size_ = std::min(line.size(), kHeldCap);
        std::copy_n(line.data(), held_size_, held_);
        data_size_ = 0;
        data_len_ = len;
        remaining_ = static_cast<std::uint64_t>(len);
        mode_ = len == 0 ? Mode::DataEnd : Mode::Data;
        end_seen_ = 0;
        return;
    }
    // No data block (or a length that does not parse: memcached answers
    // CLIENT_ERROR and reads no data either).
    ev.line(l, {}, -1);
    if (!client_ && l.word(0) == "STAT") {
        multi_ = true;
        return;
    }
    multi_ = false;
    in_message_ = false;
    ev.message_end(end_at);
}

// A data block and its line are done: a VALUE reply goes on to END; the
// rest (commands, VA) end here.
void MemcacheReader::item_done(std::size_t end_at, MemcacheEvents& ev) {
    MemcacheLine l;
    memcache_split(held(), l);
    if (!client_ && l.word(0) == "VALUE") {
        multi_ = true;
        return;
    }
    multi_ = false;
    in_message_ = false;
    ev.message_end(end_at);
}

void MemcacheReader::gap(std::uint64_t len, MemcacheEvents& ev) {
    if (mode_ == Mode::Stopped || len == 0) return;
    if (mode_ == Mode::Data && len <= remaining_) {
        remaining_ -= len;
        if (remaining_ == 0) {
            mode_ = Mode::DataEnd;
            end_seen_ = 0;
        }
        return;
    }
    fail(MemcacheAnomaly::StreamLost, ev);
}

}  // namespace netdx
