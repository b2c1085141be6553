// Rising RTT: the RTT of a connection's data grows markedly while it runs,
// the mark of a queue filling in front of a slow link (bufferbloat). The
// handshake RTT (tcp.high_rtt) cannot show this: it is measured before the
// transfer fills the queue. Samples are the ACK RTTs of pure ACKs (time from
// a data segment to the ACK that covers it, as seen at the capture point);
// ACKs riding on data would add the peer's think time to the figure.
#include <algorithm>
#include <array>

#include "events/tcp_events.hpp"
#include "rules/bounded.hpp"
#include "rules/format.hpp"
#include "rules/rules_all.hpp"

namespace netdx {

namespace {

constexpr std::size_t kMaxWindow = 64;

// One direction of one flow: the first `window` samples and a ring of the last ones.
struct RttTrack {
    std::array<float, kMaxWindow> early{}, late{};
    std::uint32_t n = 0;
    float early_median = -1;  // known once `early` is full
    float max_rtt = 0;
    IpAddress sender, receiver;  // of the data
    std::uint16_t sender_port = 0, receiver_port = 0;
    double first = 0, last = 0;
    Evidence ev;  // data segment and ACK of each sample that is far above the early median
};

struct FlowDir {
    std::uint64_t flow_id = 0;
    IpAddress acker;
    std::uint16_t acker_port = 0;
    friend auto operator<=>(const FlowDir&, const FlowDir&) = default;
};

struct DataPair {
    IpAddress sender, receiver;
    friend auto operator<=>(const DataPair&, const DataPair&) = default;
};

// Flows of one host pair whose RTT rose, folded into one finding.
struct PairResult {
    std::uint32_t flows = 0;
    double early_ms = 0, late_ms = 0, max_ms = 0;  // of the flow with the largest rise
    double first = 0, last = 0;
    std::vector<std::string> flow_names;
    Evidence ev;
};

// Both sides err towards silence: the early median is the upper one and the
// late median the lower one, so a single stray sample (a delayed ACK late, a
// quick one early) cannot make a flat connection look rising.
float median(std::array<float, kMaxWindow> v, std::size_t n, bool upper) {
    auto mid = v.begin() + static_cast<std::ptrdiff_t>(upper ? n / 2 : (n - 1) / 2);
    std::nth_element(v.begin(), mid, v.begin() + static_cast<std::ptrdiff_t>(n));
    return *mid;
}

class RisingRttRule final : public Rule {
public:
    explicit RisingRttRule(const RuleConfig& c)
        : window_(static_cast<std::size_t>(std::clamp(c.number("tcp.rising_rtt", "window"), 2.0,
                                                      static_cast<double>(kMaxWindow)))),
          factor_(c.number("tcp.rising_rtt", "min_factor")),
          increase_(c.number("tcp.rising_rtt", "min_increase_ms") / 1000.0) {}

    void subscribe(EventBus& bus) override {
        bus.subscribe<&RisingRttRule::on_tcp>(this);
    }
    void on_tcp(const TcpSegmentEvent& e) {
        // SYN/RST ACKs time the handshake or an abort, not the data path.
        if (e.rtt <= 0 || e.payload || (e.tcp_flags & 0x06)) return;
        const FlowDir key{e.flow_id, e.src, e.src_port};
        RttTrack* t = tracks_.get(key);
        if (!t && sweep(e.ts)) t = tracks_.get(key);
        if (!t) return;
        if (!t->n) {
            t->sender = e.dst;
            t->sender_port = e.dst_port;
            t->receiver = e.src;
            t->receiver_port = e.src_port;
            t->first = e.ts;
        }
        t->last = e.ts;
        const auto rtt = static_cast<float>(e.rtt);
        t->max_rtt = std::max(t->max_rtt, rtt);
        if (t->n < window_) {
            t->early[t->n] = rtt;
            if (t->n + 1 == window_) t->early_median = median(t->early, window_, true);
        } else {
            if (high(t->early_median, rtt)) {
                if (e.acked_frame) t->ev.add({e.where.file, e.acked_frame});
                t->ev.add(e.where);
            }
        }
        t->late[t->n % window_] = rtt;
        ++t->n;
    }

