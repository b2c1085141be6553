#pragma once
// Text forms for finding titles and host lists, and small address tests the
// rules share.
#include <fmt/format.h>

#include <string>

#include "core/format_addr.hpp"
#include "events/common.hpp"

namespace netdx {

inline std::string ip_str(const IpAddress& a) {
    fmt::memory_buffer b;
    append_ip(b, a);
    return fmt::to_string(b);
}

inline std::string mac_str(const MacAddress& m) {
    fmt::memory_buffer b;
    append_mac(b, m.data());
    return fmt::to_string(b);
}

inline std::string endpoint_str(const IpAddress& a, std::uint16_t port) {
    return a.family == 6 ? fmt::format("[{}]:{}", ip_str(a), port) : fmt::format("{}:{}", ip_str(a), port);
}

inline std::string tcp_flow_str(const IpAddress& c, std::uint16_t cp, const IpAddress& s, std::uint16_t sp) {
    return fmt::format("tcp {} -> {}", endpoint_str(c, cp), endpoint_str(s, sp));
}

// True when a and b share the first `bits` bits (same family required).
inline bool same_prefix(const IpAddress& a, const IpAddress& b, int bits) {
    if (a.family != b.family || a.family == 0) return false;
    const int max = a.family == 4 ? 32 : 128;
    if (bits > max) bits = max;
    int i = 0;
    for (; bits >= 8; bits -= 8, ++i)
        if (a.bytes[i] != b.bytes[i]) return false;
    if (bits == 0) return true;
    const std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - bits));
    return (a.bytes[i] & mask) == (b.bytes[i] & mask);
}

inline bool is_zero_ip(const IpAddress& a) {
    const int n = a.family == 4 ? 4 : 16;
    for (int i = 0; i < n; ++i)
        if (a.bytes[i]) return false;
    return true;
}

inline bool is_multicast_or_broadcast(const IpAddress& a) {
    if (a.family == 4) return a.bytes[0] >= 224;
    return a.family == 6 && a.bytes[0] == 0xff;
}

// Private, link-local, loopback, unique-local: never "the internet".
inline bool is_private(const IpAddress& a) {
    const auto& b = a.bytes;
    if (a.family == 4)
        return b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168) ||
               (b[0] == 169 && b[1] == 254) || b[0] == 127;
    if (a.family == 6) return (b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80);
    return false;
}

template <typename Fn>
std::string join(const auto& items, Fn fn, std::string_view sep = ", ") {
    std::string out;
    for (const auto& i : items) {
        if (!out.empty()) out += sep;
        out += fn(i);
    }
    return out;
}

}  // namespace netdx
