// tcp.low_throughput: a bulk transfer running far below what the path can
// carry. The path's capacity is estimated from packet pairs (two full-size
// segments sent back to back leave the bottleneck spaced by its serialisation
// time, the idea behind pathrate/bprobe), or taken from `capacity_mbps` when
// the user knows the link. The finding names what held the sender back: loss
// or the receiver's window. With an estimated capacity a transfer with neither
// is not reported: captured next to the sender, pairs leave at the NIC's rate,
// and slow start or an application pacing its writes looks the same; with a
// configured capacity it is ("latency or the sending application").
#include <array>
#include <cmath>

#include "events/tcp_events.hpp"
#include "rules/bounded.hpp"
#include "rules/format.hpp"
#include "rules/rules_all.hpp"

namespace netdx {

namespace {

struct DirKey {
    std::uint64_t flow = 0;
    IpAddress src;
    std::uint16_t src_port = 0;
    friend auto operator<=>(const DirKey&, const DirKey&) = default;
};

// Gaps between back-to-back full-size segments, in power-of-two microsecond
// buckets: a fixed-size histogram instead of a list of samples.
struct GapHistogram {
    static constexpr int kBuckets = 26;  // 1 us .. ~33 s
    std::array<std::uint32_t, kBuckets> n{};
    std::uint32_t total = 0;
    void add(double gap_s) {
        const double us = gap_s * 1e6;
        int b = us < 1 ? 0 : static_cast<int>(std::log2(us));
        if (b >= kBuckets) b = kBuckets - 1;
        ++n[static_cast<std::size_t>(b)];
        ++total;
    }
    // Upper edge of the bucket holding the q-quantile, in seconds: the
    // conservative (slower) side, so capacity is never overestimated by 2x.
    [[nodiscard]] double quantile(double q) const {
        const double want = q * total;
        double seen = 0;
        for (int b = 0; b < kBuckets; ++b) {
            seen += n[static_cast<std::size_t>(b)];
            if (seen >= want && seen > 0) return std::ldexp(1.0, b + 1) / 1e6;
        }
        return std::ldexp(1.0, kBuckets) / 1e6;
    }
};

struct Direction {
    IpAddress dst;  // family 0 until the first segment (the name is built only for a finding)
    std::uint16_t dst_port = 0;
    std::uint64_t bytes = 0, segments = 0, lost = 0, window_full = 0;
    std::uint32_t max_seg = 0;
    std::uint32_t next_seq = 0;
    double first = 0, last = 0, last_full_ts = -1;
    GapHistogram gaps;
    std::uint64_t zero_windows = 0;  // advertised by this side (it is the receiver of the reverse data)
    Evidence ev;
};

class LowThroughputRule final : public Rule {
public:
    explicit LowThroughputRule(const RuleConfig& c)
        : min_bytes_(c.number("tcp.low_throughput", "min_bytes")),
          max_ratio_(c.number("tcp.low_throughput", "max_ratio")),
          capacity_mbps_(c.number("tcp.low_throughput", "capacity_mbps")),
          min_pairs_(c.number("tcp.low_throughput", "min_pairs")),
          full_size_(c.number("tcp.low_throughput", "full_size")) {}

    void subscribe(EventBus& bus) override {
        bus.subscribe<&LowThroughputRule::on_tcp>(this);
    }
    void on_tcp(const TcpSegmentEvent& e) {
        Direction* d = dirs_.get({e.flow_id, e.src, e.src_port});
        if (!d) return;
        if (!d->dst.family) {
            d->dst = e.dst;
            d->dst_port = e.dst_port;
        }
        if (e.flags & kTcpEvZeroWindow) ++d->zero_windows;
        if (!e.payload || (e.flags & (kTcpEvKeepAlive | kTcpEvZeroWindowProbe))) return;
        ++d->segments;
        if (e.flags & kTcpEvWindowFull) ++d->window_full;
        if (e.flags & (kTcpEvRetransmission | kTcpEvLostSegment)) ++d->lost;
        if (e.flags & kTcpEvRetransmission) return;  // bytes already counted
        if (!d->first) d->first = e.ts;
        d->last = e.ts;
        d->bytes += e.payload;
        if (d->ev.total < 2) d->ev.add(e.where);
        if (e.flags & kTcpEvOutOfOrder) {
            // New bytes filling a hole, but not a clean packet pair.
            d->last_full_ts = -1;
            return;
        }
        d->max_seg = std::max(d->max_seg, e.payload);
        const bool full = static_cast<double>(e.payload) >= full_size_;
        // A pair: this full-size segment directly follows the previous one in sequence.
        if (full && d->last_full_ts >= 0 && e.seq == d->next_seq) d->gaps.add(e.ts - d->last_full_ts);
        d->last_full_ts = full ? e.ts : -1;
        d->next_seq = e.seq + e.payload;
    }

