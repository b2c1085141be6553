#pragma once
// The one parser of the line protocols (SMTP, FTP, POP3, IMAP): what a
// command line and a reply line say. The packet view (dissectors/smtp.cpp,
// ftp.cpp, pop3.cpp, imap.cpp) reads it on the lines of one segment; the
// analysis (src/app/smtp.cpp, ftp.cpp, pop3.cpp, imap.cpp) on the lines of the
// reassembled stream, cut by LineReader / ImapReader (this folder). Both
// therefore name the same command, argument and reply code for a line
// (tests/diff/line_consumers.cpp checks it on every capture). Everything here
// is a view into the caller's line: no allocation except imap_word_value.
#include <cstdint>
#include <string>
#include <string_view>

#include "events/smtp_events.hpp"

namespace netdx {

// ASCII case-insensitive equality (verbs, status words).
bool iequals(std::string_view a, std::string_view b);

// "VERB argument" (RFC 5321 4.1.1, RFC 959 5.3, RFC 1939 3): the first word
// and everything after the first space.
struct CommandLine {
    std::string_view verb, argument;
    bool has_space = false;  // a space follows the verb ("PASS " with nothing after it)
};
CommandLine parse_command(std::string_view line);

// ---- SMTP and FTP replies ----

// One reply line: "ddd text", "ddd-text" or "ddd" with ddd in 100..599.
struct ReplyLine {
    int code = 0;
    std::string_view code_text;  // the three digits
    bool last = false;           // "ddd " or "ddd" ends a reply, "ddd-" continues it
    std::string_view text;       // after the separator
};
// False when the line is not a reply line.
bool parse_reply_line(std::string_view line, ReplyLine& out);

// A reply over several lines. SMTP (RFC 5321 4.2.1) writes the code on every
// line; FTP (RFC 959 4.2) only on the first ("ddd-") and on the last ("ddd "),
// with any text in between.
class MultiLineReply {
public:
    enum class Style : std::uint8_t { Smtp, Ftp };
    enum class Step : std::uint8_t {
        Malformed,  // not a reply line (SMTP: also inside a reply; FTP: only outside one)
        Continues,  // the reply goes on after this line
        Complete,   // this line ends the reply
    };
    explicit MultiLineReply(Style style) : style_(style) {}

    // The next line from the server. `parsed` gets the line's code and text
    // when it is a reply line.
    Step line(std::string_view line, ReplyLine* parsed = nullptr);
    // Inside a reply (its first line seen, not its last).
    [[nodiscard]] bool open() const { return open_; }
    // The line just read started the reply (its code and text are the reply's).
    [[nodiscard]] bool first_line() const { return first_; }
    [[nodiscard]] int code() const { return code_; }
    [[nodiscard]] std::uint32_t lines() const { return lines_; }
    // Bytes were lost: the reply in progress is forgotten.
    void reset() { open_ = first_ = false; }

private:
    Style style_;
    bool open_ = false, first_ = false;
    int code_ = 0;
    std::uint32_t lines_ = 0;
};

// The SMTP command a client line gives (MAIL needs "FROM:", RCPT "TO:", else
// Other); false when the verb is not one of SMTP's (RFC 5321, 3207 STARTTLS,
// 4954 AUTH, 3030 BDAT, 1985 ETRN): the line is message text or an AUTH
// response, not a command.
bool smtp_command(const CommandLine& c, SmtpCommand& out);

// ---- POP3 ----

enum class PopStatus : std::uint8_t { None, Ok, Err };
// "+OK text" / "-ERR text" (RFC 1939 3; indicator compared without case).
struct PopStatusLine {
    PopStatus status = PopStatus::None;  // None: not a status line (body, "+ challenge")
    std::string_view indicator, text;
};
PopStatusLine parse_pop_status(std::string_view line);
// Whether +OK to this command is followed by a multi-line body ending in a
// lone "." (RETR, TOP, CAPA, LIST/UIDL without argument, AUTH without one).
bool pop_multiline_on_ok(std::string_view verb, std::string_view argument);

// ---- IMAP ----

// The next word of an IMAP line (RFC 9051 4): an atom up to a space, or a
// quoted string with its quotes and backslash escapes as on the wire. Empty at
// the end of the line.
std::string_view imap_next_word(std::string_view& rest);
// A word's value: a quoted string unquoted and unescaped, an atom as it is.
std::string imap_word_value(std::string_view word);
// "... {123}" or "{123+}" at the end of a line: the literal's byte count, and
// the line without the announcement.
bool imap_trailing_literal(std::string_view& line, std::uint64_t& n);
// "*" (untagged data) and "+" (continuation request) are not tags.
inline bool imap_is_tag(std::string_view word) { return !word.empty() && word != "*" && word != "+"; }
enum class ImapStatus : std::uint8_t { None, Ok, No, Bad };
// The status word of a tagged response (compared without case).
ImapStatus imap_status(std::string_view word);

}  // namespace netdx
