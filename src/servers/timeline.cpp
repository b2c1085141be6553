#include "servers/timeline.hpp"

#include <algorithm>
#include <cmath>

namespace netdx {

void Timeline::widen() {
    for (std::size_t i = 0; i < kSlices / 2; ++i) {
        Slice merged = slices_[2 * i];
        merged.busy += slices_[2 * i + 1].busy;
        merged.requests += slices_[2 * i + 1].requests;
        slices_[i] = merged;
        if (latency_) {
            CoarseLatencyHistogram h = (*latency_)[2 * i];
            h.merge((*latency_)[2 * i + 1]);
            (*latency_)[i] = h;
        }
    }
    for (std::size_t i = kSlices / 2; i < kSlices; ++i) {
        slices_[i] = Slice{};
        if (latency_) (*latency_)[i] = CoarseLatencyHistogram{};
    }
    width_ *= 2;
    used_ = (used_ + 1) / 2;
}

void Timeline::widen_for(double ts) {
    if (!std::isfinite(ts)) return;  // a damaged timestamp must not widen forever
    while ((ts - origin_) / width_ >= kSlices) widen();
}

int Timeline::index_of(double ts) {
    if (!(ts > origin_) || !std::isfinite(ts)) return used_ = std::max(used_, 1), 0;
    widen_for(ts);
    const int i = std::min(kSlices - 1, static_cast<int>((ts - origin_) / width_));
    used_ = std::max(used_, i + 1);
    return i;
}

void Timeline::add_interval(double start, double end) {
    start = std::max(start, origin_);
    if (!(end >= start) || !std::isfinite(end)) return;
    widen_for(end);  // first, so the slices below are final
    for (int i = index_of(start); i < kSlices; ++i) {
        const double lo = std::max(start, origin_ + i * width_);
        const double hi = std::min(end, origin_ + (i + 1) * width_);
        if (hi <= lo) break;
        slices_[static_cast<std::size_t>(i)].busy += hi - lo;
        used_ = std::max(used_, i + 1);
    }
}

void Timeline::add_request(double ts, double latency) {
    const auto i = static_cast<std::size_t>(index_of(ts));
    ++slices_[i].requests;
    if (latency < 0) return;
    if (!latency_) latency_ = std::make_unique<std::array<CoarseLatencyHistogram, kSlices>>();
    (*latency_)[i].add(latency);
}

const CoarseLatencyHistogram& Timeline::latency(int i) const {
    static const CoarseLatencyHistogram kNone;
    return latency_ ? (*latency_)[static_cast<std::size_t>(i)] : kNone;
}

double Timeline::peak_concurrency() const {
    double peak = 0;
    for (int i = 0; i < used_; ++i) peak = std::max(peak, concurrency(i));
    return peak;
}

}  // namespace netdx
