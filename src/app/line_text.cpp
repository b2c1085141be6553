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
}  // namespace

std::string upper_verb(const CommandLine& c) {
    std::string out;
    for (char ch : c.verb.substr(0, 16)) out.push_back(upper(ch));
    return capped_text(out, 16);
}

bool icontains(std::string_view hay, std::string_view needle) {
    if (needle.size() > hay.size()) return false;
    for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i)
        if (iequals(hay.substr(i, needle.size()), needle)) return true;
    return false;
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
