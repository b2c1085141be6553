// TCP header (RFC 9293) and options. Sequence analysis and reassembly belong to
// the flow layer; this file only reads the header of one segment.
#include "dissectors/common.hpp"
#include "dissectors/pdu_segment.hpp"
#include "dissectors/tcp_options.hpp"
#include "flow/tcp_fields.hpp"

namespace netdx {

namespace {

Proto decode(Cursor& c, Packet& pkt, Layer& layer) {
    const std::uint16_t sport = c.be16();
    const std::uint16_t dport = c.be16();
    const std::uint32_t seq = c.be32();
    const std::uint32_t ack = c.be32();
    const std::uint16_t off_flags = c.be16();
    const std::uint16_t window = c.be16();
    c.skip(4);
    const bool outer = !layer.quoted && !pkt.net.has_ports;
    if (outer && c.size() >= 4) {
        pkt.net.has_ports = true;
        pkt.net.src_port = sport;
        pkt.net.dst_port = dport;
    }
    if (!c.ok()) {
        layer.length = static_cast<std::uint32_t>(c.size());
        layer.mark_truncated("TCP header cut before 20 bytes");
        return Proto::None;
    }
    const std::size_t hlen = (off_flags >> 12) * 4u;
    if (hlen < 20) {
        layer.length = 20;
        layer.mark_malformed("TCP header length below 20 bytes");
        return Proto::None;
    }
    if (!c.has(hlen - 20)) {
        layer.length = static_cast<std::uint32_t>(c.size());
        layer.mark_truncated("TCP options cut short");
        return Proto::None;
    }
    layer.length = static_cast<std::uint32_t>(hlen);
    if (parse_tcp_options(Bytes{c.here(), hlen - 20}).malformed) layer.mark_malformed("bad TCP option length");
    c.skip(hlen - 20);
    if (outer) {
        pkt.net.tcp_flags = off_flags & 0x0fff;
        pkt.net.tcp_seq = seq;
        pkt.net.tcp_ack = ack;
        pkt.net.tcp_window = window;
        pkt.net.l4_layer = static_cast<std::int8_t>(&layer - pkt.layers.begin());
        pkt.net.payload_offset = layer.offset + layer.length;
        pkt.net.payload_length = static_cast<std::uint32_t>(c.remaining());
    }
    return c.remaining() > 0 ? Proto::Data : Proto::None;
}

Bytes options_of(const Packet& pkt, const Layer& l) {
    if (!has_at(pkt, l, 0, 20)) return {};
    const std::size_t hlen = (at(pkt, l, 12)[0] >> 4) * 4u;
    if (hlen <= 20 || !has_at(pkt, l, 0, hlen)) return {};
    return Bytes{at(pkt, l, 20), hlen - 20};
}

std::uint32_t payload_len(const Packet& pkt, const Layer& l) {
    if (!has_at(pkt, l, 0, 13)) return 0;
    const std::uint32_t hlen = (at(pkt, l, 12)[0] >> 4) * 4u;
    const std::uint32_t end = reported_end(pkt, l);
    return end > l.offset + hlen ? end - (l.offset + hlen) : 0;
}

void append_flags(fmt::memory_buffer& out, std::uint16_t flags) {
    static const char* const kNames[] = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "NS"};
    bool any = false;
    for (int bit = 0; bit < 9; ++bit) {
        if (!(flags & (1u << bit))) continue;
        if (any) append_text(out, ", ");
        append_text(out, kNames[bit]);
        any = true;
    }
    if (!any) append_text(out, "<None>");
}

void tcp_info(const Packet& pkt, const Layer& l, fmt::memory_buffer& out) {
    if (!has_at(pkt, l, 0, 20)) {
        if (has_at(pkt, l, 0, 4)) info(out, "{} → {} [TCP segment truncated]", load_be16(at(pkt, l, 0)), load_be16(at(pkt, l, 2)));
        return;
    }
    const std::uint8_t* p = at(pkt, l, 0);
    const std::uint16_t flags = load_be16(p + 12) & 0x01ff;
    if ((l.flags & kLayerPduHead) && !l.quoted) {
        const std::uint32_t hlen = (p[12] >> 4) * 4u;
        const Bytes msg = pkt.bytes.subspan(std::min<std::size_t>(l.offset + hlen, pkt.bytes.size()));
        if (http_start_line_info({reinterpret_cast<const char*>(msg.data()), msg.size()}, out))
            return append_text(out, " [TCP segment of a reassembled PDU]");
    }
    // With the flow stage's analysis: its flags first and relative numbers, as tshark.
    const TcpSegmentInfo* a = tcp_fields::analysis(FieldContext{pkt, &l, CaptureClock{}});
    // Written piece by piece rather than through fmt: this line is most of the
    // summary output's cost on typical captures.
    if (a) {
        for (const TcpFlagName& f : kTcpFlagNames) {
            if (!(a->flags & f.bit)) continue;
            if (f.bit == kTcpDuplicateAck) info(out, "[TCP Dup ACK {}#{}] ", a->dupack_frame, a->dupack_num);
            else info(out, "[{}] ", f.info);
        }
    }
    append_uint(out, load_be16(p));
    append_text(out, " → ");
    append_uint(out, load_be16(p + 2));
    append_text(out, " [");
    append_flags(out, flags);
    append_text(out, "] Seq=");
    append_uint(out, a ? a->rel_seq : load_be32(p + 4));
    if (flags & 0x10) {
        append_text(out, " Ack=");
        append_uint(out, a ? a->rel_ack : load_be32(p + 8));
    }
    append_text(out, " Win=");
    append_uint(out, load_be16(p + 14));
    append_text(out, " Len=");
    append_uint(out, payload_len(pkt, l));
    walk_tcp_options(options_of(pkt, l), [&](std::uint8_t kind, Bytes body) {
        Cursor c(body);
        switch (kind) {
            case 2:
                if (body.size() == 2) {
                    append_text(out, " MSS=");
                    append_uint(out, c.be16());
                }
                break;
            case 3:
                if (body.size() == 1) {
                    append_text(out, " WS=");
                    append_uint(out, 1u << std::min<unsigned>(c.u8(), 14));
                }
                break;
            case 4: append_text(out, " SACK_PERM"); break;
            case 5:
                while (c.remaining() >= 8) {
                    append_text(out, " SLE=");
                    append_uint(out, c.be32());
                    append_text(out, " SRE=");
                    append_uint(out, c.be32());
                }
                break;
            case 8:
                if (body.size() == 8) {
                    append_text(out, " TSval=");
                    append_uint(out, c.be32());
                    append_text(out, " TSecr=");
                    append_uint(out, c.be32());
                }
                break;
            default: break;
        }
    });
    if ((l.flags & kLayerPduSegment) && !l.quoted) append_text(out, " [TCP segment of a reassembled PDU]");
}

template <typename Get>
void option_field(const FieldContext& c, FieldOut& out, Get get) {
    const Bytes opts = options_of(c.pkt, *c.layer);
    if (!opts.empty()) get(parse_tcp_options(opts), out);
}

void tcp_port(const FieldContext& c, FieldOut& out) {
    field_uint<0, 2>(c, out);
    field_uint<2, 2>(c, out);
}

const FieldDef kFields[] = {
    {"tcp.srcport", "Source port", field_uint<0, 2>},
    {"tcp.dstport", "Destination port", field_uint<2, 2>},
    {"tcp.port", "Port", tcp_port},
    {"tcp.stream", "Stream index", tcp_fields::stream},
    {"tcp.seq", "Sequence number (relative)", tcp_fields::seq},
    {"tcp.seq_raw", "Sequence number (raw)", field_uint<4, 4>},
    {"tcp.nxtseq", "Next sequence number (relative)", tcp_fields::nxtseq},
    {"tcp.ack", "Acknowledgment number (relative)", tcp_fields::ack},
    {"tcp.ack_raw", "Acknowledgment number (raw)", field_uint<8, 4>},
    {"tcp.hdr_len", "Header length", field_uint<12, 1, 0xf0, 2>},
    {"tcp.flags", "Flags", field_hex<12, 2, 4, 0x0fff>},
    {"tcp.flags.res", "Reserved", field_uint<12, 1, 0x0e, 1>},
    {"tcp.flags.ns", "Nonce", field_uint<12, 1, 0x01>},
    {"tcp.flags.cwr", "Congestion window reduced", field_uint<13, 1, 0x80, 7>},
    {"tcp.flags.ecn", "ECN-Echo", field_uint<13, 1, 0x40, 6>},
    {"tcp.flags.urg", "Urgent", field_uint<13, 1, 0x20, 5>},
    {"tcp.flags.ack", "Acknowledgment", field_uint<13, 1, 0x10, 4>},
    {"tcp.flags.push", "Push", field_uint<13, 1, 0x08, 3>},
    {"tcp.flags.reset", "Reset", field_uint<13, 1, 0x04, 2>},
    {"tcp.flags.syn", "Syn", field_uint<13, 1, 0x02, 1>},
    {"tcp.flags.fin", "Fin", field_uint<13, 1, 0x01>},
    {"tcp.window_size_value", "Window", field_uint<14, 2>},
    {"tcp.window_size", "Calculated window size", tcp_fields::window_size},
    {"tcp.checksum", "Checksum", field_hex<16, 2, 4>},
    {"tcp.urgent_pointer", "Urgent pointer", field_uint<18, 2>},
    {"tcp.len", "TCP segment length", [](const FieldContext& c, FieldOut& o) {
         if (has_at(c.pkt, *c.layer, 0, 13)) o.uint(payload_len(c.pkt, *c.layer));
     }},
    {"tcp.options.mss_val", "MSS value", [](const FieldContext& c, FieldOut& o) {
         option_field(c, o, [](const TcpOptions& t, FieldOut& f) { if (t.has_mss) f.uint(t.mss); });
     }},
    {"tcp.options.wscale.shift", "Window scale shift count", [](const FieldContext& c, FieldOut& o) {
         option_field(c, o, [](const TcpOptions& t, FieldOut& f) { if (t.has_wscale) f.uint(t.wscale); });
     }},
    {"tcp.options.wscale.multiplier", "Window scale multiplier", [](const FieldContext& c, FieldOut& o) {
         option_field(c, o, [](const TcpOptions& t, FieldOut& f) {
             if (t.has_wscale) f.uint(1u << std::min<unsigned>(t.wscale, 14));
         });
     }},
    {"tcp.options.timestamp.tsval", "Timestamp value", [](const FieldContext& c, FieldOut& o) {
         option_field(c, o, [](const TcpOptions& t, FieldOut& f) { if (t.has_timestamps) f.uint(t.tsval); });
     }},
    {"tcp.options.timestamp.tsecr", "Timestamp echo reply", [](const FieldContext& c, FieldOut& o) {
         option_field(c, o, [](const TcpOptions& t, FieldOut& f) { if (t.has_timestamps) f.uint(t.tsecr); });
     }},
    {"tcp.options.sack.count", "Number of SACK blocks", [](const FieldContext& c, FieldOut& o) {
         option_field(c, o, [](const TcpOptions& t, FieldOut& f) { if (t.sack_count) f.uint(t.sack_count); });
     }},
    // From the flow stage's sequence analysis (src/flow/tcp_analysis.cpp).
    {"tcp.analysis.flags", "TCP analysis flags", tcp_fields::any_flag},
    {"tcp.analysis.retransmission", "Retransmission", tcp_fields::flag<kTcpRetransmission>},
    {"tcp.analysis.fast_retransmission", "Fast retransmission", tcp_fields::flag<kTcpFastRetransmission>},
    {"tcp.analysis.spurious_retransmission", "Spurious retransmission", tcp_fields::flag<kTcpSpuriousRetransmission>},
    {"tcp.analysis.out_of_order", "Out-of-order segment", tcp_fields::flag<kTcpOutOfOrder>},
    {"tcp.analysis.lost_segment", "Previous segment not captured", tcp_fields::flag<kTcpLostSegment>},
    {"tcp.analysis.ack_lost_segment", "ACKed segment that wasn't captured", tcp_fields::flag<kTcpAckLostSegment>},
    {"tcp.analysis.duplicate_ack", "Duplicate ACK", tcp_fields::flag<kTcpDuplicateAck>},
    {"tcp.analysis.duplicate_ack_num", "Duplicate ACK number", tcp_fields::dupack_num},
    {"tcp.analysis.duplicate_ack_frame", "Duplicate to the ACK in frame", tcp_fields::dupack_frame},
    {"tcp.analysis.zero_window", "Zero window", tcp_fields::flag<kTcpZeroWindow>},
    {"tcp.analysis.zero_window_probe", "Zero window probe", tcp_fields::flag<kTcpZeroWindowProbe>},
    {"tcp.analysis.zero_window_probe_ack", "Zero window probe ACK", tcp_fields::flag<kTcpZeroWindowProbeAck>},
    {"tcp.analysis.window_full", "Window full", tcp_fields::flag<kTcpWindowFull>},
    {"tcp.analysis.keep_alive", "Keep-alive", tcp_fields::flag<kTcpKeepAlive>},
    {"tcp.analysis.keep_alive_ack", "Keep-alive ACK", tcp_fields::flag<kTcpKeepAliveAck>},
    {"tcp.analysis.window_update", "Window update", tcp_fields::flag<kTcpWindowUpdate>},
    {"tcp.analysis.reused_ports", "Reused ports", tcp_fields::flag<kTcpReusedPorts>},
    {"tcp.analysis.acks_frame", "This is an ACK to the segment in frame", tcp_fields::acks_frame},
    {"tcp.analysis.ack_rtt", "The RTT to ACK the segment was", tcp_fields::ack_rtt},
};
const Binding kBindings[] = {{Binding::IpProto, 6}};

}  // namespace

const DissectorDef tcp_dissector = {Proto::Tcp, "tcp", "TCP", decode, tcp_info, kFields, kBindings};

}  // namespace netdx
