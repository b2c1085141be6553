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
inline void append_text(fmt::memory_buffer& out, std::string_view s) {
    const std::size_t n = out.size();
    out.resize(n + s.size());
    std::memcpy(out.data() + n, s.data(), s.size());
}

inline void append_uint(fmt::memory_buffer& out, std::uint64_t v) {
    char tmp[20];
    char* p = tmp + sizeof tmp;
    do {
        *--p = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0);
    append_text(out, {p, static_cast<std::size_t>(tmp + sizeof tmp - p)});
}

}  // namespace netdx
