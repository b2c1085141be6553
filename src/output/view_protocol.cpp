#include "output/view_protocol.hpp"

#include <algorithm>
#include <cstdint>

namespace netdx {

std::optional<ViewProtocol> view_protocol(const Flow& flow) {
    const FlowKey& k = flow.key;
    if ((k.family != 4 && k.family != 6) || k.proto != 6) return std::nullopt;
    const Registry& reg = Registry::get();
    const std::uint16_t lo = std::min(k.port_a, k.port_b), hi = std::max(k.port_a, k.port_b);
    std::uint16_t port = lo;
    Proto p = reg.for_tcp_port(lo);
    if (p == Proto::None) {
        port = hi;
        p = reg.for_tcp_port(hi);
    }
    if (p == Proto::None) return ViewProtocol{};
    const Side server = k.port_a == port ? Side::A : Side::B;
    return ViewProtocol{p, server == flow.orig ? 1 : 0};
}

}  // namespace netdx
