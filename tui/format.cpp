#include "tui/format.hpp"

#include <fmt/format.h>

#include "core/format_addr.hpp"

namespace netdx::tui {

namespace {
std::string scaled(double v, const char* const* units, int n, double step) {
    int u = 0;
    while (v >= step && u + 1 < n) { v /= step; ++u; }
    return u == 0 ? fmt::format("{:.0f} {}", v, units[0]) : fmt::format("{:.1f} {}", v, units[u]);
}
}  // namespace

std::string human_bytes(std::uint64_t bytes) {
    static const char* const kUnits[] = {"B", "kB", "MB", "GB", "TB"};
    return scaled(static_cast<double>(bytes), kUnits, 5, 1000);
}

std::string human_rate(double bits_per_s) {
    static const char* const kUnits[] = {"b/s", "kb/s", "Mb/s", "Gb/s", "Tb/s"};
    return scaled(bits_per_s, kUnits, 5, 1000);
}

std::string human_count(double n) {
    static const char* const kUnits[] = {"", "k", "M", "G"};
    int u = 0;
    while (n >= 1000 && u < 3) { n /= 1000; ++u; }
    return u == 0 ? fmt::format("{:.0f}", n) : fmt::format("{:.1f}{}", n, kUnits[u]);
}

std::string format_ip(const IpAddress& a) {
    fmt::memory_buffer b;
    append_ip(b, a);
    return {b.data(), b.size()};
}

}  // namespace netdx::tui
