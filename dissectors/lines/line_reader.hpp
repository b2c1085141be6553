#pragma once
// One direction of a line-based protocol (SMTP, FTP, Telnet login text) cut
// into lines with a bounded buffer. A line longer than the bound is handed
// over once, flagged over-long, and the rest of it is skipped; after a gap the
// partial line is dropped and reading resumes at the next line end, so a lost
// segment costs one line, never the flow.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/cursor.hpp"

namespace netdx {

class LineReader {
public:
    explicit LineReader(std::size_t max_line = 4096) : max_(max_line) {}

    // fn(std::string_view line, bool overlong) per complete line, without its
    // CR LF (a lone LF also ends a line). fn may call stop() to end reading.
    // The bytes skip() passes over go to raw(std::string_view) (SMTP BDAT
    // chunks hold a message).
    template <typename Fn, typename Raw = void (*)(std::string_view)>
    void feed(Bytes data, Fn&& fn, Raw&& raw = [](std::string_view) {}) {
        std::size_t i = 0;
        while (i < data.size()) {
            if (skip_bytes_) {
                const std::size_t n = std::min<std::uint64_t>(skip_bytes_, data.size() - i);
                raw(std::string_view(reinterpret_cast<const char*>(data.data() + i), n));
                skip_bytes_ -= n;
                i += n;
                continue;
            }
            const std::uint8_t c = data[i++];
            if (c == '\n') {
                if (!buf_.empty() && buf_.back() == '\r') buf_.pop_back();
                const bool drop = resync_;
                resync_ = false;
                if (!drop && !overlong_) fn(std::string_view(buf_), false);
                overlong_ = false;
                buf_.clear();
                if (stopped_) return;
                continue;
            }
            if (resync_ || overlong_) continue;
            if (buf_.size() >= max_) {
                overlong_ = true;
                ++overlong_lines_;
                fn(std::string_view(buf_), true);
                buf_.clear();
                if (stopped_) return;
                continue;
            }
            if (buf_.capacity() == 0) buf_.reserve(128);
            buf_.push_back(static_cast<char>(c));
        }
    }

    // Bytes that will never come: drop the partial line, resume after the next LF.
    void gap() {
        buf_.clear();
        overlong_ = false;
        skip_bytes_ = 0;
        resync_ = true;
    }
    // The next n bytes are not lines (SMTP BDAT chunks).
    void skip(std::uint64_t n) { skip_bytes_ += n; }
    // No more callbacks: the rest of the stream is not text (after STARTTLS).
    void stop() { stopped_ = true; }
    [[nodiscard]] bool stopped() const { return stopped_; }
    [[nodiscard]] std::string_view partial() const { return buf_; }
    [[nodiscard]] std::uint64_t overlong_lines() const { return overlong_lines_; }

private:
    std::size_t max_;
    std::string buf_;
    std::uint64_t skip_bytes_ = 0;
    std::uint64_t overlong_lines_ = 0;
    bool overlong_ = false, resync_ = false, stopped_ = false;
};

}  // namespace netdx
