#pragma once
// The TLS version each connection's ServerHello chose, remembered so that the
// Protocol column of its later records says "TLSv1.3" as tshark's does (TLS 1.3
// records carry 0x0303). A fixed direct-mapped table per thread: memory does
// not grow with traffic; a connection whose slot was taken by another, or
// whose ServerHello was not seen, falls back to its record version.
#include <cstdint>

#include "core/packet.hpp"

namespace netdx {

void remember_tls_version(const Packet& pkt, std::uint16_t version);
// 0 when unknown.
std::uint16_t remembered_tls_version(const Packet& pkt);

}  // namespace netdx
