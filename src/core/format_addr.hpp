#pragma once
// Text forms of link and network addresses, written straight into a buffer.
#include <fmt/format.h>

#include <cstdint>

#include "core/packet.hpp"

namespace netdx {

void append_mac(fmt::memory_buffer& out, const std::uint8_t* p);
void append_ipv4(fmt::memory_buffer& out, const std::uint8_t* p);
// RFC 5952 form (longest zero run compressed, lower-case hex), as tshark prints.
void append_ipv6(fmt::memory_buffer& out, const std::uint8_t* p);
void append_ip(fmt::memory_buffer& out, const IpAddress& a);
void append_uint(fmt::memory_buffer& out, std::uint64_t v);

}  // namespace netdx
