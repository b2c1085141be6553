#pragma once
// Small text helpers the line-based protocols share: escaped, capped copies of
// wire text, the command verb, and the "ddd-text" / "ddd text" reply form of
// SMTP and FTP (RFC 5321 4.2, RFC 959 4.2).
#include <string>
#include <string_view>

namespace netdx {

constexpr std::size_t kMaxEventText = 256;

// Escaped copy of at most `cap` wire bytes ("..." marks a cut).
std::string capped_text(std::string_view wire, std::size_t cap = kMaxEventText);

// The first word, upper-cased (verbs are case-insensitive), and the rest
// after one space.
std::string upper_verb(std::string_view line, std::string_view* rest);

bool iequals(std::string_view a, std::string_view b);
bool icontains(std::string_view hay, std::string_view needle);

struct ReplyLine {
    int code = 0;          // 100..599
    bool last = false;     // "ddd " or "ddd" ends the reply, "ddd-" continues it
    std::string_view text;
};
// False when the line does not start with three digits (malformed).
bool parse_reply_line(std::string_view line, ReplyLine& out);

// Standard base64 (RFC 4648), for SMTP AUTH; false on a character outside the
// alphabet. Output is capped at `cap` bytes.
bool base64_decode(std::string_view in, std::string& out, std::size_t cap = 512);

}  // namespace netdx
