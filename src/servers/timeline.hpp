#pragma once
// A server's activity over time in fixed memory: kSlices slices of equal
// width from a common origin; when an event falls past the last slice the
// width doubles and neighbouring slices merge (a capture of any length fits
// in the same 64 slices, as rrdtool's consolidation does for one archive).
// Each slice holds the connection-seconds spent inside it (so its mean
// concurrency is busy / width, whatever order the intervals arrive in: flows
// are reported when they end, not when they start), the requests that
// started in it and their latencies.
#include <array>
#include <cstdint>
#include <memory>

#include "servers/latency_histogram.hpp"

namespace netdx {

class Timeline {
public:
    static constexpr int kSlices = 64;

    struct Slice {
        double busy = 0;  // connection-seconds inside the slice
        std::uint32_t requests = 0;
    };

    // The first slice starts at `origin` (seconds); width 1 s until it must grow.
    explicit Timeline(double origin = 0, double width = 1.0) : origin_(origin), width_(width) {}

    // A connection open from `start` to `end` (earlier than the origin counts from it).
    void add_interval(double start, double end);
    // A request that started at `ts`, with its latency (< 0: none).
    void add_request(double ts, double latency);

    [[nodiscard]] double origin() const { return origin_; }
    [[nodiscard]] double width() const { return width_; }
    // Slices up to the last one anything fell in.
    [[nodiscard]] int used() const { return used_; }
    [[nodiscard]] const Slice& slice(int i) const { return slices_[static_cast<std::size_t>(i)]; }
    // The latencies of the requests that started in slice i.
    [[nodiscard]] const CoarseLatencyHistogram& latency(int i) const;
    // Mean concurrent connections in slice i.
    [[nodiscard]] double concurrency(int i) const { return slice(i).busy / width_; }
    // The highest slice mean (0 when nothing was added).
    [[nodiscard]] double peak_concurrency() const;

private:
    void widen_for(double ts);  // until ts falls inside the last slice
    int index_of(double ts);    // widens as needed; clamps below the origin to 0; marks the slice used
    void widen();

    double origin_, width_;
    int used_ = 0;
    std::array<Slice, kSlices> slices_{};
    // Allocated with the first latency: a server seen only in flows (an FTP
    // data port, a TLS server) carries no latency slices (18 kB).
    std::unique_ptr<std::array<CoarseLatencyHistogram, kSlices>> latency_;
};

}  // namespace netdx
