#pragma once
// Number and address formatting shared by the views.
#include <cstdint>
#include <string>

#include "core/packet.hpp"

namespace netdx::tui {

std::string human_bytes(std::uint64_t bytes);  // 1.2 MB
std::string human_rate(double bits_per_s);     // 3.4 Mb/s
std::string human_count(double n);             // 12.3k
std::string format_ip(const IpAddress& a);

}  // namespace netdx::tui
