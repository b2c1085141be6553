#include "app/line_text.hpp"

#include "core/escape.hpp"

namespace netdx {

std::string capped_text(std::string_view wire, std::size_t cap) {
    const bool cut = wire.size() > cap;
    fmt::memory_buffer b;
    append_escaped(b, wire.substr(0, cap));
    if (cut) fmt::format_to(std::back_inserter(b), "...");
    return fmt::to_string(b);
}

namespace {
char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

std::string upper_verb(std::string_view line, std::string_view* rest) {
    const std::size_t sp = line.find(' ');
    std::string_view word = line.substr(0, sp);
    if (rest) *rest = sp == std::string_view::npos ? std::string_view{} : line.substr(sp + 1);
    std::string out;
    for (char c : word.substr(0, 16)) out.push_back(upper(c));
    return capped_text(out, 16);
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

bool icontains(std::string_view hay, std::string_view needle) {
    if (needle.size() > hay.size()) return false;
    for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i)
        if (iequals(hay.substr(i, needle.size()), needle)) return true;
    return false;
}

bool parse_reply_line(std::string_view line, ReplyLine& out) {
    if (line.size() < 3) return false;
    int code = 0;
    for (int i = 0; i < 3; ++i) {
        const char c = line[static_cast<std::size_t>(i)];
        if (c < '0' || c > '9') return false;
        code = code * 10 + (c - '0');
    }
    if (code < 100 || code > 599) return false;
    out.code = code;
    if (line.size() == 3) {
        out.last = true;
        out.text = {};
        return true;
    }
    if (line[3] != ' ' && line[3] != '-') return false;
    out.last = line[3] == ' ';
    out.text = line.substr(4);
    return true;
}

bool base64_decode(std::string_view in, std::string& out, std::size_t cap) {
    out.clear();
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        int v;
        if (c >= 'A' && c <= 'Z') v = c - 'A';
        else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
        else if (c >= '0' && c <= '9') v = c - '0' + 52;
        else if (c == '+') v = 62;
        else if (c == '/') v = 63;
        else if (c == '=') break;
        else return false;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (out.size() < cap) out.push_back(static_cast<char>((acc >> bits) & 0xff));
        }
    }
    return true;
}

}  // namespace netdx
