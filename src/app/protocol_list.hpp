#pragma once
// One declaration per port-bound application protocol: the packet view's
// dissector, the TCP and UDP ports it is recognised on, and the stream
// consumer the analysis runs on its flows. Both readers take their ports from
// here (dissectors/registry.cpp binds them for `netdx packets`,
// app_registry.cpp picks consumers for `analyze`), and decode-as (`-d
// tcp.port==8000,http`) rebinds a port for both. Adding a protocol is one
// line in protocol_list.cpp.
#include <array>
#include <cstdint>
#include <span>

#include "core/proto.hpp"

namespace netdx {

struct AppProtocol;

struct ProtocolDecl {
    Proto view;                          // its dissector (name: proto_name(view), tshark's)
    std::array<std::uint16_t, 16> tcp;   // ports, 0 ends the list
    std::array<std::uint16_t, 4> udp;
    const AppProtocol* analysis;         // consumer of its TCP streams, or null
};

std::span<const ProtocolDecl> protocol_list();

// The declaration whose dissector is `view`, or null.
const ProtocolDecl* protocol_decl(Proto view);

}  // namespace netdx
