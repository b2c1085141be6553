#pragma once
// The content type of the last content header on each channel of each AMQP
// connection, remembered so that the packet view names a body's type as
// tshark does ("Content-Body  (text/plain)", from its per-channel
// conversation data). A fixed direct-mapped table per thread: memory does not
// grow with traffic; a channel whose slot was taken is shown without a type.
// Types over kMaxType bytes are not remembered.
#include <cstdint>
#include <string_view>

#include "core/packet.hpp"

namespace netdx {

inline constexpr std::size_t kAmqpMaxType = 62;

// A content header on `channel` in this frame; `type` empty when it has none.
void remember_amqp_content_type(const Packet& pkt, std::uint16_t channel, std::string_view type, bool has_type);
// The type as it was before this frame (headers earlier in the same frame are
// the caller's to apply). False when none is known.
bool remembered_amqp_content_type(const Packet& pkt, std::uint16_t channel, std::string_view& type);

}  // namespace netdx
