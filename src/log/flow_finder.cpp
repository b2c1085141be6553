#include "log/flow_finder.hpp"

#include "events/flow_events.hpp"

namespace netdx {

std::size_t FlowFinder::KeyHash::operator()(const Key& k) const noexcept {
    std::uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a
    const auto mix = [&](std::uint8_t b) { h = (h ^ b) * 0x100000001b3ull; };
    for (std::uint8_t b : k.lo.bytes) mix(b);
    for (std::uint8_t b : k.hi.bytes) mix(b);
    mix(static_cast<std::uint8_t>(k.lo_port)), mix(static_cast<std::uint8_t>(k.lo_port >> 8));
    mix(static_cast<std::uint8_t>(k.hi_port)), mix(static_cast<std::uint8_t>(k.hi_port >> 8));
    mix(k.ip_proto);
    return static_cast<std::size_t>(h);
}

FlowFinder::Key FlowFinder::key(std::uint8_t ip_proto, const IpAddress& a, std::uint16_t a_port, const IpAddress& b,
                                std::uint16_t b_port) {
    const bool a_low = a < b || (a == b && a_port < b_port);
    Key k;
    k.ip_proto = ip_proto;
    k.lo = a_low ? a : b;
    k.hi = a_low ? b : a;
    k.lo_port = a_low ? a_port : b_port;
    k.hi_port = a_low ? b_port : a_port;
    return k;
}

void FlowFinder::add(const FlowEnded& f) {
    flows_[key(f.ip_proto, f.orig, f.orig_port, f.resp, f.resp_port)].push_back({f.first_ts, f.last_ts, f.flow_id});
}

std::optional<std::uint64_t> FlowFinder::find(std::uint8_t ip_proto, const IpAddress& a, std::uint16_t a_port,
                                              const IpAddress& b, std::uint16_t b_port, double ts) const {
    const auto it = flows_.find(key(ip_proto, a, a_port, b, b_port));
    if (it == flows_.end()) return std::nullopt;
    // The transaction's time is one of the flow's packet times; the slack
    // only absorbs the rounding of two ways of computing the same double.
    constexpr double kSlack = 1e-7;
    for (const Span& s : it->second)
        if (ts >= s.first - kSlack && ts <= s.last + kSlack) return s.flow_id;
    return std::nullopt;
}

}  // namespace netdx
