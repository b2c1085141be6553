#include "tui/dns_stats.hpp"

#include <algorithm>

namespace netdx::tui {

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
    if (t.latency >= 0) s.latency.add(t.latency, rng_);
}

void DnsStats::snapshot(std::vector<DnsServerRow>& out) const {
    out.clear();
    for (const auto& [ip, s] : servers_) {
        DnsServerRow r;
        r.server = ip;
        r.queries = s.queries;
        r.answered = s.answered;
        r.unanswered = s.unanswered;
        r.errors = s.errors;
        const LatencySample::Summary l = s.latency.summary();
        r.p50 = l.p50;
        r.p95 = l.p95;
        r.max = l.max;
        r.estimated = l.estimated;
        out.push_back(r);
    }
    std::stable_sort(out.begin(), out.end(), [](const DnsServerRow& a, const DnsServerRow& b) { return a.queries > b.queries; });
}

}  // namespace netdx::tui
