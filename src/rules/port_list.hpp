#pragma once
// A comma-separated port list parameter ("139,445").
#include <charconv>
#include <cstdint>
#include <set>
#include <string_view>

namespace netdx {

inline std::set<std::uint16_t> parse_ports(std::string_view s) {
    std::set<std::uint16_t> out;
    while (!s.empty()) {
        const auto comma = s.find(',');
        std::string_view item = s.substr(0, comma);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        unsigned v = 0;
        auto [p, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
        if (ec == std::errc() && v <= 65535) out.insert(static_cast<std::uint16_t>(v));
        if (comma == std::string_view::npos) break;
        s.remove_prefix(comma + 1);
    }
    return out;
}

}  // namespace netdx
