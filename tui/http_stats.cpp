#include "tui/http_stats.hpp"

#include <algorithm>

#include "events/http_events.hpp"

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
    if (t.latency >= 0) s.latency.add(t.latency, rng_);
}

void HttpStats::snapshot(std::vector<HttpServerRow>& out) const {
    out.clear();
    for (const auto& [ip, s] : servers_) {
        HttpServerRow r;
        r.server = ip;
        r.requests = s.requests;
        r.answered = s.answered;
        r.client_errors = s.client_errors;
        r.server_errors = s.server_errors;
        const LatencySample::Summary l = s.latency.summary();
        r.p50 = l.p50;
        r.p95 = l.p95;
        r.max = l.max;
        r.estimated = l.estimated;
        out.push_back(r);
    }
    std::sort(out.begin(), out.end(), [](const HttpServerRow& a, const HttpServerRow& b) { return a.requests > b.requests; });
}

}  // namespace netdx::tui
