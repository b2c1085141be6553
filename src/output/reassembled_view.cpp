#include "output/reassembled_view.hpp"

#include "dissectors/decode.hpp"
#include "dissectors/pdu_segment.hpp"
#include "dissectors/registry.hpp"

namespace netdx {

const Layer* ReassembledView::fragment_layer(const Packet& frame) {
    const Layer* found = nullptr;
    for (const Layer& l : frame.layers)
        if (!l.quoted && (l.flags & kLayerFragment)) found = &l;
    return found;
}

const Packet& ReassembledView::splice(const Packet& frame, std::size_t keep_layers, std::uint32_t at, Bytes tail,
                                      Proto next) {
    buf_.assign(frame.bytes.begin(), frame.bytes.begin() + at);
    buf_.insert(buf_.end(), tail.begin(), tail.end());
    view_.number = frame.number;
    view_.ts = frame.ts;
    view_.caplen = frame.caplen;
    view_.wirelen = frame.wirelen;
    view_.linktype = frame.linktype;
    view_.interface_id = frame.interface_id;
    view_.interface_name = frame.interface_name;
    view_.options = frame.options;
    view_.net = frame.net;
    view_.tcp_analysis = frame.tcp_analysis;
    view_.bytes = Bytes{buf_.data(), buf_.size()};
    // The PDU is whole: nothing after it is padding or a later header's business.
    view_.limit = static_cast<std::uint32_t>(buf_.size());
    view_.layers.clear();
    for (std::size_t i = 0; i < keep_layers; ++i) *view_.layers.push(frame.layers[i].proto, 0) = frame.layers[i];
    decode_from(view_, next, at, false);
    return view_;
}

const Packet& ReassembledView::ip_datagram(const Packet& frame, Bytes payload) {
    const Layer* frag = fragment_layer(frame);
    if (frag == nullptr) return frame;
    const std::uint32_t at = frag->offset + frag->length;
    if (at > frame.bytes.size() || frag->length == 0) return frame;
    // The protocol of the fragmentable part: IPv4's protocol field, or the
    // next header named by the IPv6 fragment header.
    const std::uint8_t* h = frame.bytes.data() + frag->offset;
    std::uint8_t ip_proto = 0;
    if (frag->proto == Proto::Ipv4 && frag->length >= 20) ip_proto = h[9];
    else if (frag->proto == Proto::Ipv6Fragment) ip_proto = h[0];
    else return frame;
    Proto next = Registry::get().for_ip_proto(ip_proto);
    if (next == Proto::None) next = Proto::Data;
    const auto keep = static_cast<std::size_t>(frag - frame.layers.begin()) + 1;
    const Packet& v = splice(frame, keep, at, payload, next);
    view_.net.fragment = false;
    return v;
}

const Packet& ReassembledView::tcp_pdus(const Packet& frame, Proto app, Bytes pdus) {
    const int l4 = frame.net.l4_layer;
    if (l4 < 0 || static_cast<std::size_t>(l4) >= frame.layers.size()) return frame;
    const Layer& tcp = frame.layers[static_cast<std::size_t>(l4)];
    if (tcp.proto != Proto::Tcp) return frame;
    const std::uint32_t at = tcp.offset + tcp.length;
    if (at > frame.bytes.size()) return frame;
    return splice(frame, static_cast<std::size_t>(l4) + 1, at, pdus, app);
}

const Packet& ReassembledView::tcp_pdus(const Packet& frame, Proto app, Bytes pdus,
                                        std::span<const std::uint32_t> sizes) {
    const Packet& v = tcp_pdus(frame, Proto::None, pdus);
    if (&v == &frame) return frame;
    std::uint32_t off = static_cast<std::uint32_t>(buf_.size() - pdus.size());
    for (std::uint32_t size : sizes) {
        if (off + size > buf_.size()) break;
        view_.limit = off + size;  // each PDU ends where the parser cut it
        decode_from(view_, app, off, false);
        off += size;
    }
    view_.limit = static_cast<std::uint32_t>(buf_.size());
    return view_;
}

const Packet& ReassembledView::tcp_pdu_part(const Packet& frame, Proto app, Bytes so_far) {
    const Packet& v = tcp_pdus(frame, app, so_far);
    if (&v == &frame) return frame;
    view_.layers[static_cast<std::size_t>(frame.net.l4_layer)].flags |= kLayerPduSegment;
    return view_;
}

const Packet& ReassembledView::tcp_only(const Packet& frame, bool pdu_segment, Bytes pdu_head) {
    const Packet& v = tcp_pdus(frame, Proto::None, pdu_head);
    if (&v == &frame) return frame;
    Layer& tcp = view_.layers[static_cast<std::size_t>(frame.net.l4_layer)];
    if (pdu_segment) tcp.flags |= kLayerPduSegment;
    if (!pdu_head.empty()) {
        // The message so far sits after the TCP header, past the limit: the
        // TCP info column reads its start line, no decoder sees it.
        tcp.flags |= kLayerPduHead;
        view_.limit = static_cast<std::uint32_t>(buf_.size() - pdu_head.size());
        return view_;
    }
    // The frame's own bytes stay (hex dumps, data length); nothing is decoded after TCP.
    buf_.assign(frame.bytes.begin(), frame.bytes.end());
    view_.bytes = Bytes{buf_.data(), buf_.size()};
    view_.limit = frame.limit;
    return view_;
}

}  // namespace netdx
