// Which protocol the packet view reads a TCP connection as, decided once for
// every consumer of the view's reassembled streams (PDUs, exported objects).
#pragma once

#include <optional>

#include "dissectors/registry.hpp"
#include "flow/flow.hpp"

namespace netdx {

struct ViewProtocol {
    Proto proto = Proto::None;  // None: no port bound (HTTP is then found by content)
    int client_dir = -1;        // the client's direction (0: the originator's); -1 unknown
};

// nullopt for anything but TCP over IPv4/IPv6. The lower port is tried first,
// as decode.cpp does, and the server is the side on the protocol's port.
std::optional<ViewProtocol> view_protocol(const Flow& flow);

}  // namespace netdx
