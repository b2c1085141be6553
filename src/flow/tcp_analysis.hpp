#pragma once
// TCP sequence analysis with the semantics of tshark 4.0
// (epan/dissectors/packet-tcp.c, tcp_analyze_sequence_number): the same
// conditions, evaluated in the same order, with the same shortcuts, so the
// flags netdx raises on a capture are the flags Wireshark users see. State is a
// fixed-size struct per direction: nothing is kept per frame.
#include <cstdint>

#include "core/packet.hpp"

namespace netdx {

// tcp.analysis.* flags of one segment.
enum TcpFlagBit : std::uint32_t {
    kTcpRetransmission = 1u << 0,
    kTcpFastRetransmission = 1u << 1,
    kTcpSpuriousRetransmission = 1u << 2,
    kTcpOutOfOrder = 1u << 3,
    kTcpLostSegment = 1u << 4,        // previous segment not captured
    kTcpAckLostSegment = 1u << 5,     // ACKed unseen segment
    kTcpDuplicateAck = 1u << 6,
    kTcpZeroWindow = 1u << 7,
    kTcpZeroWindowProbe = 1u << 8,
    kTcpZeroWindowProbeAck = 1u << 9,
    kTcpWindowFull = 1u << 10,
    kTcpKeepAlive = 1u << 11,
    kTcpKeepAliveAck = 1u << 12,
    kTcpWindowUpdate = 1u << 13,
    kTcpReusedPorts = 1u << 14,
};
constexpr int kTcpFlagCount = 15;

struct TcpFlagName {
    TcpFlagBit bit;
    const char* field;  // tshark field name
    const char* info;   // Info column text, as tshark prints it
};
// In tshark's field order; index i is bit 1<<i.
extern const TcpFlagName kTcpFlagNames[kTcpFlagCount];

// tcp.analysis.flags as tshark defines it: any flag except window update
// (a "chat") still counts; used by the summary column and the flows table.
constexpr std::uint32_t kTcpRetransmissionAny = kTcpRetransmission | kTcpFastRetransmission | kTcpSpuriousRetransmission;

// What the analysis says about one segment.
struct TcpSegmentInfo {
    std::uint32_t flags = 0;
    std::uint32_t stream = 0;       // tcp.stream
    std::uint32_t rel_seq = 0;      // tcp.seq
    std::uint32_t rel_ack = 0;      // tcp.ack (valid when has_ack)
    std::uint32_t next_seq = 0;     // tcp.nxtseq (relative; 0 when not set)
    bool has_ack = false;
    std::uint32_t dupack_num = 0;   // tcp.analysis.duplicate_ack_num
    std::uint64_t dupack_frame = 0; // tcp.analysis.duplicate_ack_frame
    std::uint64_t acked_frame = 0;  // tcp.analysis.acks_frame (0: none)
    double ack_rtt = 0;             // tcp.analysis.ack_rtt (seconds)
    std::uint64_t window = 0;       // tcp.window_size (scaled when known)
};

// A segment as the analysis reads it.
struct TcpSegment {
    std::uint64_t frame = 0;
    Timestamp ts;
    std::uint32_t seq = 0, ack = 0;
    std::uint32_t len = 0;      // tcp.len: payload length as the IP header reports it
    std::uint16_t flags = 0;    // TH_* bits
    std::uint16_t window = 0;   // raw window field
    int wscale = -1;            // window scale option on a SYN, -1 when absent
};

constexpr std::uint16_t kThFin = 0x01, kThSyn = 0x02, kThRst = 0x04, kThPush = 0x08, kThAck = 0x10;

// Sequence-space comparisons that survive wrap-around (RFC 1982 style).
inline bool seq_lt(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) < 0; }
inline bool seq_gt(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(b - a) < 0; }
inline bool seq_le(std::uint32_t a, std::uint32_t b) { return !seq_gt(a, b); }

// tshark parks the peer's duplicate-ACK counter at (guint32)-1 once it has
// reported an ACKed unseen segment; being unsigned, that value also passes the
// ">= 2 duplicate ACKs" test of fast retransmission, which tshark 4.0 shows.
constexpr std::uint32_t kDupAckParked = 0xffffffffu;

// One direction of a TCP session (tshark's tcp_flow_t plus its seq info).
struct TcpDirection {
    std::uint32_t base_seq = 0;
    std::uint32_t nextseq = 0;
    std::uint32_t maxseqtobeacked = 0;
    std::uint32_t lastack = 0;
    std::uint64_t nextseqframe = 0;
    std::uint64_t lastnondupack = 0;
    Timestamp nextseqtime, lastacktime;
    std::uint32_t dupacknum = 0;    // kDupAckParked after "ACKed unseen segment"
    std::uint32_t lastsegmentflags = 0;
    std::uint16_t window = 0;       // last raw window
    std::int8_t win_scale = -1;     // -1 unknown, -2 not used, else the shift
    bool base_set = false;
    bool saw_syn = false;
    bool is_first_ack = true;
    // A few unacknowledged segments for ACK RTT samples (tshark keeps them
    // all; a small ring is enough to sample the RTT and keeps memory flat).
    static constexpr int kRing = 8;
    struct Unacked { std::uint32_t nextseq; Timestamp ts; std::uint64_t frame; };
    Unacked ring[kRing]{};
    std::uint8_t ring_count = 0, ring_head = 0;
};

struct TcpSession {
    TcpDirection dir[2];
    Timestamp mru_syn;       // most recent SYN (not SYN/ACK)
    std::uint64_t first_rtt_ns = 0;  // tshark's ts_first_rtt: SYN to the first pure ACK
    bool have_mru_syn = false;
    bool have_first_rtt = false;
    std::uint32_t stream = 0;
};

// True when a SYN on an existing session starts a new conversation on the
// same ports (tshark: a SYN whose seq differs from the base seq seen before).
bool tcp_starts_new_session(const TcpSession& s, int fwd, const TcpSegment& seg);

// Runs the analysis of one segment sent by direction `fwd` (0 or 1) and fills
// `out`. Updates the session state.
void tcp_analyze(TcpSession& s, int fwd, const TcpSegment& seg, TcpSegmentInfo& out);

// Reads the TCP header of a decoded packet into a segment; false for packets
// whose TCP header was not fully captured (tshark skips their analysis too).
bool tcp_segment_from_packet(const Packet& pkt, TcpSegment& seg);

}  // namespace netdx
