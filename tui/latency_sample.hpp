#pragma once
// A bounded sample of response times for the stats view: the exact maximum
// plus at most kMaxSamples latencies, a uniform reservoir beyond that (so the
// percentiles become estimates). Shared by the DNS and HTTP summaries.
#include <cstdint>
#include <random>
#include <vector>

namespace netdx::tui {

class LatencySample {
public:
    static constexpr std::size_t kMaxSamples = 4096;

    // rng is the owner's, so several samples share one seeded sequence.
    void add(double latency, std::minstd_rand& rng);

    struct Summary {
        double p50 = -1, p95 = -1, max = -1;  // seconds; -1 when nothing was timed
        bool estimated = false;               // percentiles from the reservoir
    };
    [[nodiscard]] Summary summary() const;

private:
    std::uint64_t seen_ = 0;
    double max_ = 0;
    std::vector<double> sample_;
};

// Nearest-rank percentile (q in 0..1) of a sorted sample; -1 when empty.
double nearest_rank(const std::vector<double>& sorted, double q);

}  // namespace netdx::tui
