#pragma once
// One bidirectional flow: counters per direction, TCP state and end reason,
// a Zeek-style history string, RTTs and the count of every analysis flag.
#include <cstdint>
#include <memory>
#include <string_view>

#include "flow/flow_key.hpp"
#include "flow/reassembly.hpp"
#include "flow/tcp_analysis.hpp"

namespace netdx {

enum class FlowState : std::uint8_t {
    Active,       // non-TCP traffic
    Attempt,      // SYN seen, nothing back yet
    Rejected,     // RST answering a SYN, no SYN/ACK
    Handshake,    // SYN/ACK seen, final ACK not yet
    Established,  // three-way handshake completed
    MidStream,    // first packet was not a SYN
    Closing,      // FIN from one side
    Closed,       // FIN from both sides
    Reset,        // RST after the connection was up (or mid-stream)
};

enum class EndReason : std::uint8_t {
    Open,       // still live when the capture ended
    Fin,        // closed by FIN from both sides
    Rst,        // reset
    Rejected,   // RST answering a SYN
    NoAnswer,   // SYN never answered before the idle timeout
    TimedOut,   // idle longer than the timeout of its state
    Evicted,    // table full: oldest flow made room for a new one
};

std::string_view state_name(FlowState s);
std::string_view end_reason_name(EndReason r);

struct FlowDir {
    std::uint64_t packets = 0, bytes = 0;  // frames and frame bytes (wire length)
    std::uint64_t payload = 0;             // L4 payload bytes (TCP: tcp.len)
    Timestamp first, last;
};

struct Flow {
    FlowKey key;
    Side orig = Side::A;          // the side that started the flow
    std::uint64_t id = 0;         // creation order, from 0
    FlowDir dir[2];               // 0: originator, 1: responder
    Timestamp first, last;
    FlowState state = FlowState::Active;
    EndReason end = EndReason::Open;
    bool rst_seen = false;
    std::uint8_t fin_seen = 0;    // bit per direction
    char history[24]{};
    std::uint8_t history_len = 0;
    std::uint32_t history_seen[2]{};  // letters already written, per direction
    // Handshake RTT: SYN to SYN/ACK (server side) plus SYN/ACK to ACK (client).
    Timestamp syn_ts, synack_ts;
    double handshake_rtt = -1;
    // Data RTT samples (a segment to the ACK that covers exactly it).
    std::uint32_t rtt_samples = 0;
    double rtt_sum = 0, rtt_min = 0, rtt_max = 0;
    std::uint32_t flag_counts[kTcpFlagCount]{};
    std::unique_ptr<TcpSession> tcp;  // only for TCP flows
    std::unique_ptr<FlowStreams> streams;
    // Intrusive LRU links (indices into the table's pool).
    std::uint32_t lru_prev = 0, lru_next = 0;
    std::uint32_t slot = 0;
    std::uint8_t lru_class = 0;
    bool live = false;

    [[nodiscard]] double duration() const;
    [[nodiscard]] std::uint64_t retransmissions() const;
    [[nodiscard]] std::string_view history_view() const { return {history, history_len}; }
    // d: 0 originator, 1 responder; letter as Zeek writes it for the originator.
    void add_history(int d, char upper_letter);
};

}  // namespace netdx
