#include "dissectors/decode.hpp"

#include <algorithm>

#include "dissectors/http/http_head.hpp"
#include "dissectors/dns_parse.hpp"
#include "dissectors/registry.hpp"
#include "dissectors/tls_framing.hpp"

namespace netdx {

namespace {

// TCP payload goes to the protocol bound to its port (the lower port first, as
// for UDP) only when the segment starts a whole PDU of it: a PDU split across
// segments needs stream reassembly, and tshark shows no layer for its pieces
// either ("TCP segment of a reassembled PDU"). DNS (2-byte length prefix) and
// TLS (5-byte record header) have framing to check; the text protocols take
// any segment (HTTP shows a body segment as "Continuation").
Proto tcp_payload_proto(const Packet& pkt, const Layer& tcp, std::uint32_t offset) {
    if (tcp.quoted || tcp.length < 4) return Proto::Data;
    const std::size_t end = std::min<std::size_t>(pkt.limit, pkt.bytes.size());
    if (offset >= end) return Proto::Data;
    const std::uint8_t* h = pkt.bytes.data() + tcp.offset;
    const std::uint16_t sport = load_be16(h), dport = load_be16(h + 2);
    const Registry& reg = Registry::get();
    Proto app = reg.for_tcp_port(std::min(sport, dport));
    if (app == Proto::None) app = reg.for_tcp_port(std::max(sport, dport));
    const Bytes payload{pkt.bytes.data() + offset, end - offset};
    // Ports bound to nothing: HTTP is found by its first line, as tshark's
    // enabled-by-default heuristic finds it (a segment at a time here).
    if (app == Proto::None)
        return http_starts_message({reinterpret_cast<const char*>(payload.data()), payload.size()}) ? Proto::Http
                                                                                                     : Proto::Data;
    if (app == Proto::Dns) return dns::tcp_whole_message(payload) ? Proto::Dns : Proto::None;
    if (app == Proto::Tls) return tls_starts_whole_record(payload) ? Proto::Tls : Proto::None;
    return app;
}

}  // namespace

void decode_from(Packet& pkt, Proto next, std::uint32_t offset, bool quoted, DecodeDepth depth) {
    const Registry& reg = Registry::get();
    while (next != Proto::None) {
        const DissectorDef* d = reg.def(next);
        if (d == nullptr) break;
        // tshark shows no "data" layer for an empty payload.
        if (next == Proto::Data && offset >= std::min<std::size_t>(pkt.limit, pkt.bytes.size())) break;
        Layer* layer = pkt.layers.push(next, offset);
        if (layer == nullptr) break;  // layer stack full: stop, the layers so far stand
        layer->quoted = quoted;
        const std::size_t end = std::min<std::size_t>(pkt.limit, pkt.bytes.size());
        Cursor c(pkt.bytes.data() + std::min<std::size_t>(offset, end), end - std::min<std::size_t>(offset, end));
        next = d->decode(c, pkt, *layer);
        if (layer->flags & kLayerStartsQuote) quoted = true;
        // A failed layer that consumed nothing may still hand its bytes over as data
        // (raw IP of an unknown version), but nothing else.
        if (layer->status != LayerStatus::Ok && next != Proto::None && next != Proto::Data && layer->length == 0)
            break;
        // A decoder may move its layer past a framing header (DNS over TCP's length prefix).
        offset = layer->offset + layer->length;
        if (depth == DecodeDepth::Transport && !quoted && (layer->proto == Proto::Tcp || layer->proto == Proto::Udp))
            break;
        if (layer->proto == Proto::Tcp && next == Proto::Data) next = tcp_payload_proto(pkt, *layer, offset);
        if (layer->length == 0 && next != Proto::None && next == layer->proto) break;  // no progress
    }
}

void decode_packet(Packet& pkt, DecodeDepth depth) {
    pkt.layers.clear();
    pkt.net = NetSummary{};
    pkt.limit = static_cast<std::uint32_t>(pkt.bytes.size());
    Proto first = Registry::get().for_link_type(pkt.linktype);
    decode_from(pkt, first, 0, false, depth);
}

}  // namespace netdx
