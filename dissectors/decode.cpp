#include "dissectors/decode.hpp"

#include <algorithm>

#include "dissectors/registry.hpp"

namespace netdx {

void decode_from(Packet& pkt, Proto next, std::uint32_t offset, bool quoted) {
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
        offset += layer->length;
        if (layer->length == 0 && next != Proto::None && next == layer->proto) break;  // no progress
    }
}

void decode_packet(Packet& pkt) {
    pkt.layers.clear();
    pkt.net = NetSummary{};
    pkt.limit = static_cast<std::uint32_t>(pkt.bytes.size());
    Proto first = Registry::get().for_link_type(pkt.linktype);
    decode_from(pkt, first, 0, false);
}

}  // namespace netdx