    void finish(FinishContext& ctx) override {
        for (auto& [k, d] : dirs_) {
            const double dur = d.last - d.first;
            if (static_cast<double>(d.bytes) < min_bytes_ || dur <= 0) continue;
            double capacity = capacity_mbps_ * 1e6;
            if (capacity <= 0) {
                if (static_cast<double>(d.gaps.total) < min_pairs_) continue;
                capacity = static_cast<double>(d.max_seg) * 8 / d.gaps.quantile(0.1);
            }
            const double rate = static_cast<double>(d.bytes) * 8 / dur;
            if (rate >= max_ratio_ * capacity) continue;
            const Direction* back = dirs_.find({k.flow, d.dst, d.dst_port});
            const double loss = d.segments ? static_cast<double>(d.lost) / static_cast<double>(d.segments) : 0;
            const std::uint64_t zero = back ? back->zero_windows : 0;
            std::string cause;
            if (loss >= 0.01)
                cause = fmt::format("loss: {:.1f}% of its segments were lost or retransmitted, and TCP slows down "
                                    "after every loss",
                                    loss * 100);
            else if (zero || d.window_full)
                cause = fmt::format("the receiver's window ({} zero-window advertisements, {} window-full stalls)",
                                    zero, d.window_full);
            else if (capacity_mbps_ > 0)
                cause = "neither loss nor the receiver's window: latency or the sending application";
            else
                continue;
            const std::string name = tcp_flow_str(k.src, k.src_port, d.dst, d.dst_port);
            Finding f;
            f.key = name;
            f.title = fmt::format("{} transferred at {} while the path carries about {} ({:.1f}%)", name,
                                  rate_str(rate), rate_str(capacity), 100 * rate / capacity);
            f.detail = fmt::format("{} bytes in {:.2f} s. Limited by {}.", d.bytes, dur, cause);
            f.hosts = {ip_str(k.src), ip_str(d.dst)};
            f.flows = {name};
            f.first_ts = d.first;
            f.last_ts = d.last;
            f.figures = {{"throughput", rate / 1e6, "Mbit/s"},
                         {"capacity", capacity / 1e6, "Mbit/s"},
                         {"bytes", static_cast<double>(d.bytes), "B"},
                         {"loss_rate", loss * 100, "%"}};
            f.evidence = d.ev;
            ctx.sink.raise("tcp.low_throughput", std::move(f));
        }
    }
    [[nodiscard]] std::uint64_t dropped() const override { return dirs_.dropped(); }

private:
    static std::string rate_str(double bps) {
        if (bps >= 1e9) return fmt::format("{:.1f} Gbit/s", bps / 1e9);
        if (bps >= 1e6) return fmt::format("{:.1f} Mbit/s", bps / 1e6);
        return fmt::format("{:.0f} kbit/s", bps / 1e3);
    }
    double min_bytes_, max_ratio_, capacity_mbps_, min_pairs_, full_size_;
    BoundedMap<DirKey, Direction, 16384> dirs_{"tcp.low_throughput: transfer directions", "low-throughput findings for further transfers"};
};

}  // namespace

void add_throughput_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c) {
    out.push_back(std::make_unique<LowThroughputRule>(c));
}

}  // namespace netdx
