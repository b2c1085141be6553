#pragma once
// tshark's decode-as, `-d tcp.port==8080,http`: binds UDP or TCP ports to a
// dissector for every reader of the registry (the packet view, the analysis's
// stream consumers, the live view).
#include <string>
#include <string_view>

namespace netdx {

// Applies one spec: `tcp.port==P,PROTO` or `udp.port==P,PROTO`, where P is a
// port, a range `A-B` or `A:N` (N ports from A), PROTO a dissector name
// (`netdx fields` prefixes: http, tls, dns, ...). Returns an error text, or
// empty when applied.
std::string apply_decode_as(std::string_view spec);

}  // namespace netdx
