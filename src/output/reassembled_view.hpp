#pragma once
// How `netdx packets` shows a frame that completes a reassembled PDU (an IP
// datagram from fragments, a DNS message from TCP segments), as tshark does:
// the frame's own layers up to the reassembling header, then the PDU's layers.
// The view's bytes are the frame's bytes up to that header followed by the
// PDU, so every layer keeps one buffer and one offset; the frame itself is not
// touched. Only frames that complete a split PDU pay for the copy.
#include <cstdint>
#include <span>
#include <vector>

#include "core/packet.hpp"

namespace netdx {

class ReassembledView {
public:
    // The frame's last non-quoted IP fragment header, or null.
    static const Layer* fragment_layer(const Packet& frame);

    // `frame` completed an IP datagram whose fragmentable part is `payload`.
    // Returns the view, or `frame` when it holds no fragment header.
    const Packet& ip_datagram(const Packet& frame, Bytes payload);

    // `frame`'s TCP segment completed application PDUs of protocol `app`;
    // `pdus` is their bytes as the stream carried them (DNS: length prefixes
    // included). They replace whatever the frame decoded after its TCP header.
    const Packet& tcp_pdus(const Packet& frame, Proto app, Bytes pdus);
    // The same with the PDUs' sizes known (the stream parser cut them): one
    // `app` layer per PDU, as tshark shows several in one frame.
    const Packet& tcp_pdus(const Packet& frame, Proto app, Bytes pdus, std::span<const std::uint32_t> sizes);
    // `frame` without its application layers: its bytes are shown where the
    // PDU they belong to completes (`pdu_segment`: tshark's "[TCP segment of
    // a reassembled PDU]"), or were not handed to the application at all (a
    // retransmission). `pdu_head`: the HTTP message so far, when tshark
    // shows its start line on this frame.
    const Packet& tcp_only(const Packet& frame, bool pdu_segment, Bytes pdu_head = {});
    // `frame` as a segment of a PDU still incomplete whose bytes so far
    // `app` decodes anyway (tshark's RESP shows the elements complete so far).
    const Packet& tcp_pdu_part(const Packet& frame, Proto app, Bytes so_far);

private:
    const Packet& splice(const Packet& frame, std::size_t keep_layers, std::uint32_t at, Bytes tail, Proto next);

    std::vector<std::uint8_t> buf_;
    Packet view_;
};

}  // namespace netdx
