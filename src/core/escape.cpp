#include "core/escape.hpp"

#include <array>
#include <cstring>

#include "core/format_addr.hpp"

namespace netdx {

namespace {

// Length of a well-formed UTF-8 sequence at s[i] encoding a printable code point
// (>= U+00A0, so no C1 controls), or 0.
std::size_t printable_utf8(std::string_view s, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c >= 0xc2 && c <= 0xdf) { len = 2; cp = c & 0x1f; }
    else if (c >= 0xe0 && c <= 0xef) { len = 3; cp = c & 0x0f; }
    else if (c >= 0xf0 && c <= 0xf4) { len = 4; cp = c & 0x07; }
    else return 0;
    if (i + len > s.size()) return 0;
    for (std::size_t k = 1; k < len; ++k) {
        if ((b(i + k) & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (b(i + k) & 0x3f);
    }
    const bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    const bool surrogate = cp >= 0xd800 && cp <= 0xdfff;
    // Bidirectional overrides can disguise what a terminal shows; escape them too.
    const bool bidi = (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
    if (overlong || surrogate || bidi || cp < 0xa0 || cp > 0x10ffff) return 0;
    return len;
}

// Bytes copied as they are: printable ASCII except the backslash, which
// starts our own escapes.
constexpr auto kPlain = [] {
    std::array<bool, 256> t{};
    for (int c = 0x20; c < 0x7f; ++c) t[static_cast<std::size_t>(c)] = c != '\\';
    return t;
}();

// Length of the run of plain bytes at the start of s. Eight bytes at a time
// (the info column is most of `netdx packets` output): a word passes when no
// byte is below 0x20, above 0x7e or a backslash.
std::size_t plain_prefix(std::string_view s) {
    constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t x;
        std::memcpy(&x, s.data() + i, 8);
        const std::uint64_t below_space = (x - kOnes * 0x20) & ~x & kHigh;
        const std::uint64_t above_tilde = ((x + kOnes * (127 - 0x7e)) | x) & kHigh;
        const std::uint64_t bs = x ^ (kOnes * '\\');
        const std::uint64_t backslash = (bs - kOnes) & ~bs & kHigh;
        if (below_space | above_tilde | backslash) break;
    }
    while (i < s.size() && kPlain[static_cast<unsigned char>(s[i])]) ++i;
    return i;
}

}  // namespace

void append_escaped(fmt::memory_buffer& out, std::string_view bytes) {
    constexpr char kHex[] = "0123456789abcdef";
    const std::size_t n = bytes.size();
    std::size_t i = 0;
    while (i < n) {
        // Copy the whole run of plain ASCII at once (most text is only that).
        const std::size_t j = i + plain_prefix(bytes.substr(i));
        if (j > i) append_text(out, bytes.substr(i, j - i));
        if (j == n) break;
        const unsigned char ch = static_cast<unsigned char>(bytes[j]);
        if (ch == '\\') {
            append_text(out, "\\\\");
            i = j + 1;
        } else if (std::size_t len = ch >= 0x80 ? printable_utf8(bytes, j) : 0; len > 0) {
            append_text(out, bytes.substr(j, len));
            i = j + len;
        } else {
            const char esc[4] = {'\\', 'x', kHex[ch >> 4], kHex[ch & 15]};
            append_text(out, {esc, 4});
            i = j + 1;
        }
    }
}

std::string escaped(std::string_view bytes) {
    fmt::memory_buffer buf;
    append_escaped(buf, bytes);
    return fmt::to_string(buf);
}

}  // namespace netdx
