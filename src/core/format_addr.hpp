#pragma once
// Text forms of link and network addresses, written straight into a buffer.
#include <fmt/format.h>

#include <cstdint>
#include <cstring>
#include <string_view>

#include "core/packet.hpp"

namespace netdx {

void append_mac(fmt::memory_buffer& out, const std::uint8_t* p);
void append_ipv4(fmt::memory_buffer& out, const std::uint8_t* p);
// RFC 5952 form (longest zero run compressed, lower-case hex), as tshark prints.
void append_ipv6(fmt::memory_buffer& out, const std::uint8_t* p);
void append_ip(fmt::memory_buffer& out, const IpAddress& a);

// The summary line is built from many short pieces: fmt's buffer::append is
// out of line and showed at the top of profiles, so these write in place.
[[gnu::always_inline]] inline void append_text(fmt::memory_buffer& out, std::string_view s) {
    const std::size_t n = out.size();
    out.resize(n + s.size());
    std::memcpy(out.data() + n, s.data(), s.size());
}

// Two digits per division: numbers are most of a TCP summary line.
inline constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

[[gnu::always_inline]] inline void append_uint(fmt::memory_buffer& out, std::uint64_t v) {
    char tmp[20];
    char* p = tmp + sizeof tmp;
    while (v >= 100) {
        const auto i = static_cast<std::size_t>(v % 100) * 2;
        v /= 100;
        *--p = kDigitPairs[i + 1];
        *--p = kDigitPairs[i];
    }
    if (v >= 10) {
        const auto i = static_cast<std::size_t>(v) * 2;
        *--p = kDigitPairs[i + 1];
        *--p = kDigitPairs[i];
    } else {
        *--p = static_cast<char>('0' + v);
    }
    append_text(out, {p, static_cast<std::size_t>(tmp + sizeof tmp - p)});
}

}  // namespace netdx
