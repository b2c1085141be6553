#include "dissectors/common.hpp"

#include <algorithm>

namespace netdx {

std::uint32_t reported_end(const Packet& pkt, const Layer& l) {
    // A reassembled view (src/output/reassembled_view.hpp) holds more bytes
    // than the frame it completes; its datagram ends with its buffer.
    const std::uint32_t wire = std::max<std::uint32_t>(pkt.wirelen, static_cast<std::uint32_t>(pkt.bytes.size()));
    const Layer* first = pkt.layers.begin();
    for (const Layer* it = &l; it != first;) {
        --it;
        if (it->flags & kLayerFragment) return wire;
        if (it->proto == Proto::Ipv4 && has_at(pkt, *it, 2, 2)) {
            // As tshark: a total length of 0 is TSO (the frame's length
            // stands), and no datagram reaches past the frame's wire length.
            const std::uint16_t total = load_be16(at(pkt, *it, 2));
            if (total == 0) break;
            return std::min<std::uint32_t>(it->offset + total, wire);
        }
        if (it->proto == Proto::Ipv6 && has_at(pkt, *it, 4, 2)) {
            const std::uint16_t plen = load_be16(at(pkt, *it, 4));
            if (plen != 0) return std::min<std::uint32_t>(it->offset + 40 + plen, wire);
            break;
        }
    }
    return wire;
}

}  // namespace netdx
