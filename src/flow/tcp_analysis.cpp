// The order of the checks below is the order of tcp_analyze_sequence_number()
// in tshark 4.0; several checks end the analysis early ("goto finished_fwd"
// there), which decides which flag wins when more than one condition holds.
#include "flow/tcp_analysis.hpp"

#include "dissectors/common.hpp"
#include "dissectors/tcp_options.hpp"

namespace netdx {

const TcpFlagName kTcpFlagNames[kTcpFlagCount] = {
    {kTcpRetransmission, "tcp.analysis.retransmission", "TCP Retransmission"},
    {kTcpFastRetransmission, "tcp.analysis.fast_retransmission", "TCP Fast Retransmission"},
    {kTcpSpuriousRetransmission, "tcp.analysis.spurious_retransmission", "TCP Spurious Retransmission"},
    {kTcpOutOfOrder, "tcp.analysis.out_of_order", "TCP Out-Of-Order"},
    {kTcpLostSegment, "tcp.analysis.lost_segment", "TCP Previous segment not captured"},
    {kTcpAckLostSegment, "tcp.analysis.ack_lost_segment", "TCP ACKed unseen segment"},
    {kTcpDuplicateAck, "tcp.analysis.duplicate_ack", "TCP Dup ACK"},
    {kTcpZeroWindow, "tcp.analysis.zero_window", "TCP ZeroWindow"},
    {kTcpZeroWindowProbe, "tcp.analysis.zero_window_probe", "TCP ZeroWindowProbe"},
    {kTcpZeroWindowProbeAck, "tcp.analysis.zero_window_probe_ack", "TCP ZeroWindowProbeAck"},
    {kTcpWindowFull, "tcp.analysis.window_full", "TCP Window Full"},
    {kTcpKeepAlive, "tcp.analysis.keep_alive", "TCP Keep-Alive"},
    {kTcpKeepAliveAck, "tcp.analysis.keep_alive_ack", "TCP Keep-Alive ACK"},
    {kTcpWindowUpdate, "tcp.analysis.window_update", "TCP Window Update"},
    {kTcpReusedPorts, "tcp.analysis.reused_ports", "TCP Port numbers reused"},
};

namespace {

// Nanoseconds from b to a as tshark computes them: unsigned, so a timestamp
// that goes backwards yields a huge value (and no fast retransmission/OOO).
std::uint64_t delta_ns(const Timestamp& a, const Timestamp& b) {
    std::uint64_t t = static_cast<std::uint64_t>(a.sec - b.sec) * 1000000000ull;
    return t + a.nsec - b.nsec;
}

double delta_s(const Timestamp& a, const Timestamp& b) {
    return static_cast<double>(a.sec - b.sec) + (static_cast<double>(a.nsec) - b.nsec) * 1e-9;
}

// tshark's verify_tcp_window_scaling, run after the options of a SYN.
void verify_window_scaling(bool is_synack, TcpDirection& fwd, TcpDirection& rev) {
    if (fwd.win_scale == -1) {
        fwd.win_scale = -2;
        rev.win_scale = -2;
    } else if (is_synack && rev.win_scale == -2) {
        fwd.win_scale = -2;
    }
}

// A full ring keeps its oldest segments: the next ACKs cover those, so a bulk
// transfer still yields a sample every few ACKs (keeping the newest instead,
// ACKs never caught up with the ring while more than kRing were in flight).
void remember_unacked(TcpDirection& d, std::uint32_t nextseq, const TcpSegment& seg) {
    if (d.ring_count >= TcpDirection::kRing) return;
    const int slot = (d.ring_head + d.ring_count) % TcpDirection::kRing;
    d.ring[slot] = {nextseq, seg.ts, seg.frame};
    ++d.ring_count;
}

// Drops what `ack` acknowledges from the other side's ring; an exact match
// gives the ACK RTT sample.
void process_ack(TcpDirection& rev, const TcpSegment& seg, TcpSegmentInfo& out) {
    int kept = 0;
    TcpDirection::Unacked keep[TcpDirection::kRing];
    for (int i = 0; i < rev.ring_count; ++i) {
        const auto& u = rev.ring[(rev.ring_head + i) % TcpDirection::kRing];
        if (seg.ack == u.nextseq) {
            if (!out.acked_frame) {
                out.acked_frame = u.frame;
                out.ack_rtt = delta_s(seg.ts, u.ts);
            }
        } else if (seq_gt(u.nextseq, seg.ack)) {
            keep[kept++] = u;
        }
    }
    for (int i = 0; i < kept; ++i) rev.ring[i] = keep[i];
    rev.ring_head = 0;
    rev.ring_count = static_cast<std::uint8_t>(kept);
}

}  // namespace

bool tcp_starts_new_session(const TcpSession& s, int fwd, const TcpSegment& seg) {
    const TcpDirection& d = s.dir[fwd];
    return (seg.flags & (kThSyn | kThAck)) == kThSyn && d.base_set && seg.seq != d.base_seq;
}

void tcp_analyze(TcpSession& s, int fwd_i, const TcpSegment& seg, TcpSegmentInfo& out) {
    TcpDirection& fwd = s.dir[fwd_i];
    TcpDirection& rev = s.dir[1 - fwd_i];
    const std::uint32_t seq = seg.seq, ack = seg.ack, seglen = seg.len;
    const std::uint16_t flags = seg.flags, window = seg.window;
    const bool syn_fin_rst = (flags & (kThSyn | kThFin | kThRst)) != 0;
    std::uint32_t ta = out.flags;  // may already hold "reused ports"
    out.stream = s.stream;

    // A SYN/ACK with another ISN than the one seen: tshark 4.0 flags the
    // reused ports and renumbers from it, keeping the rest of the state.
    if ((flags & (kThSyn | kThAck)) == (kThSyn | kThAck) && fwd.base_set && seq != fwd.base_seq) {
        ta |= kTcpReusedPorts;
        fwd.base_seq = seq;
    }
    // A SYN repeating the ISN seen before: tshark 4.0 puts the highest seq
    // back to the highest contiguous one, since a RST may have carried a seq
    // far ahead (RFC 793 3.4 lets a RST take the ACK it answers as its seq).
    if ((flags & (kThSyn | kThAck)) == kThSyn && fwd.base_set && seq == fwd.base_seq)
        fwd.nextseq = fwd.maxseqtobeacked;
    // Base sequence numbers: a SYN gives the ISN; otherwise start at 1.
    if (!fwd.base_set) {
        if (flags & kThSyn) {
            fwd.base_seq = seq;
            fwd.saw_syn = true;
        } else {
            fwd.base_seq = seq - 1;
        }
        fwd.base_set = true;
    }
    if (!rev.base_set && (flags & kThAck)) {
        rev.base_seq = ack - 1;
        rev.base_set = true;
    }

    std::uint32_t nextseq;

    // Zero window probe: one byte at the next expected seq into a zero window.
    if (seglen == 1 && seq == fwd.nextseq && rev.window == 0) {
        ta |= kTcpZeroWindowProbe;
        goto finished_fwd;
    }
    // Zero window: window 0 on a segment that is not SYN/FIN/RST.
    if (window == 0 && !syn_fin_rst) ta |= kTcpZeroWindow;

    // Lost segment: this one starts beyond the highest seq seen so far.
    if (fwd.nextseq && seq_gt(seq, fwd.nextseq) && (flags & kThRst) == 0) ta |= kTcpLostSegment;

    // Keep-alive: 0 or 1 byte starting one before the next expected seq.
    if ((seglen == 0 || seglen == 1) && seq == fwd.nextseq - 1 && !syn_fin_rst) ta |= kTcpKeepAlive;

    // Window update: no data, same seq/ack as before, a new non-zero window.
    if (seglen == 0 && window && window != fwd.window && seq == fwd.nextseq && ack == fwd.lastack && !syn_fin_rst)
        ta |= kTcpWindowUpdate;

    // Window full: the data reaches the right edge of the peer's window.
    if (seglen > 0 && rev.win_scale != -1 && !syn_fin_rst) {
        const int shift = rev.is_first_ack ? 0 : (rev.win_scale == -2 ? 0 : rev.win_scale);
        const std::uint32_t edge = rev.lastack + (static_cast<std::uint32_t>(rev.window) << shift);
        if (seq + seglen == edge) ta |= kTcpWindowFull;
    }

    // Keep-alive ACK: repeats the previous ACK after a keep-alive from the peer.
    if (seglen == 0 && window && window == fwd.window && seq == fwd.nextseq && ack == fwd.lastack &&
        (rev.lastsegmentflags & kTcpKeepAlive) && !syn_fin_rst) {
        ta |= kTcpKeepAliveAck;
        goto finished_fwd;
    }

    // Zero window probe ACK: the zero window repeated after a probe.
    if (seglen == 0 && window == 0 && window == fwd.window && seq == fwd.nextseq && ack == fwd.lastack &&
        (rev.lastsegmentflags & kTcpZeroWindowProbe) && !syn_fin_rst) {
        ta |= kTcpZeroWindowProbeAck;
        goto finished_fwd;
    }

    // Duplicate ACK: no data, same window, seq and ack as the previous segment.
    // A counter parked at -1 by "ACKed unseen segment" restarts at 1.
    if (seglen == 0 && window && window == fwd.window && seq == fwd.nextseq && ack == fwd.lastack && !syn_fin_rst) {
        fwd.dupacknum = fwd.dupacknum == kDupAckParked ? 1 : fwd.dupacknum + 1;
        ta |= kTcpDuplicateAck;
        out.dupack_num = fwd.dupacknum;
        out.dupack_frame = fwd.lastnondupack;
    }

finished_fwd:
    // Only a new ACK number ends a run of duplicate ACKs (segments with data
    // or another window in between do not).
    if (ack != fwd.lastack) {
        fwd.lastnondupack = seg.frame;
        fwd.dupacknum = 0;
    }

    // ACKed unseen segment: acknowledges beyond what the peer was seen
    // sending, reported once per hole. When the peer has sent past its
    // contiguous bound (a gap), the bound jumps to its highest seq. When it
    // has not (it only sends pure ACKs), the bound cannot move: the peer's
    // duplicate-ACK counter is parked instead and only a counter at 0 flags.
    // (This is what tshark 4.0 marks on the corpus; both later and earlier
    // Wireshark versions differ here.)
    if (rev.maxseqtobeacked && seq_gt(ack, rev.maxseqtobeacked) && (flags & kThAck)) {
        if (seq_lt(rev.maxseqtobeacked, rev.nextseq)) {
            rev.maxseqtobeacked = rev.nextseq;
            ta |= kTcpAckLostSegment;
        } else {
            if (rev.dupacknum == 0) ta |= kTcpAckLostSegment;
            rev.dupacknum = kDupAckParked;
        }
    }

    // Retransmission, fast retransmission, spurious retransmission, out-of-order:
    // a segment carrying data (or SYN/FIN) that does not advance the sequence.
    if (seglen > 0 || (flags & (kThSyn | kThFin))) {
        bool seq_not_advanced = fwd.nextseq && seq_lt(seq, fwd.nextseq);
        if (ta & kTcpKeepAlive) goto finished_checking_retransmission_type;
        // More than one byte starting one before nextseq is new data after a
        // zero window probe, not a retransmission.
        if (seglen > 1 && fwd.nextseq - 1 == seq) seq_not_advanced = false;

        // Spurious retransmission: all of its data was already acknowledged.
        if (seglen > 0 && rev.lastack && seq_le(seq + seglen, rev.lastack)) {
            ta |= kTcpSpuriousRetransmission;
            goto finished_checking_retransmission_type;
        }

        // Fast retransmission: >= 2 duplicate ACKs from the peer for this seq,
        // sent within 20 ms of the last of them.
        if (seq_not_advanced && rev.dupacknum >= 2 && rev.lastack == seq &&
            delta_ns(seg.ts, rev.lastacktime) < 20000000ull) {
            ta |= kTcpFastRetransmission;
            goto finished_checking_retransmission_type;
        }

        // Out-of-order: arrives soon (within the handshake RTT, else 3 ms)
        // after the segment with the highest seq, and is not a repeat of it.
        {
            const std::uint64_t t = delta_ns(seg.ts, fwd.nextseqtime);
            const std::uint64_t ooo_thres = s.have_first_rtt ? s.first_rtt_ns : 3000000ull;
            const std::uint32_t end = seq + seglen + ((flags & (kThSyn | kThFin)) ? 1 : 0);
            if (seq_not_advanced && t < ooo_thres && fwd.nextseq != end) {
                ta |= kTcpOutOfOrder;
                goto finished_checking_retransmission_type;
            }
        }

        if (seq_not_advanced) ta |= kTcpRetransmission;
    }

finished_checking_retransmission_type:
    nextseq = seq + seglen;
    if (seglen || (flags & (kThSyn | kThFin))) {
        if (flags & (kThSyn | kThFin)) nextseq += 1;
        remember_unacked(fwd, nextseq, seg);
    }
    // The highest seq seen so far (zero window probes do not move it).
    if (seq_gt(nextseq, fwd.nextseq) || !fwd.nextseq) {
        if (!(ta & kTcpZeroWindowProbe)) {
            fwd.nextseq = nextseq;
            fwd.nextseqframe = seg.frame;
            fwd.nextseqtime = seg.ts;
        }
    }
    // The highest contiguous seq, for "ACKed unseen segment".
    if (seq == fwd.maxseqtobeacked || !fwd.maxseqtobeacked) {
        if (!(ta & kTcpZeroWindowProbe)) fwd.maxseqtobeacked = fwd.nextseq;
    }
    fwd.window = window;
    fwd.lastack = ack;
    fwd.lastacktime = seg.ts;
    fwd.lastsegmentflags = ta;

    process_ack(rev, seg, out);

    // What dissect_tcp does after the sequence analysis: the handshake RTT
    // (SYN to the first pure ACK), the first-ACK marker used by "window
    // full", and the window scale of a SYN, which applies from the next
    // segment on.
    if (flags & kThSyn) {
        if (!(flags & kThAck)) {
            s.mru_syn = seg.ts;
            s.have_mru_syn = true;
        }
        fwd.is_first_ack = true;
    }
    if ((flags & (kThSyn | kThAck)) == kThAck) {
        if (s.have_mru_syn && !s.have_first_rtt) {
            s.first_rtt_ns = delta_ns(seg.ts, s.mru_syn);
            s.have_first_rtt = s.first_rtt_ns != 0;
        }
        fwd.is_first_ack = false;
    }
    if (flags & kThSyn) {
        if (seg.wscale >= 0) fwd.win_scale = static_cast<std::int8_t>(seg.wscale > 14 ? 14 : seg.wscale);
        verify_window_scaling((flags & kThAck) != 0, fwd, rev);
    }

    out.flags = ta;
    out.rel_seq = seq - fwd.base_seq;
    out.has_ack = (flags & kThAck) != 0;
    out.rel_ack = out.has_ack ? ack - rev.base_seq : 0;
    out.next_seq = nextseq - fwd.base_seq;
    const int shift = (flags & kThSyn) ? 0 : (fwd.win_scale >= 0 ? fwd.win_scale : 0);
    out.window = static_cast<std::uint64_t>(window) << shift;
}

bool tcp_segment_from_packet(const Packet& pkt, TcpSegment& seg) {
    const NetSummary& n = pkt.net;
    if (n.ip_proto != 6 || !n.has_ports || n.fragment || n.l4_layer < 0) return false;
    const Layer& l = pkt.layers[static_cast<std::size_t>(n.l4_layer)];
    if (l.proto != Proto::Tcp || l.length < 20) return false;
    seg.frame = pkt.number;
    seg.ts = pkt.ts;
    seg.seq = n.tcp_seq;
    seg.ack = n.tcp_ack;
    seg.flags = n.tcp_flags;
    seg.window = n.tcp_window;
    // tcp.len: up to the end the IP header reports (not what was captured).
    const std::uint32_t end = reported_end(pkt, l);
    const std::uint32_t hdr_end = l.offset + l.length;
    seg.len = end > hdr_end ? end - hdr_end : 0;
    seg.wscale = -1;
    if ((seg.flags & kThSyn) && l.length > 20 && hdr_end <= pkt.bytes.size()) {
        const TcpOptions o = parse_tcp_options(Bytes{pkt.bytes.data() + l.offset + 20, l.length - 20u});
        if (o.has_wscale) seg.wscale = o.wscale;
    }
    return true;
}

}  // namespace netdx
