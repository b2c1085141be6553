#pragma once
// ONC RPC calls as the rules see them: one event per call, with its reply
// when one came (paired by xid per client and server endpoint), published by
// the consumers of src/app/rpc.cpp (TCP streams) and src/app/rpc_udp.cpp
// (datagrams).
#include <cstdint>

#include "events/common.hpp"

namespace netdx {

enum class RpcOutcome : std::uint8_t {
    Accepted,    // MSG_ACCEPTED: accept_stat says how (SUCCESS, PROG_UNAVAIL, ...)
    Denied,      // MSG_DENIED: reject_stat (RPC_MISMATCH, AUTH_ERROR with auth_stat)
    Unanswered,  // the connection ended, the call waited too long, or the capture ended
};

struct RpcCall : EventBase {  // where/ts: the reply (the call when unanswered)
    RpcOutcome outcome = RpcOutcome::Accepted;
    IpAddress client, server;
    std::uint16_t client_port = 0, server_port = 0;
    std::uint64_t flow_id = 0;  // TCP only
    bool tcp = false;
    std::uint32_t xid = 0, prog = 0, vers = 0, proc = 0, cred_flavor = 0;
    std::uint32_t accept_stat = 0, reject_stat = 0, auth_stat = 0;
    std::uint32_t low = 0, high = 0;  // PROG_MISMATCH / RPC_MISMATCH range
    FrameRef call_frame;
    double call_ts = 0;
    double latency = -1;          // seconds from the call to its reply; -1 none
    bool at_capture_end = false;  // Unanswered: still waiting when the capture ended
};

}  // namespace netdx