    // Leaves the state as it was: the live view calls finish again and again.
    void finish(FinishContext& ctx) override {
        Pairs pairs = pairs_;  // flows already swept out, plus the live ones
        for (const auto& entry : tracks_) judge(entry.second, pairs);
        for (auto& [k, r] : pairs) {
            Finding f;
            f.key = fmt::format("{} -> {}", ip_str(k.sender), ip_str(k.receiver));
            f.title = fmt::format("RTT from {} to {} rose from {:.0f} ms to {:.0f} ms during a transfer{}",
                                  ip_str(k.sender), ip_str(k.receiver), r.early_ms, r.late_ms,
                                  r.flows > 1 ? fmt::format(" ({} connections)", r.flows) : std::string());
            f.detail = fmt::format(
                "Median ACK RTT of the first {} samples {:.0f} ms, of the last {} samples {:.0f} ms (max {:.0f} ms): "
                "the data waits in a queue that fills while the transfer runs.",
                window_, r.early_ms, window_, r.late_ms, r.max_ms);
            f.hosts = {ip_str(k.sender), ip_str(k.receiver)};
            f.flows = r.flow_names;
            f.first_ts = r.first;
            f.last_ts = r.last;
            f.figures = {{"early_rtt", r.early_ms, "ms"},
                         {"late_rtt", r.late_ms, "ms"},
                         {"max_rtt", r.max_ms, "ms"},
                         {"flows", static_cast<double>(r.flows), ""}};
            f.evidence = r.ev;
            ctx.sink.raise("tcp.rising_rtt", std::move(f));
        }
    }
    [[nodiscard]] std::uint64_t dropped() const override { return tracks_.dropped() + pairs_.dropped(); }

private:
    using Pairs = BoundedMap<DataPair, PairResult, 4096>;

    [[nodiscard]] bool high(float early, float rtt) const {
        return early >= 0 && rtt >= factor_ * early && rtt - early >= increase_;
    }

    void judge(const RttTrack& t, Pairs& pairs) const {
        if (t.n < 2 * window_) return;  // early and late samples must not overlap
        const float late = median(t.late, window_, false);
        if (!high(t.early_median, late)) return;
        PairResult* r = pairs.get({t.sender, t.receiver});
        if (!r) return;
        ++r->flows;
        if (r->flow_names.size() < 4)
            r->flow_names.push_back(tcp_flow_str(t.receiver, t.receiver_port, t.sender, t.sender_port));
        if (!r->first || t.first < r->first) r->first = t.first;
        r->last = std::max(r->last, t.last);
        if ((late - t.early_median) * 1000.0 > r->late_ms - r->early_ms) {
            r->early_ms = t.early_median * 1000.0;
            r->late_ms = late * 1000.0;
            r->max_ms = t.max_rtt * 1000.0;
        }
        r->ev.merge(t.ev);
    }

    // A full table judges and forgets the flows idle for a while, so the
    // state follows the live connections (at most one sweep per 10 s).
    bool sweep(double now) {
        if (now - last_sweep_ < 10) return false;
        last_sweep_ = now;
        const std::size_t before = tracks_.size();
        tracks_.erase_if([&](auto& entry) {
            if (now - entry.second.last < kIdleS) return false;
            judge(entry.second, pairs_);
            return true;
        });
        return tracks_.size() < before;
    }

    static constexpr double kIdleS = 60;
    std::size_t window_;
    double factor_, increase_;
    double last_sweep_ = -1e18;
    BoundedMap<FlowDir, RttTrack, 8192> tracks_{"tcp.rising_rtt: transfers", "rising-RTT findings for further transfers"};
    Pairs pairs_{"tcp.rising_rtt: host pairs", "rising-RTT findings for further host pairs"};
};

}  // namespace

void add_rising_rtt_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c) {
    out.push_back(std::make_unique<RisingRttRule>(c));
}

}  // namespace netdx
