#pragma once
// The tcp.* fields that come from the flow stage's analysis (relative
// sequence numbers, stream index, tcp.analysis.*). They print nothing when
// the packet was not analysed, so the TCP dissector can list them always.
#include "dissectors/dissector.hpp"
#include "flow/tcp_analysis.hpp"

namespace netdx::tcp_fields {

// Only the outermost TCP layer was analysed (quoted headers never are).
inline const TcpSegmentInfo* analysis(const FieldContext& c) {
    if (!c.pkt.tcp_analysis || !c.layer || c.layer->quoted) return nullptr;
    if (c.pkt.net.l4_layer < 0 || &c.pkt.layers[static_cast<std::size_t>(c.pkt.net.l4_layer)] != c.layer) return nullptr;
    return c.pkt.tcp_analysis;
}

template <std::uint32_t Bit>
void flag(const FieldContext& c, FieldOut& out) {
    if (const TcpSegmentInfo* a = analysis(c); a && (a->flags & Bit)) out.uint(1);
}
// tshark 4.0 adds the tcp.analysis.retransmission item to fast and spurious
// retransmissions too (while the Info column names only the specific kind),
// so `-Y tcp.analysis.retransmission` counts all three.
template <>
inline void flag<kTcpRetransmission>(const FieldContext& c, FieldOut& out) {
    if (const TcpSegmentInfo* a = analysis(c); a && (a->flags & kTcpRetransmissionAny)) out.uint(1);
}

inline void any_flag(const FieldContext& c, FieldOut& out) {
    // tshark's tcp.analysis.flags marks segments with an expert note or
    // warning; window updates are "chats" in 4.0 and count as well.
    if (const TcpSegmentInfo* a = analysis(c); a && a->flags) out.uint(1);
}
inline void seq(const FieldContext& c, FieldOut& out) {
    if (const TcpSegmentInfo* a = analysis(c)) out.uint(a->rel_seq);
}
inline void ack(const FieldContext& c, FieldOut& out) {
    if (const TcpSegmentInfo* a = analysis(c)) out.uint(a->rel_ack);
}
inline void nxtseq(const FieldContext& c, FieldOut& out) {
    if (const TcpSegmentInfo* a = analysis(c)) out.uint(a->next_seq);
}
inline void stream(const FieldContext& c, FieldOut& out) {
    if (const TcpSegmentInfo* a = analysis(c)) out.uint(a->stream);
}
inline void window_size(const FieldContext& c, FieldOut& out) {
    if (const TcpSegmentInfo* a = analysis(c)) out.uint(a->window);
}
inline void dupack_num(const FieldContext& c, FieldOut& out) {
    if (const TcpSegmentInfo* a = analysis(c); a && (a->flags & kTcpDuplicateAck)) out.uint(a->dupack_num);
}
inline void dupack_frame(const FieldContext& c, FieldOut& out) {
    if (const TcpSegmentInfo* a = analysis(c); a && (a->flags & kTcpDuplicateAck)) out.uint(a->dupack_frame);
}
inline void acks_frame(const FieldContext& c, FieldOut& out) {
    if (const TcpSegmentInfo* a = analysis(c); a && a->acked_frame) out.uint(a->acked_frame);
}
inline void ack_rtt(const FieldContext& c, FieldOut& out) {
    if (const TcpSegmentInfo* a = analysis(c); a && a->acked_frame) out.fixed(a->ack_rtt, 9);
}

}  // namespace netdx::tcp_fields
