#include "flow/flow_engine.hpp"

#include "dissectors/decode.hpp"

namespace netdx {

FlowEngine::FlowEngine(FlowEngineConfig cfg) : cfg_(cfg), table_(cfg.table), defrag_(cfg.defrag) {
    budget_.per_direction = cfg.reassembly_per_direction;
    budget_.total = cfg.reassembly_total;
}

const PacketFlowInfo& FlowEngine::process(const Packet& pkt) {
    info_ = PacketFlowInfo{};
    // Idle flows are expired once per second of capture time: cheap, and a
    // timeout is never off by more than a second.
    if (pkt.ts.sec != last_expire_sec_) {
        last_expire_sec_ = pkt.ts.sec;
        table_.expire(pkt.ts);
        defrag_.expire(pkt.ts);
    }
    if (pkt.net.fragment) {
        // Like tshark, the datagram counts once, on the frame that completes it.
        if (!cfg_.reassemble_ip || !defrag_.add(pkt, datagram_)) return info_;
        info_.datagram_payload = Bytes{datagram_.data(), datagram_.size()}.subspan(defrag_.payload_offset());
        inner_.number = pkt.number;
        inner_.ts = pkt.ts;
        inner_.caplen = inner_.wirelen = static_cast<std::uint32_t>(datagram_.size());
        inner_.linktype = 101;  // raw IP
        inner_.bytes = Bytes{datagram_.data(), datagram_.size()};
        decode_packet(inner_);
        if (inner_.net.fragment) return info_;  // nested fragmentation: give up
        account(inner_, pkt.wirelen);
        return info_;
    }
    account(pkt, pkt.wirelen);
    return info_;
}

void FlowEngine::account(const Packet& pkt, std::uint32_t wirelen) {
    FlowKey key;
    Side side;
    if (!make_flow_key(pkt, cfg_.table.key_vlan, key, side)) return;
    bool created = false;
    Flow* f = &table_.get(key, pkt.ts, created);
    const bool is_tcp = pkt.net.ip_proto == 6 && pkt.net.has_ports && key.family != 0;
    TcpSegment seg;
    const bool have_seg = is_tcp && tcp_segment_from_packet(pkt, seg);
    if (created) {
        f->orig = side;
        // A flow first seen at its SYN/ACK was started by the other side.
        if (have_seg && (seg.flags & (kThSyn | kThAck)) == (kThSyn | kThAck))
            f->orig = side == Side::A ? Side::B : Side::A;
    }
    int d = side == f->orig ? 0 : 1;
    if (have_seg && cfg_.analyze_tcp && f->tcp && tcp_starts_new_session(*f->tcp, d, seg)) {
        // A new SYN on the same ports: the old conversation is over.
        table_.end(*f, f->end);
        f = &table_.get(key, pkt.ts, created);
        f->orig = side;
        d = 0;
        info_.seg.flags = kTcpReusedPorts;
    }
    FlowDir& fd = f->dir[d];
    if (fd.packets == 0) fd.first = pkt.ts;
    ++fd.packets;
    fd.bytes += wirelen;
    fd.last = pkt.ts;
    info_.flow = f;
    info_.dir = d;
    if (have_seg) {
        fd.payload += seg.len;
        if (!f->tcp) {
            f->tcp = std::make_unique<TcpSession>();
            f->tcp->stream = static_cast<std::uint32_t>(tcp_streams_++);
            f->state = (seg.flags & kThSyn) ? FlowState::Attempt : FlowState::MidStream;
            if (factory_) {
                if (auto consumer = factory_(*f)) f->streams = std::make_unique<FlowStreams>(std::move(consumer), &budget_);
            }
        }
        update_state(*f, d, seg, pkt.ts);
        if (cfg_.analyze_tcp) {
            tcp_analyze(*f->tcp, d, seg, info_.seg);
            info_.tcp = true;
            for (int i = 0; i < kTcpFlagCount; ++i)
                if (info_.seg.flags & (1u << i)) ++f->flag_counts[i];
            if (info_.seg.flags & kTcpRetransmissionAny) f->add_history(d, 'T');
            if (info_.seg.flags & kTcpZeroWindow) f->add_history(d, 'W');
            if (info_.seg.acked_frame) {
                const double rtt = info_.seg.ack_rtt;
                if (f->rtt_samples == 0 || rtt < f->rtt_min) f->rtt_min = rtt;
                if (f->rtt_samples == 0 || rtt > f->rtt_max) f->rtt_max = rtt;
                f->rtt_sum += rtt;
                ++f->rtt_samples;
            }
        }
        if (f->streams) {
            FlowStreams& st = *f->streams;
            if (seg.flags & kThSyn) st.dir(d).start(seg.seq + 1);
            const std::size_t off = pkt.net.payload_offset;
            const std::size_t avail = off < pkt.bytes.size() ? std::min<std::size_t>(pkt.bytes.size() - off, seg.len) : 0;
            if (avail) st.dir(d).segment(seg.seq, pkt.bytes.subspan(off, avail), st.consumer(), d);
            if (seg.flags & kThFin) st.dir(d).fin(seg.seq + seg.len);
            if (avail < seg.len) {
                // Bytes on the wire that the capture cut (snaplen): a gap now,
                // not a wait for data that is not in the file.
                st.dir(d).ack(seg.seq + seg.len, st.consumer(), d);
            }
            if (seg.flags & kThAck) st.dir(1 - d).ack(seg.ack, st.consumer(), 1 - d);
        }
    } else if (pkt.net.has_ports) {
        fd.payload += pkt.net.payload_length;
    }
    table_.touch(*f, pkt.ts);
    const bool done = f->state == FlowState::Closed || f->state == FlowState::Reset || f->state == FlowState::Rejected;
    if (done && f->streams) f->streams->close(f->end);
}

void FlowEngine::update_state(Flow& f, int d, const TcpSegment& seg, const Timestamp& ts) {
    const std::uint16_t fl = seg.flags;
    if (fl & kThSyn) {
        if (fl & kThAck) {
            f.add_history(d, 'H');
            if (f.state == FlowState::Attempt) f.state = FlowState::Handshake;
            if (f.synack_ts.sec == 0 && f.synack_ts.nsec == 0) f.synack_ts = ts;
        } else {
            f.add_history(d, 'S');
            if (f.syn_ts.sec == 0 && f.syn_ts.nsec == 0) f.syn_ts = ts;
        }
    }
    if (fl & kThRst) {
        f.add_history(d, 'R');
        if (f.state == FlowState::Attempt) {
            f.state = FlowState::Rejected;
            f.end = EndReason::Rejected;
        } else if (f.state != FlowState::Closed && f.state != FlowState::Rejected) {
            f.state = FlowState::Reset;
            f.end = EndReason::Rst;
        }
        return;
    }
    if ((fl & (kThSyn | kThAck)) == kThAck && f.state == FlowState::Handshake && d == 0) {
        f.state = FlowState::Established;
        f.handshake_rtt = seconds_between(ts, f.syn_ts);
    }
    if ((fl & (kThSyn | kThAck | kThFin)) == kThAck && seg.len == 0) f.add_history(d, 'A');
    if (seg.len > 0) f.add_history(d, 'D');
    if (fl & kThFin) {
        f.add_history(d, 'F');
        f.fin_seen |= static_cast<std::uint8_t>(1u << d);
        if (f.fin_seen == 3) {
            if (f.state != FlowState::Reset) {
                f.state = FlowState::Closed;
                f.end = EndReason::Fin;
            }
        } else if (f.state == FlowState::Established || f.state == FlowState::MidStream ||
                   f.state == FlowState::Handshake) {
            f.state = FlowState::Closing;
        }
    }
}

void FlowEngine::finish() { table_.end_all(); }

}  // namespace netdx
