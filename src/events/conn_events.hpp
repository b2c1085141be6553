#pragma once
// The outcome of one TCP connection attempt (a SYN and what answered it),
// produced by the connection tracker of the analysis pipeline.
#include "events/common.hpp"

namespace netdx {

struct ConnAttempt : EventBase {
    enum class Outcome : std::uint8_t {
        Established,  // SYN-ACK came back
        Refused,      // RST answered the SYN
        Unanswered,   // nothing came back (SYN retransmitted or timed out)
        IcmpError,    // an ICMP unreachable quoted the SYN
    } outcome = Outcome::Unanswered;
    IpAddress client, server;
    std::uint16_t client_port = 0, server_port = 0;
    MacAddress client_mac{}, server_mac{};  // Ethernet addresses seen on the SYN
    bool has_mac = false;
    std::uint32_t syns = 1;      // SYNs sent, including retransmissions
    FrameRef syn_frame;          // first SYN (EventBase::where is the answer or the last SYN)
    double syn_ts = 0;
    double rtt = -1;             // SYN -> SYN-ACK seconds when established
};

// A SYN as it is seen (scans and floods count SYNs, not outcomes).
struct SynSeen : EventBase {
    IpAddress src, dst;
    std::uint16_t src_port = 0, dst_port = 0;
};

}  // namespace netdx
