#pragma once
// One TCP segment with the analysis conclusions the performance rules need
// (retransmission, duplicate ACK, zero window, ...), produced by the analysis
// pipeline from the flow table's TCP analysis.
#include "events/common.hpp"

namespace netdx {

enum TcpEventFlag : std::uint32_t {
    kTcpEvRetransmission = 1u << 0,  // includes fast and spurious retransmissions
    kTcpEvDuplicateAck = 1u << 1,
    kTcpEvZeroWindow = 1u << 2,
    kTcpEvWindowFull = 1u << 3,
    kTcpEvOutOfOrder = 1u << 4,
    kTcpEvLostSegment = 1u << 5,
    kTcpEvZeroWindowProbe = 1u << 6,
    kTcpEvKeepAlive = 1u << 7,
};

struct TcpSegmentEvent : EventBase {
    IpAddress src, dst;
    std::uint16_t src_port = 0, dst_port = 0;
    std::uint64_t flow_id = 0;
    std::uint32_t payload = 0;  // TCP payload length (tcp.len)
    std::uint32_t flags = 0;    // TcpEventFlag bits
    std::uint8_t tcp_flags = 0; // SYN/ACK/... bits of the header
    std::uint32_t ack = 0;      // acknowledgement number (duplicate-ACK runs)
    std::uint32_t seq = 0;      // sequence number (the same segment retransmitted again and again)
    double rtt = -1;            // ACK RTT sample when this segment acknowledged data
    std::uint64_t acked_frame = 0;  // the data segment that sample is timed from (0: none)
};

}  // namespace netdx
