#include "analysis/summary.hpp"

#include <algorithm>

namespace netdx {

namespace {
void count_host(CaptureSummary& s, const IpAddress& a, std::uint32_t len) {
    auto it = s.hosts.find(a);
    if (it == s.hosts.end()) {
        if (s.hosts.size() >= CaptureSummary::kMaxHosts) {
            ++s.hosts_overflow_packets;
            return;
        }
        it = s.hosts.emplace(a, HostStat{}).first;
    }
    ++it->second.packets;
    it->second.bytes += len;
}
}  // namespace

void CaptureSummary::add(const Packet& pkt) {
    const double ts = pkt.ts.seconds();
    if (!packets || ts < first) first = ts;
    if (ts > last) last = ts;
    ++packets;
    bytes += pkt.wirelen;
    bool bad = false;
    // Count each protocol once per packet, outer layers only.
    std::array<bool, kProtoCount> seen{};
    for (const Layer& l : pkt.layers) {
        if (l.quoted) break;
        const auto i = static_cast<std::size_t>(l.proto);
        if (i < kProtoCount && !seen[i]) {
            seen[i] = true;
            ++proto_packets[i];
        }
        bad = bad || l.status != LayerStatus::Ok;
    }
    if (bad) ++malformed;
    if (pkt.net.src.family) {
        count_host(*this, pkt.net.src, pkt.wirelen);
        count_host(*this, pkt.net.dst, pkt.wirelen);
    }
}

std::vector<std::pair<IpAddress, HostStat>> CaptureSummary::top_talkers(std::size_t n) const {
    std::vector<std::pair<IpAddress, HostStat>> v(hosts.begin(), hosts.end());
    const std::size_t k = std::min(n, v.size());
    std::partial_sort(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end(),
                      [](auto& a, auto& b) {
                          return a.second.bytes != b.second.bytes ? a.second.bytes > b.second.bytes : a.first < b.first;
                      });
    v.resize(k);
    return v;
}

std::vector<std::pair<Proto, std::uint64_t>> CaptureSummary::protocols() const {
    std::vector<std::pair<Proto, std::uint64_t>> v;
    for (std::size_t i = 1; i < kProtoCount; ++i)
        if (proto_packets[i]) v.emplace_back(static_cast<Proto>(i), proto_packets[i]);
    std::stable_sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.second > b.second; });
    return v;
}

}  // namespace netdx
