#pragma once
// A service as rules count per server: the server's address and the port it
// answers on (port 0: the host, whatever the port). One type for every rule
// that groups by broker or server, so they order and compare alike.
#include <compare>
#include <cstdint>

#include "core/packet.hpp"

namespace netdx {

struct ServiceKey {
    IpAddress ip;
    std::uint16_t port = 0;
    auto operator<=>(const ServiceKey&) const = default;
};

}  // namespace netdx
