#pragma once
// The latency percentiles the slow-server rules quote (DNS, caches, RPC).
#include <algorithm>
#include <cstddef>
#include <vector>

namespace netdx {

// Nearest-rank on a copy, so a rule's samples keep their arrival order.
inline double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

}  // namespace netdx
