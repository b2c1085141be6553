#include "core/format_addr.hpp"

namespace netdx {

namespace {
constexpr char kHex[] = "0123456789abcdef";
}

void append_mac(fmt::memory_buffer& out, const std::uint8_t* p) {
    char s[17];
    for (int i = 0; i < 6; ++i) {
        s[i * 3] = kHex[p[i] >> 4];
        s[i * 3 + 1] = kHex[p[i] & 15];
        if (i < 5) s[i * 3 + 2] = ':';
    }
    append_text(out, {s, 17});
}

void append_ipv4(fmt::memory_buffer& out, const std::uint8_t* p) {
    char s[15];
    std::size_t n = 0;
    for (int i = 0; i < 4; ++i) {
        if (i) s[n++] = '.';
        const unsigned v = p[i];
        if (v >= 100) s[n++] = static_cast<char>('0' + v / 100);
        if (v >= 10) s[n++] = static_cast<char>('0' + v / 10 % 10);
        s[n++] = static_cast<char>('0' + v % 10);
    }
    append_text(out, {s, n});
}

void append_ipv6(fmt::memory_buffer& out, const std::uint8_t* p) {
    std::uint16_t w[8];
    for (int i = 0; i < 8; ++i) w[i] = static_cast<std::uint16_t>((p[2 * i] << 8) | p[2 * i + 1]);
    // RFC 5952: compress the longest run of two or more zero words (first one on ties).
    int best = -1, best_len = 0;
    for (int i = 0; i < 8;) {
        if (w[i] != 0) { ++i; continue; }
        int j = i;
        while (j < 8 && w[j] == 0) ++j;
        if (j - i > best_len && j - i >= 2) { best = i; best_len = j - i; }
        i = j;
    }
    // IPv4-mapped (::ffff:a.b.c.d) is printed with a dotted tail, as inet_ntop does.
    const bool mapped = best == 0 && best_len == 5 && w[5] == 0xffff;
    const int words = mapped ? 6 : 8;
    for (int i = 0; i < words; ++i) {
        if (i == best) {
            out.append(std::string_view("::"));  // the word before the run wrote no ':'
            i += best_len - 1;
            continue;
        }
        char tmp[4];
        int n = 0;
        std::uint16_t v = w[i];
        do { tmp[n++] = kHex[v & 15]; v >>= 4; } while (v);
        while (n > 0) out.push_back(tmp[--n]);
        if (i < words - 1 && i + 1 != best) out.push_back(':');
    }
    if (mapped) {
        out.push_back(':');
        append_ipv4(out, p + 12);
    }
}

void append_ip(fmt::memory_buffer& out, const IpAddress& a) {
    if (a.family == 4) append_ipv4(out, a.bytes.data());
    else if (a.family == 6) append_ipv6(out, a.bytes.data());
}

}  // namespace netdx
