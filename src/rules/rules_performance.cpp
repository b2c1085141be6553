// Performance: retransmission/loss rate per host pair (and its worst flow),
// duplicate-ACK bursts, zero windows and window-full per receiver, high or
// rising RTT per server, MTU black holes (large segments retransmitted while
// small ones pass, or ICMP fragmentation-needed).
#include <algorithm>
#include <set>

#include "events/conn_events.hpp"
#include "events/packet_events.hpp"
#include "events/tcp_events.hpp"
#include "rules/bounded.hpp"
#include "rules/format.hpp"
#include "rules/rules_all.hpp"

namespace netdx {

namespace {

struct Pair {
    IpAddress src, dst;
    friend auto operator<=>(const Pair&, const Pair&) = default;
};

// Loss counted per flow too: one bad flow among many good ones of the same
// pair is still a finding.
struct FlowLoss {
    std::uint64_t id = 0, data = 0, lost = 0;
    std::string name;
};

struct PairStats {
    std::uint64_t data = 0, retrans = 0;
    // Segments missing before the capture point (tshark's "previous segment
    // not captured"): loss upstream of the capture, whose retransmissions show
    // as out-of-order rather than as retransmissions.
    std::uint64_t gaps = 0, out_of_order = 0;
    std::vector<FlowLoss> flow_loss;  // the first few flows of the pair
    std::uint64_t large = 0, large_retrans = 0, small_ok = 0;
    std::uint64_t zero_window = 0, window_full = 0;
    std::uint64_t frag_needed = 0;  // ICMP fragmentation-needed / packet-too-big about this pair's TCP
    std::uint32_t smallest_mtu = 0;
    std::uint32_t dup_run = 0, max_dup_run = 0, bursts = 0;
    std::uint32_t last_dup_ack = 0;
    std::uint32_t large_seq = 0, large_repeats = 0, max_large_repeats = 0;  // one large segment sent again and again
    std::uint64_t dup_acks = 0;
    double first = 0, last = 0;
    std::set<std::uint64_t> flows;  // a few flow ids
    std::vector<std::string> flow_names;
    Evidence retrans_ev, dup_ev, zero_ev, full_ev, large_ev;
    FlowLoss* flow(const TcpSegmentEvent& e) {
        for (auto& f : flow_loss)
            if (f.id == e.flow_id) return &f;
        if (flow_loss.size() >= 8) return nullptr;
        flow_loss.push_back({e.flow_id, 0, 0, tcp_flow_str(e.src, e.src_port, e.dst, e.dst_port)});
        return &flow_loss.back();
    }
};

class TcpPerformanceRules final : public Rule {
public:
    explicit TcpPerformanceRules(const RuleConfig& c)
        : min_rate_(c.number("tcp.retransmissions", "min_rate")),
          min_retrans_(c.number("tcp.retransmissions", "min_retransmissions")),
          min_burst_(c.number("tcp.dup_ack_burst", "min_burst")),
          zero_min_(c.number("tcp.zero_window", "min_count")),
          full_min_(c.number("tcp.window_full", "min_count")),
          mtu_size_(c.number("tcp.mtu_blackhole", "min_size")),
          mtu_min_(c.number("tcp.mtu_blackhole", "min_retransmissions")) {}

