#pragma once
// The bytes of one e-mail message as a mail protocol carries them, collected
// for the IMF parser (imf_parse.hpp): the one collector SMTP (DATA, BDAT),
// POP3 (RETR) and IMAP (FETCH literals) share. Dot-stuffed bodies come line
// by line (the line reader has cut them) and are unstuffed here; counted
// bodies (IMAP literals, BDAT chunks) come as raw bytes.
//
// Memory is bounded twice: a message keeps at most kMaxKeep bytes (the rest
// is counted, not kept, and the message is reported truncated), and all
// messages being collected at once keep at most kBudget bytes together (a
// capture with thousands of concurrent DATA transfers degrades to counting).
#include <cstdint>
#include <string>
#include <string_view>

#include "events/mail_message_events.hpp"

namespace netdx {

class MessageCollector {
public:
    static constexpr std::size_t kMaxKeep = std::size_t{4} << 20;
    static constexpr std::uint64_t kBudget = std::uint64_t{64} << 20;

    MessageCollector() = default;
    MessageCollector(const MessageCollector&) = delete;
    MessageCollector& operator=(const MessageCollector&) = delete;
    ~MessageCollector() { release(); }

    void begin(FrameRef where, double ts);
    [[nodiscard]] bool active() const { return active_; }

    // One line of a dot-stuffed body without its line end; `overlong`: the
    // line reader handed over only its start. True at the lone "." that ends
    // the message (it is not part of it); the caller then calls finish().
    bool line(std::string_view l, bool overlong, FrameRef where);
    // Bytes of a counted body, as they are.
    void bytes(std::string_view b, FrameRef where);
    // n bytes of the message that will never come.
    void gap(std::uint64_t n);

    // Reads what was collected into `out` (size, caps, headers, MIME tree;
    // endpoints, protocol and times are the caller's) and starts over.
    // headers_only: no body was sent (IMAP BODY[HEADER]), so a multipart
    // without its parts is no MIME problem.
    void finish(MailMessage& out, bool headers_only = false);
    // Forget the message (the stream ended in the middle of it).
    void abandon();

    [[nodiscard]] std::uint64_t size() const { return size_; }
    [[nodiscard]] FrameRef first_frame() const { return first_; }
    [[nodiscard]] double first_ts() const { return first_ts_; }
    [[nodiscard]] FrameRef last_frame() const { return last_; }
    // Bytes kept by every collector of the process (for tests).
    static std::uint64_t kept_total();

private:
    void append(std::string_view b);
    void release();

    std::string buf_;
    std::uint64_t size_ = 0, missing_ = 0, reserved_ = 0;
    std::uint32_t cut_lines_ = 0;
    bool active_ = false, truncated_ = false;
    FrameRef first_, last_;
    double first_ts_ = 0;
};

}  // namespace netdx
