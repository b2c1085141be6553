#pragma once
// Endpoints and byte helpers for a consumer built from a registered protocol,
// for feeding crafted byte streams to the application consumers.
#include <string_view>
#include <vector>

#include "app/app_stream.hpp"
#include "core/cursor.hpp"

namespace netdx::test {

inline Bytes as_bytes(std::string_view s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }

// Client is the originator (dir 0) unless said otherwise.
inline AppEndpoints endpoints(std::uint16_t server_port, int client_dir = 0) {
    AppEndpoints ep;
    const std::uint8_t c[4] = {10, 0, 0, 2}, s[4] = {10, 0, 0, 9};
    ep.client = IpAddress::v4(c);
    ep.server = IpAddress::v4(s);
    ep.client_port = 50000;
    ep.server_port = server_port;
    ep.flow_id = 1;
    ep.client_dir = client_dir;
    return ep;
}

}  // namespace netdx::test