    void subscribe(EventBus& bus) override {
        bus.subscribe<&TcpPerformanceRules::on_tcp>(this);
        bus.subscribe<&TcpPerformanceRules::on_icmp_error>(this);
    }
    void on_tcp(const TcpSegmentEvent& e) {
        PairStats* p = pairs_.get({e.src, e.dst});
        if (!p) return;
        if (!p->first) p->first = e.ts;
        p->last = e.ts;
        if (p->flows.size() < 4 && p->flows.insert(e.flow_id).second)
            p->flow_names.push_back(tcp_flow_str(e.src, e.src_port, e.dst, e.dst_port));
        const bool retrans = e.flags & kTcpEvRetransmission;
        if (e.payload && !(e.flags & (kTcpEvKeepAlive | kTcpEvZeroWindowProbe))) {
            ++p->data;
            const bool gap = e.flags & kTcpEvLostSegment;
            if (gap) ++p->gaps;
            if (e.flags & kTcpEvOutOfOrder) ++p->out_of_order;
            if (gap && !retrans) p->retrans_ev.add(e.where);
            if (FlowLoss* fl = p->flow(e)) {
                ++fl->data;
                fl->lost += (retrans ? 1 : 0) + (gap ? 1 : 0);
            }
            const bool large = static_cast<double>(e.payload) >= mtu_size_;
            if (large) ++p->large;
            if (retrans) {
                ++p->retrans;
                p->retrans_ev.add(e.where);
                if (large) {
                    ++p->large_retrans;
                    p->large_ev.add(e.where);
                    p->large_repeats = p->large_retrans > 1 && e.seq == p->large_seq ? p->large_repeats + 1 : 1;
                    p->large_seq = e.seq;
                    p->max_large_repeats = std::max(p->max_large_repeats, p->large_repeats);
                }
            } else if (!large) {
                ++p->small_ok;
            }
        }
        if (e.flags & kTcpEvDuplicateAck) {
            ++p->dup_acks;
            if (p->dup_run && e.ack == p->last_dup_ack) ++p->dup_run;
            else p->dup_run = 1;
            p->last_dup_ack = e.ack;
            p->max_dup_run = std::max(p->max_dup_run, p->dup_run);
            if (static_cast<double>(p->dup_run) == min_burst_) ++p->bursts;
            p->dup_ev.add(e.where);
        } else if (e.payload == 0 && (e.tcp_flags & 0x10) && e.ack != p->last_dup_ack) {
            p->dup_run = 0;
        }
        if (e.flags & kTcpEvZeroWindow) {
            ++p->zero_window;
            p->zero_ev.add(e.where);
        }
        if (e.flags & kTcpEvWindowFull) {
            ++p->window_full;
            p->full_ev.add(e.where);
        }
    }

    // A router said the packet was too big. Seen here, yet the sender keeps
    // retransmitting full-size segments: the message is lost between this
    // capture point and the sender (a filtering firewall), or ignored.
    void on_icmp_error(const IcmpError& e) {
        const bool too_big = (e.kind == IcmpError::Kind::Unreachable && e.version == 4 && e.code == 4) ||
                             e.kind == IcmpError::Kind::PacketTooBig;
        if (!too_big || !e.has_quote || e.orig_proto != 6) return;
        PairStats* p = pairs_.get({e.orig_src, e.orig_dst});
        if (!p) return;
        ++p->frag_needed;
        if (e.mtu && (!p->smallest_mtu || e.mtu < p->smallest_mtu)) p->smallest_mtu = e.mtu;
        p->large_ev.add(e.where);
    }

