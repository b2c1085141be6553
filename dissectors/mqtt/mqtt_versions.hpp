#pragma once
// The MQTT protocol level each connection's CONNECT gave (3: 3.1, 4: 3.1.1,
// 5: 5), remembered so that the packet view reads the later packets of the
// connection as tshark does (its conversation's runtime_proto_version). A fixed
// direct-mapped table per thread: memory does not grow with traffic; a
// connection whose slot was taken, or whose CONNECT was not seen, is read
// with mqtt_fields' guesses.
#include <cstdint>

#include "core/packet.hpp"

namespace netdx {

void remember_mqtt_version(const Packet& pkt, std::uint8_t version);
std::uint8_t remembered_mqtt_version(const Packet& pkt);  // 0 when unknown

}  // namespace netdx
