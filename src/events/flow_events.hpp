#pragma once
// One event per flow when the flow table ends it (FIN, RST, idle timeout,
// eviction, end of capture): who talked to whom, how long, how much each way.
// Zeek's conn.log record as an event, for readers that want flow totals
// without seeing every packet (the per-server view). The pipeline builds it
// only when somebody subscribed.
#include <cstdint>

#include "events/common.hpp"

namespace netdx {

enum class FlowEndKind : std::uint8_t {
    Open,      // still live when the capture ended
    Fin,       // closed by FIN from both sides
    Rst,       // reset after it was up
    Rejected,  // RST answering the SYN
    NoAnswer,  // SYN never answered
    TimedOut,  // idle longer than its timeout
    Evicted,   // the flow table was full
};

struct FlowEnded : EventBase {  // ts: the flow's last packet
    IpAddress orig, resp;       // originator (sent the first packet or the SYN) and responder
    std::uint16_t orig_port = 0, resp_port = 0;
    std::uint8_t ip_proto = 0;  // 6 TCP, 17 UDP, ...
    std::uint64_t flow_id = 0;
    double first_ts = 0, last_ts = 0;
    std::uint64_t orig_bytes = 0, resp_bytes = 0;      // frame bytes (wire length) each way
    std::uint64_t orig_packets = 0, resp_packets = 0;
    std::uint64_t orig_payload = 0, resp_payload = 0;  // L4 payload bytes each way (TCP: tcp.len, retransmissions included)
    // Zeek's history letters (S syn, H syn-ack, A ack, D data, F fin, R rst,
    // T retransmission, W zero window; originator upper case, responder lower
    // case), each once per direction: what the connection log's state is read from.
    char history[24]{};
    std::uint8_t history_len = 0;
    bool syn_seen = false;      // the capture saw the connection start (TCP)
    bool established = false;   // TCP: the handshake completed (or the flow was picked up mid-stream with data both ways)
    FlowEndKind end = FlowEndKind::Open;
};

}  // namespace netdx