    void finish(FinishContext& ctx) override {
        for (auto& entry : pairs_) {  // named: clang 14 cannot capture bindings
            const auto& k = entry.first;
            auto& p = entry.second;
            const std::string pair = fmt::format("{} -> {}", ip_str(k.src), ip_str(k.dst));
            auto base = [&](Finding& f, const Evidence& ev) {
                f.key = pair;
                f.hosts = {ip_str(k.src), ip_str(k.dst)};
                f.flows = p.flow_names;
                f.first_ts = p.first;
                f.last_ts = p.last;
                f.evidence = ev;
            };
            // Loss as the capture point sees it: segments sent again after it, plus
            // holes left by segments lost before it.
            const std::uint64_t lost = p.retrans + p.gaps;
            const double rate = p.data ? static_cast<double>(lost) / static_cast<double>(p.data) : 0;
            const FlowLoss* worst = nullptr;
            for (const FlowLoss& fl : p.flow_loss)
                if (fl.data && static_cast<double>(fl.lost) >= min_retrans_ &&
                    static_cast<double>(fl.lost) / static_cast<double>(fl.data) >= min_rate_ &&
                    (!worst || fl.lost * worst->data > worst->lost * fl.data))
                    worst = &fl;
            const bool pair_bad = lost && static_cast<double>(lost) >= min_retrans_ && rate >= min_rate_;
            if (pair_bad || worst) {
                Finding f;
                base(f, p.retrans_ev);
                if (pair_bad) {
                    f.title = fmt::format("{:.1f}% of TCP segments from {} to {} were lost or retransmitted ({} of {})",
                                          rate * 100, ip_str(k.src), ip_str(k.dst), lost, p.data);
                } else {
                    const double wr = static_cast<double>(worst->lost) / static_cast<double>(worst->data);
                    f.title = fmt::format("{:.1f}% of TCP segments of {} were lost or retransmitted ({} of {})", wr * 100,
                                          worst->name, worst->lost, worst->data);
                    f.flows = {worst->name};
                }
                f.detail = fmt::format("{} retransmitted, {} missing before the capture point, {} out of order: "
                                       "segments or their ACKs are being lost between these hosts.",
                                       p.retrans, p.gaps, p.out_of_order);
                f.figures = {{"retransmissions", static_cast<double>(p.retrans), ""},
                             {"gaps", static_cast<double>(p.gaps), ""},
                             {"out_of_order", static_cast<double>(p.out_of_order), ""},
                             {"data_segments", static_cast<double>(p.data), ""},
                             {"rate", rate * 100, "%"}};
                if (worst) {
                    f.figures.push_back({"worst_flow_rate",
                                         100.0 * static_cast<double>(worst->lost) / static_cast<double>(worst->data), "%"});
                }
                ctx.sink.raise("tcp.retransmissions", std::move(f));
            }
            if (p.bursts) {
                Finding f;
                base(f, p.dup_ev);
                f.title = fmt::format("{} sent {} burst(s) of duplicate ACKs to {} (longest {} in a row)",
                                      ip_str(k.src), p.bursts, ip_str(k.dst), p.max_dup_run);
                f.detail = fmt::format("{} duplicate ACKs in all: data from {} arrives with holes.", p.dup_acks, ip_str(k.dst));
                f.figures = {{"bursts", static_cast<double>(p.bursts), ""},
                             {"longest", static_cast<double>(p.max_dup_run), ""},
                             {"duplicate_acks", static_cast<double>(p.dup_acks), ""}};
                ctx.sink.raise("tcp.dup_ack_burst", std::move(f));
            }
            if (p.zero_window && static_cast<double>(p.zero_window) >= zero_min_) {
                Finding f;
                base(f, p.zero_ev);
                f.title = fmt::format("{} advertised a zero window to {} {} time(s)", ip_str(k.src), ip_str(k.dst),
                                      p.zero_window);
                f.detail = fmt::format("{} could not take more data: its application reads too slowly.", ip_str(k.src));
                f.figures = {{"zero_windows", static_cast<double>(p.zero_window), ""}};
                ctx.sink.raise("tcp.zero_window", std::move(f));
            }
            if (p.window_full && static_cast<double>(p.window_full) >= full_min_) {
                Finding f;
                base(f, p.full_ev);
                f.title = fmt::format("{} filled {}'s receive window {} time(s)", ip_str(k.src), ip_str(k.dst),
                                      p.window_full);
                f.detail = "The sender had to wait for the receiver: throughput is receiver-limited.";
                f.figures = {{"window_full", static_cast<double>(p.window_full), ""}};
                ctx.sink.raise("tcp.window_full", std::move(f));
            }
            // Small segments passing in either direction show the path works below the MTU.
            const PairStats* back = pairs_.find({k.dst, k.src});
            const std::uint64_t small_ok = p.small_ok + (back ? back->small_ok : 0);
            // A black hole retransmits the same large segment with backoff; random loss
            // retransmits different segments once each.
            if (static_cast<double>(p.max_large_repeats) >= mtu_min_ && (small_ok || p.frag_needed)) {
                Finding f;
                base(f, p.large_ev);
                f.title = fmt::format("MTU black hole from {} to {}: {} of {} large segments retransmitted", ip_str(k.src),
                                      ip_str(k.dst), p.large_retrans, p.large);
                f.detail = p.frag_needed
                               ? fmt::format("Segments of {:.0f} bytes or more keep being retransmitted although {} ICMP "
                                             "fragmentation-needed message(s) (MTU {}) reported them too big: the "
                                             "messages are blocked before {} or ignored by it.",
                                             mtu_size_, p.frag_needed, p.smallest_mtu, ip_str(k.src))
                               : fmt::format("Segments of {:.0f} bytes or more keep being retransmitted while {} smaller "
                                             "ones passed: a link on the path has a smaller MTU and its ICMP "
                                             "fragmentation-needed messages do not come back.",
                                             mtu_size_, small_ok);
                f.figures = {{"large_retransmissions", static_cast<double>(p.large_retrans), ""},
                             {"same_segment_retries", static_cast<double>(p.max_large_repeats), ""},
                             {"large_segments", static_cast<double>(p.large), ""},
                             {"frag_needed", static_cast<double>(p.frag_needed), ""}};
                ctx.sink.raise("tcp.mtu_blackhole", std::move(f));
            }
        }
    }
    [[nodiscard]] std::uint64_t dropped() const override { return pairs_.dropped(); }

private:
    double min_rate_, min_retrans_, min_burst_, zero_min_, full_min_, mtu_size_, mtu_min_;
    BoundedMap<Pair, PairStats> pairs_{"tcp.retransmissions/dup_ack_burst/zero_window/window_full/mtu_blackhole: host pairs", "loss, duplicate-ACK, zero-window and MTU findings for further host pairs"};
};

class HighRttRule final : public Rule {
public:
    explicit HighRttRule(const RuleConfig& c)
        : max_rtt_(c.number("tcp.high_rtt", "max_rtt_ms") / 1000.0), min_samples_(c.number("tcp.high_rtt", "min_samples")) {}

