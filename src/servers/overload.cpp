#include "servers/overload.hpp"

#include <algorithm>

namespace netdx {

namespace {

struct Bands {
    CoarseLatencyHistogram quiet, busy;
    double quiet_conc = 0, busy_conc = 0;
    double busy_first = 0, busy_last = 0;
};

// False when the server has too few slices with requests to be split.
bool split_bands(const ServerStats& s, Bands& out) {
    const Timeline& t = s.timeline;
    std::vector<int> slices;
    for (int i = 0; i < t.used(); ++i)
        if (t.latency(i).count()) slices.push_back(i);
    if (slices.size() < 4) return false;
    std::stable_sort(slices.begin(), slices.end(),
                     [&](int a, int b) { return t.concurrency(a) < t.concurrency(b); });
    const std::size_t quiet_n = slices.size() / 2, busy_from = slices.size() - std::max<std::size_t>(1, slices.size() / 4);
    double quiet_conc = 0, busy_conc = 0;
    int first = t.kSlices, last = -1;
    for (std::size_t k = 0; k < slices.size(); ++k) {
        const int i = slices[k];
        if (k < quiet_n) {
            out.quiet.merge(t.latency(i));
            quiet_conc += t.concurrency(i);
        } else if (k >= busy_from) {
            out.busy.merge(t.latency(i));
            busy_conc += t.concurrency(i);
            first = std::min(first, i);
            last = std::max(last, i);
        }
    }
    out.quiet_conc = quiet_conc / static_cast<double>(quiet_n);
    out.busy_conc = busy_conc / static_cast<double>(slices.size() - busy_from);
    out.busy_first = t.origin() + first * t.width();
    out.busy_last = t.origin() + (last + 1) * t.width();
    return true;
}

bool same_service(const ServerStats& a, const ServerStats& b) {
    return a.service == b.service && a.key.ip_proto == b.key.ip_proto && a.service_from_data && b.service_from_data;
}

}  // namespace

std::vector<OverloadVerdict> find_overloaded(const ServerTable& table, const OverloadParams& p) {
    std::vector<OverloadVerdict> out;
    for (const auto& sp : table.servers()) {
        const ServerStats& s = *sp;
        if (!s.service_from_data || s.latency.count() < p.min_samples) continue;
        Bands b;
        if (!split_bands(s, b)) continue;
        if (b.quiet.count() < p.min_band_samples || b.busy.count() < p.min_band_samples) continue;
        if (b.busy_conc < p.min_busy_conc || b.busy_conc < p.conc_ratio * b.quiet_conc) continue;
        const double quiet_p50 = b.quiet.quantile(0.5), busy_p95 = b.busy.quantile(0.95);
        if (busy_p95 < p.latency_ratio * quiet_p50 || busy_p95 - quiet_p50 < p.min_increase_s) continue;
        OverloadVerdict v{&s, quiet_p50, busy_p95, b.quiet_conc, b.busy_conc, b.quiet.count(), b.busy.count(),
                          b.busy_first, b.busy_last, {}};
        bool peers_fast = true;
        for (const auto& op : table.servers()) {
            const ServerStats& o = *op;
            if (&o == &s || !same_service(o, s) || o.latency.count() < p.min_samples) continue;
            if (o.latency.quantile(0.95) * p.peer_ratio > busy_p95) {
                peers_fast = false;
                break;
            }
            v.peers.push_back(&o);
        }
        if (peers_fast && !v.peers.empty()) out.push_back(std::move(v));
    }
    return out;
}

}  // namespace netdx
