#pragma once
// One direction of IMAP (RFC 9051 / 3501) cut into messages: a line, or a
// line ending in a literal announcement "{n}" / "{n+}" followed by n bytes and
// the rest of the message. Literals are skipped by byte count, so a message
// body inside a FETCH or APPEND is never read as lines; the first bytes of a
// client literal are kept (LOGIN may send the user or password as one).
// Buffers are bounded: a line over the bound is handed over once flagged
// over-long, with only its tail kept to see whether it announces a literal.
// Words and literal announcements are read by the line protocols' one parser
// (line_protocol.hpp), as the packet view reads a segment's lines.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/cursor.hpp"
#include "dissectors/lines/line_protocol.hpp"

namespace netdx {

struct ImapMessage {
    // The first words: quoted strings unquoted, literals as their (capped)
    // content; at most kMaxTokens.
    std::vector<std::string> tokens;
    std::string_view first_line;  // up to the first literal, raw
    bool overlong = false;
    static constexpr std::size_t kMaxTokens = 6;
};

// Takes the bytes of the literals it accepts (a FETCH response's message
// body), whatever their size, as they pass; the reader keeps none of them.
class ImapLiteralSink {
public:
    virtual ~ImapLiteralSink() = default;
    // The line (since the previous literal) that announces `size` bytes; true to take them.
    virtual bool begin(std::string_view announcing, std::uint64_t size) = 0;
    virtual void bytes(std::string_view b) = 0;
    virtual void gap(std::uint64_t n) = 0;
    // complete: every byte announced has passed (or been counted off in a gap).
    virtual void end(bool complete) = 0;
};

class ImapReader {
public:
    ImapReader(std::size_t max_line, std::size_t literal_cap) : max_(max_line), literal_cap_(literal_cap) {}
    void set_literal_sink(ImapLiteralSink* s) { sink_ = s; }

    // fn(const ImapMessage&) per complete message; fn may call stop().
    template <typename Fn>
    void feed(Bytes data, Fn&& fn) {
        std::size_t i = 0;
        while (i < data.size() && !stopped_) {
            if (literal_left_) {
                const std::size_t n = std::min<std::uint64_t>(literal_left_, data.size() - i);
                const std::size_t keep = std::min(n, literal_cap_ - std::min(literal_cap_, literal_.size()));
                literal_.append(reinterpret_cast<const char*>(data.data() + i), keep);
                if (sinking_) sink_->bytes(std::string_view(reinterpret_cast<const char*>(data.data() + i), n));
                literal_left_ -= n;
                i += n;
                if (!literal_left_) end_literal();
                continue;
            }
            const std::uint8_t c = data[i++];
            if (c != '\n') {
                if (buf_.size() >= max_) {
                    overlong_ = true;
                    buf_.erase(0, buf_.size() - kTail);
                }
                if (buf_.capacity() == 0) buf_.reserve(128);
                buf_.push_back(static_cast<char>(c));
                continue;
            }
            if (!buf_.empty() && buf_.back() == '\r') buf_.pop_back();
            if (resync_) {
                resync_ = false;
                buf_.clear();
                overlong_ = false;
                continue;
            }
            if (end_line()) fn(msg_);
            if (msg_done_) reset_message();
        }
    }

    // `n` bytes that will never come: inside a literal they are counted off
    // (the stream stays in step); otherwise reading resumes after the next LF.
    void gap(std::uint64_t n) {
        if (literal_left_) {
            const std::uint64_t k = std::min(n, literal_left_);
            literal_left_ -= k;
            if (sinking_) sink_->gap(k);
            if (!literal_left_) end_literal();
            if (k == n) return;
        }
        reset_message();
        buf_.clear();
        overlong_ = false;
        resync_ = true;
    }
    void stop() { stopped_ = true; }

private:
    static constexpr std::size_t kTail = 32;

    // True when the message is complete (no literal follows).
    bool end_line() {
        std::string_view line(buf_);
        std::uint64_t literal = 0;
        const bool has_literal = imap_trailing_literal(line, literal);
        if (overlong_) msg_.overlong = true;
        else tokenize(line);
        if (first_.empty() && !msg_.overlong) first_.assign(line.substr(0, 512));
        sinking_ = has_literal && sink_ && literal && sink_->begin(line, literal);
        buf_.clear();
        overlong_ = false;
        if (has_literal) {
            literal_.clear();
            literal_left_ = literal;
            if (!literal_left_) end_literal();
            return false;
        }
        msg_.first_line = first_;
        msg_done_ = true;
        return true;
    }

    void end_literal() {
        if (sinking_) sink_->end(true);
        sinking_ = false;
        if (msg_.tokens.size() < ImapMessage::kMaxTokens) msg_.tokens.push_back(literal_);
        literal_.clear();
    }

    void reset_message() {
        if (sinking_) sink_->end(false);
        sinking_ = false;
        msg_.tokens.clear();
        msg_.overlong = false;
        msg_.first_line = {};
        first_.clear();
        literal_.clear();
        literal_left_ = 0;
        msg_done_ = false;
    }

    void tokenize(std::string_view s) {
        while (msg_.tokens.size() < ImapMessage::kMaxTokens) {
            const std::string_view w = imap_next_word(s);
            if (w.empty()) return;
            msg_.tokens.push_back(imap_word_value(w));
        }
    }

    std::size_t max_, literal_cap_;
    std::string buf_, literal_, first_;
    std::uint64_t literal_left_ = 0;
    ImapMessage msg_;
    bool overlong_ = false, resync_ = false, stopped_ = false, msg_done_ = false;
    ImapLiteralSink* sink_ = nullptr;
    bool sinking_ = false;
};

}  // namespace netdx