    void subscribe(EventBus& bus) override {
        bus.subscribe<&HighRttRule::on_conn>(this);
    }
    void on_conn(const ConnAttempt& e) {
        if (e.outcome != ConnAttempt::Outcome::Established || e.rtt < 0) return;
        Server* s = servers_.get(e.server);
        if (!s) return;
        if (!s->first) s->first = e.syn_ts;
        s->last = e.ts;
        if (s->rtts.size() < 1024) s->rtts.push_back(e.rtt);
        if (e.rtt > max_rtt_) {
            ++s->high;
            s->ev.add(e.syn_frame);
            s->ev.add(e.where);
            if (s->clients.size() < 4) s->clients.insert(e.client);
        }
    }

    void finish(FinishContext& ctx) override {
        for (auto& [ip, s] : servers_) {
            if (!s.high || static_cast<double>(s.high) < min_samples_) continue;
            std::vector<double> v = s.rtts;
            std::sort(v.begin(), v.end());
            const double med = v[v.size() / 2], mx = v.back();
            Finding f;
            f.key = ip_str(ip);
            f.title = fmt::format("High RTT to {}: median {:.0f} ms, max {:.0f} ms ({} of {} handshakes over {:.0f} ms)",
                                  ip_str(ip), med * 1000, mx * 1000, s.high, v.size(), max_rtt_ * 1000);
            f.detail = fmt::format("Measured from SYN to SYN-ACK for connections from {}.", join(s.clients, ip_str));
            f.hosts.push_back(ip_str(ip));
            for (auto& c : s.clients) f.hosts.push_back(ip_str(c));
            f.first_ts = s.first;
            f.last_ts = s.last;
            f.figures = {{"median_rtt", med * 1000, "ms"}, {"max_rtt", mx * 1000, "ms"}, {"high", static_cast<double>(s.high), ""}};
            f.evidence = s.ev;
            ctx.sink.raise("tcp.high_rtt", std::move(f));
        }
    }
    [[nodiscard]] std::uint64_t dropped() const override { return servers_.dropped(); }

private:
    struct Server {
        std::vector<double> rtts;
        std::uint64_t high = 0;
        double first = 0, last = 0;
        std::set<IpAddress> clients;
        Evidence ev;
    };
    double max_rtt_, min_samples_;
    BoundedMap<IpAddress, Server, 16384> servers_{"tcp.high_rtt: servers", "high-RTT findings for further servers"};
};

}  // namespace

void add_performance_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c) {
    out.push_back(std::make_unique<TcpPerformanceRules>(c));
    out.push_back(std::make_unique<HighRttRule>(c));
}

}  // namespace netdx
