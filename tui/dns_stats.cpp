#include "tui/dns_stats.hpp"

#include <algorithm>
#include <cmath>

namespace netdx::tui {

double nearest_rank(const std::vector<double>& sorted, double q) {
    if (sorted.empty()) return -1;
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
    return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

void DnsStats::on_dns(const DnsTransaction& t) {
    // Multicast name services have no resolver to time; unsolicited answers have no query.
    if (t.mdns || t.llmnr || !t.has_query) return;
    auto it = servers_.find(t.server);
    if (it == servers_.end()) {
        if (servers_.size() >= kMaxServers) {
            ++dropped_;
            return;
        }
        it = servers_.emplace(t.server, Server{}).first;
    }
    Server& s = it->second;
    ++s.queries;
    if (!t.has_response) {
        ++s.unanswered;
        return;
    }
    ++s.answered;
    if (t.rcode != 0 && t.rcode != 3) ++s.errors;  // NXDOMAIN is an answer, SERVFAIL/REFUSED are not
    if (t.latency < 0) return;
    s.max = std::max(s.max, t.latency);
    ++s.latencies_seen;
    if (s.sample.size() < kMaxSamples) {
        s.sample.push_back(t.latency);
    } else {
        // Reservoir sampling keeps every latency equally likely to stay.
        std::uniform_int_distribution<std::uint64_t> pick(0, s.latencies_seen - 1);
        const std::uint64_t j = pick(rng_);
        if (j < kMaxSamples) s.sample[j] = t.latency;
    }
}

void DnsStats::snapshot(std::vector<DnsServerRow>& out) const {
    out.clear();
    std::vector<double> v;
    for (const auto& [ip, s] : servers_) {
        DnsServerRow r;
        r.server = ip;
        r.queries = s.queries;
        r.answered = s.answered;
        r.unanswered = s.unanswered;
        r.errors = s.errors;
        v = s.sample;
        std::sort(v.begin(), v.end());
        r.p50 = nearest_rank(v, 0.5);
        r.p95 = nearest_rank(v, 0.95);
        r.max = s.latencies_seen ? s.max : -1;
        r.estimated = s.latencies_seen > s.sample.size();
        out.push_back(r);
    }
    std::stable_sort(out.begin(), out.end(), [](const DnsServerRow& a, const DnsServerRow& b) { return a.queries > b.queries; });
}

}  // namespace netdx::tui
