#pragma once
// A latency distribution in fixed memory: log-scale bins from 1 µs, a fixed
// number per doubling (HdrHistogram's idea at a coarser grain), plus the exact
// count, sum, min and max. A quantile is the geometric middle of the bin that
// holds its rank, clamped to the exact min and max: with B bins per doubling
// the answer is within a factor 2^(1/(2B)) of a value the data holds at that
// rank (B = 4: 9%). Memory never grows with the number of samples.
#include <array>
#include <cmath>
#include <cstdint>

namespace netdx {

template <int BinsPerOctave, int Octaves>
class LogHistogram {
public:
    static constexpr double kMin = 1e-6;  // seconds; anything faster lands in the first bin
    static constexpr int kBins = BinsPerOctave * Octaves;

    void add(double seconds) {
        if (!(seconds >= 0)) return;  // NaN or negative: not a latency
        ++bins_[bin_of(seconds)];
        if (count_ == 0 || seconds < min_) min_ = seconds;
        if (count_ == 0 || seconds > max_) max_ = seconds;
        ++count_;
        sum_ += seconds;
    }

    void merge(const LogHistogram& o) {
        if (o.count_ == 0) return;
        for (int i = 0; i < kBins; ++i) bins_[i] += o.bins_[i];
        if (count_ == 0 || o.min_ < min_) min_ = o.min_;
        if (count_ == 0 || o.max_ > max_) max_ = o.max_;
        count_ += o.count_;
        sum_ += o.sum_;
    }

    // q in [0, 1]; nearest rank (the smallest value with at least q of the
    // samples at or below it); -1 when empty.
    [[nodiscard]] double quantile(double q) const {
        if (count_ == 0) return -1;
        auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
        if (rank < 1) rank = 1;
        std::uint64_t seen = 0;
        for (int i = 0; i < kBins; ++i) {
            seen += bins_[i];
            if (seen >= rank) {
                // The end bins also hold what is out of range: their exact bound.
                if (i == 0) return min_;
                if (i == kBins - 1) return max_;
                const double mid = kMin * std::exp2((i + 0.5) / BinsPerOctave);
                return mid < min_ ? min_ : (mid > max_ ? max_ : mid);
            }
        }
        return max_;
    }

    [[nodiscard]] std::uint64_t count() const { return count_; }
    [[nodiscard]] double mean() const { return count_ ? sum_ / static_cast<double>(count_) : -1; }
    [[nodiscard]] double min() const { return count_ ? min_ : -1; }
    [[nodiscard]] double max() const { return count_ ? max_ : -1; }

    static int bin_of(double seconds) {
        if (seconds <= kMin) return 0;
        const int i = static_cast<int>(std::floor(std::log2(seconds / kMin) * BinsPerOctave));
        return i < 0 ? 0 : (i >= kBins ? kBins - 1 : i);
    }

private:
    std::array<std::uint32_t, kBins> bins_{};
    std::uint64_t count_ = 0;
    double sum_ = 0, min_ = 0, max_ = 0;
};

// The server table's two grains: 4 bins per doubling for a server's whole
// distribution (512 bytes, within 9%), 2 per doubling for each slice of its
// timeline (256 bytes, within 19%). 32 doublings from 1 µs reach 71 minutes.
using LatencyHistogram = LogHistogram<4, 32>;
using CoarseLatencyHistogram = LogHistogram<2, 32>;

}  // namespace netdx
