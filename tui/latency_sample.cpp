#include "tui/latency_sample.hpp"

#include <algorithm>
#include <cmath>

namespace netdx::tui {

double nearest_rank(const std::vector<double>& sorted, double q) {
    if (sorted.empty()) return -1;
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
    return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

void LatencySample::add(double latency, std::minstd_rand& rng) {
    max_ = std::max(max_, latency);
    ++seen_;
    if (sample_.size() < kMaxSamples) {
        sample_.push_back(latency);
        return;
    }
    // Reservoir sampling keeps every latency equally likely to stay.
    std::uniform_int_distribution<std::uint64_t> pick(0, seen_ - 1);
    const std::uint64_t j = pick(rng);
    if (j < kMaxSamples) sample_[j] = latency;
}

LatencySample::Summary LatencySample::summary() const {
    Summary s;
    std::vector<double> v = sample_;
    std::sort(v.begin(), v.end());
    s.p50 = nearest_rank(v, 0.5);
    s.p95 = nearest_rank(v, 0.95);
    s.max = seen_ ? max_ : -1;
    s.estimated = seen_ > sample_.size();
    return s;
}

}  // namespace netdx::tui
