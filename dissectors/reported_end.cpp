#include "dissectors/common.hpp"

namespace netdx {

std::uint32_t reported_end(const Packet& pkt, const Layer& l) {
    const Layer* first = pkt.layers.begin();
    for (const Layer* it = &l; it != first;) {
        --it;
        if (it->proto == Proto::Ipv4 && has_at(pkt, *it, 2, 2))
            return it->offset + load_be16(at(pkt, *it, 2));
        if (it->proto == Proto::Ipv6 && has_at(pkt, *it, 4, 2)) {
            const std::uint16_t plen = load_be16(at(pkt, *it, 4));
            if (plen != 0) return it->offset + 40 + plen;
            break;
        }
    }
    return pkt.wirelen;
}

}  // namespace netdx
