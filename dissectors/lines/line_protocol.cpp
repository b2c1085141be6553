#include "dissectors/lines/line_protocol.hpp"

#include <algorithm>

namespace netdx {

namespace {
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool istarts(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}
}  // namespace

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

CommandLine parse_command(std::string_view line) {
    CommandLine c;
    const std::size_t sp = line.find(' ');
    c.verb = line.substr(0, sp);
    c.has_space = sp != std::string_view::npos;
    if (c.has_space) c.argument = line.substr(sp + 1);
    return c;
}

bool parse_reply_line(std::string_view line, ReplyLine& out) {
    if (line.size() < 3) return false;
    int code = 0;
    for (std::size_t i = 0; i < 3; ++i) {
        const char c = line[i];
        if (c < '0' || c > '9') return false;
        code = code * 10 + (c - '0');
    }
    if (code < 100 || code > 599) return false;
    if (line.size() > 3 && line[3] != ' ' && line[3] != '-') return false;
    out.code = code;
    out.code_text = line.substr(0, 3);
    out.last = line.size() == 3 || line[3] == ' ';
    out.text = line.size() > 4 ? line.substr(4) : std::string_view{};
    return true;
}

MultiLineReply::Step MultiLineReply::line(std::string_view line, ReplyLine* parsed) {
    ReplyLine r;
    const bool ok = parse_reply_line(line, r);
    if (ok && parsed) *parsed = r;
    first_ = false;
    if (!ok) return style_ == Style::Ftp && open_ ? Step::Continues : Step::Malformed;
    if (open_ && style_ == Style::Ftp && !(r.code == code_ && r.last)) return Step::Continues;  // text inside the reply
    if (!open_) {
        open_ = first_ = true;
        code_ = r.code;
        lines_ = 0;
    }
    ++lines_;
    if (!r.last) return Step::Continues;
    open_ = false;
    return Step::Complete;
}

bool smtp_command(const CommandLine& c, SmtpCommand& out) {
    struct Verb {
        std::string_view name;
        SmtpCommand command;
    };
    static constexpr Verb kVerbs[] = {
        {"HELO", SmtpCommand::Helo}, {"EHLO", SmtpCommand::Ehlo},         {"MAIL", SmtpCommand::MailFrom},
        {"RCPT", SmtpCommand::RcptTo}, {"DATA", SmtpCommand::Data},       {"BDAT", SmtpCommand::Bdat},
        {"RSET", SmtpCommand::Rset}, {"QUIT", SmtpCommand::Quit},         {"NOOP", SmtpCommand::Noop},
        {"VRFY", SmtpCommand::Vrfy}, {"EXPN", SmtpCommand::Expn},         {"HELP", SmtpCommand::Other},
        {"STARTTLS", SmtpCommand::StartTls}, {"AUTH", SmtpCommand::Auth}, {"ETRN", SmtpCommand::Other},
    };
    for (const Verb& v : kVerbs) {
        if (!iequals(c.verb, v.name)) continue;
        out = v.command;
        if (out == SmtpCommand::MailFrom && !istarts(c.argument, "FROM:")) out = SmtpCommand::Other;
        if (out == SmtpCommand::RcptTo && !istarts(c.argument, "TO:")) out = SmtpCommand::Other;
        return true;
    }
    return false;
}

PopStatusLine parse_pop_status(std::string_view line) {
    PopStatusLine s;
    std::size_t n = 0;
    if (istarts(line, "+OK")) n = 3;
    else if (istarts(line, "-ERR")) n = 4;
    else return s;
    if (line.size() > n && line[n] != ' ') return s;
    s.status = n == 3 ? PopStatus::Ok : PopStatus::Err;
    s.indicator = line.substr(0, n);
    s.text = line.size() > n + 1 ? line.substr(n + 1) : std::string_view{};
    return s;
}

bool pop_multiline_on_ok(std::string_view verb, std::string_view argument) {
    if (iequals(verb, "RETR") || iequals(verb, "TOP") || iequals(verb, "CAPA")) return true;
    // LIST/UIDL with a message number answer on the status line; AUTH without
    // a mechanism lists the mechanisms (RFC 5034 4 allows it as an extension).
    if (iequals(verb, "LIST") || iequals(verb, "UIDL") || iequals(verb, "AUTH"))
        return argument.find_first_not_of(' ') == std::string_view::npos;
    return false;
}

std::string_view imap_next_word(std::string_view& rest) {
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    std::size_t end = 0;
    if (!rest.empty() && rest.front() == '"') {
        for (end = 1; end < rest.size() && rest[end] != '"'; ++end)
            if (rest[end] == '\\') ++end;
        end = std::min(end + 1, rest.size());
    } else {
        end = std::min(rest.find(' '), rest.size());
    }
    const std::string_view w = rest.substr(0, end);
    rest.remove_prefix(end);
    return w;
}

std::string imap_word_value(std::string_view word) {
    if (word.empty() || word.front() != '"') return std::string(word);
    std::string out;
    for (std::size_t i = 1; i < word.size() && word[i] != '"'; ++i) {
        if (word[i] == '\\' && i + 1 < word.size()) ++i;
        out.push_back(word[i]);
    }
    return out;
}

bool imap_trailing_literal(std::string_view& line, std::uint64_t& n) {
    if (line.empty() || line.back() != '}') return false;
    const std::size_t open = line.rfind('{');
    if (open == std::string_view::npos) return false;
    std::string_view digits = line.substr(open + 1, line.size() - open - 2);
    if (!digits.empty() && digits.back() == '+') digits.remove_suffix(1);
    if (digits.empty() || digits.size() > 12) return false;
    std::uint64_t v = 0;
    for (char d : digits) {
        if (d < '0' || d > '9') return false;
        v = v * 10 + static_cast<std::uint64_t>(d - '0');
    }
    n = v;
    line = line.substr(0, open);
    return true;
}

ImapStatus imap_status(std::string_view word) {
    if (iequals(word, "OK")) return ImapStatus::Ok;
    if (iequals(word, "NO")) return ImapStatus::No;
    if (iequals(word, "BAD")) return ImapStatus::Bad;
    return ImapStatus::None;
}

}  // namespace netdx
