#pragma once
// Which servers slow down under load while their peers do not: the test
// behind the server.overloaded rule, kept beside the table it reads so
// `netdx servers` and the rule judge alike.
//
// For one server, the timeline's slices that saw requests are ranked by
// their mean concurrency (open connections). The lower half is the quiet
// band, the top quarter the busy band; each band's latency histogram is the
// merge of its slices'. The server is overloaded when
//   - the busy band carries clearly more connections (>= min_busy_conc on
//     average and >= conc_ratio x the quiet band's),
//   - its p95 latency is >= latency_ratio x the quiet band's p50, and at
//     least min_increase_s above it (a 0.2 ms answer tripled is still fast),
//   - each band holds >= min_band_samples latencies, and
//   - every other server of the same service and transport with enough
//     samples (at least one is needed) has a p95 below the busy p95 divided
//     by peer_ratio: the service as a whole is fine, this server is not.
#include <vector>

#include "servers/server_table.hpp"

namespace netdx {

struct OverloadParams {
    std::uint64_t min_samples = 100;       // latencies a server needs to be judged (and to be a peer)
    std::uint64_t min_band_samples = 20;   // latencies in each band
    double latency_ratio = 3;              // busy p95 / quiet p50
    double min_increase_s = 0.05;          // busy p95 - quiet p50
    double min_busy_conc = 2;              // mean open connections in the busy band
    double conc_ratio = 2;                 // busy / quiet mean concurrency
    double peer_ratio = 2;                 // peers' p95 at most busy p95 / this
};

struct OverloadVerdict {
    const ServerStats* server = nullptr;
    double quiet_p50 = 0, busy_p95 = 0;    // seconds
    double quiet_conc = 0, busy_conc = 0;  // mean open connections
    std::uint64_t quiet_samples = 0, busy_samples = 0;
    double busy_first = 0, busy_last = 0;  // the busy band's time span
    std::vector<const ServerStats*> peers; // the fast ones
};

std::vector<OverloadVerdict> find_overloaded(const ServerTable& table, const OverloadParams& p);

}  // namespace netdx
