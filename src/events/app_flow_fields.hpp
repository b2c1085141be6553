#pragma once
// The flow an application transaction belongs to (the client: the side not on
// the protocol's port). Application events name these fields alike so one
// set_endpoints (src/app/app_stream.hpp) fills any of them; a transaction
// inherits them rather than listing them again.
#include <cstdint>

#include "core/packet.hpp"

namespace netdx {

struct AppFlowFields {
    IpAddress client, server;
    std::uint16_t client_port = 0, server_port = 0;
    std::uint64_t flow_id = 0;
};

}  // namespace netdx
