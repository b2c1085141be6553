#include "flow/flow.hpp"

#include <cctype>

namespace netdx {

std::string_view state_name(FlowState s) {
    switch (s) {
        case FlowState::Active: return "active";
        case FlowState::Attempt: return "attempt";
        case FlowState::Rejected: return "rejected";
        case FlowState::Handshake: return "handshake";
        case FlowState::Established: return "established";
        case FlowState::MidStream: return "midstream";
        case FlowState::Closing: return "closing";
        case FlowState::Closed: return "closed";
        case FlowState::Reset: return "reset";
    }
    return "?";
}

std::string_view end_reason_name(EndReason r) {
    switch (r) {
        case EndReason::Open: return "open";
        case EndReason::Fin: return "fin";
        case EndReason::Rst: return "rst";
        case EndReason::Rejected: return "rejected";
        case EndReason::NoAnswer: return "no-answer";
        case EndReason::TimedOut: return "timeout";
        case EndReason::Evicted: return "evicted";
    }
    return "?";
}

double Flow::duration() const {
    return static_cast<double>(last.sec - first.sec) + (static_cast<double>(last.nsec) - first.nsec) * 1e-9;
}

std::uint64_t Flow::retransmissions() const {
    // Every kind tshark calls a retransmission.
    return std::uint64_t{flag_counts[0]} + flag_counts[1] + flag_counts[2];
}

// Zeek's convention: originator letters upper case, responder lower case,
// each letter once per direction.
void Flow::add_history(int d, char upper_letter) {
    const int bit = upper_letter - 'A';
    if (bit < 0 || bit >= 26) return;
    if (history_seen[d] & (1u << bit)) return;
    history_seen[d] |= 1u << bit;
    if (history_len + 1u >= sizeof history) return;
    history[history_len++] = d == 0 ? upper_letter : static_cast<char>(std::tolower(upper_letter));
}

}  // namespace netdx
