#include "tui/http_stats.hpp"

#include <algorithm>

#include "events/http_events.hpp"
#include "tui/dns_stats.hpp"

namespace netdx::tui {

void HttpStats::on_http(const HttpTransaction& t) {
    // Orphan responses and reading problems have no request to time.
    if (t.end != HttpEnd::Answered && t.end != HttpEnd::Unanswered) return;
    auto it = servers_.find(t.server);
    if (it == servers_.end()) {
        if (servers_.size() >= kMaxServers) return;
        it = servers_.emplace(t.server, Server{}).first;
    }
    Server& s = it->second;
    ++s.requests;
    if (!t.has_response) return;
    ++s.answered;
    if (t.status / 100 == 4) ++s.client_errors;
    if (t.status / 100 == 5) ++s.server_errors;
    if (t.latency < 0) return;
    s.max = std::max(s.max, t.latency);
    ++s.latencies_seen;
    if (s.sample.size() < kMaxSamples) {
        s.sample.push_back(t.latency);
    } else {
        std::uniform_int_distribution<std::uint64_t> pick(0, s.latencies_seen - 1);
        const std::uint64_t j = pick(rng_);
        if (j < kMaxSamples) s.sample[j] = t.latency;
    }
}

void HttpStats::snapshot(std::vector<HttpServerRow>& out) const {
    out.clear();
    std::vector<double> v;
    for (const auto& [ip, s] : servers_) {
        HttpServerRow r;
        r.server = ip;
        r.requests = s.requests;
        r.answered = s.answered;
        r.client_errors = s.client_errors;
        r.server_errors = s.server_errors;
        v = s.sample;
        std::sort(v.begin(), v.end());
        r.p50 = nearest_rank(v, 0.5);
        r.p95 = nearest_rank(v, 0.95);
        r.max = s.latencies_seen ? s.max : -1;
        r.estimated = s.latencies_seen > s.sample.size();
        out.push_back(r);
    }
    std::sort(out.begin(), out.end(), [](const HttpServerRow& a, const HttpServerRow& b) { return a.requests > b.requests; });
}

}  // namespace netdx::tui
