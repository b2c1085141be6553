#pragma once
// The packet view's memory of RPC calls, so a reply shows the program,
// version and procedure of its call and "(Call In N)" as tshark does
// (tshark keeps every call of a conversation; this keeps the last 4,096,
// enough for the calls a reply can still be waiting on in a capture read in
// order).
#include <cstdint>

#include "core/packet.hpp"

namespace netdx {

struct RpcCallMemo {
    std::uint32_t prog = 0, vers = 0, proc = 0;
    std::uint64_t frame = 0;
};

void remember_rpc_call(const Packet& pkt, std::uint32_t xid, const RpcCallMemo& call);
// The call with `xid` on the reply's connection, or null.
const RpcCallMemo* remembered_rpc_call(const Packet& pkt, std::uint32_t xid);

}  // namespace netdx
