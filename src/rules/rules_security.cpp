// Security basics: port and host scans, SYN floods, bogon addresses and
// broadcast sources. The scan rules finish first and publish the scanners so
// the connectivity rules do not report a scan as failed connections.
#include <algorithm>
#include <set>
#include <unordered_set>

#include "core/ip_address_hash.hpp"
#include "events/conn_events.hpp"
#include "events/packet_events.hpp"
#include "events/tcp_events.hpp"
#include "rules/bounded.hpp"
#include "rules/format.hpp"
#include "rules/rules_all.hpp"

namespace netdx {

namespace {

// Distinct values seen from one source within a tumbling window.
template <typename T>
struct Sweep {
    static constexpr std::size_t kMaxKept = 4096;
    double window_start = 0;
    std::set<T> distinct;       // current window
    std::size_t best = 0;       // most distinct values in one window
    std::uint64_t probes = 0;
    bool flagged = false;
    double first = 0, last = 0;
    Evidence ev;
    std::vector<T> sample;      // a few of the values, for the title

    void add(const T& v, double ts, FrameRef where, double window, std::size_t threshold) {
        if (!probes) first = window_start = ts;
        if (!flagged && ts - window_start > window) {
            distinct.clear();
            window_start = ts;
            ev = Evidence{};
            sample.clear();
        }
        ++probes;
        last = ts;
        if (distinct.size() < kMaxKept && distinct.insert(v).second && sample.size() < 8) sample.push_back(v);
        if (distinct.size() >= threshold && !flagged) {
            flagged = true;
            first = window_start;
        }
        best = std::max(best, distinct.size());
        ev.add(where);
    }
};

struct PairKey {
    IpAddress a, b;
    friend auto operator<=>(const PairKey&, const PairKey&) = default;
};
struct SrcPortKey {
    IpAddress src;
    std::uint16_t port = 0;  // 0: ICMP echo
    friend auto operator<=>(const SrcPortKey&, const SrcPortKey&) = default;
};

class ScanRules final : public Rule {
public:
    explicit ScanRules(const RuleConfig& c)
        : min_ports_(static_cast<std::size_t>(c.number("scan.port_scan", "min_ports"))),
          port_window_(c.number("scan.port_scan", "window_s")),
          min_hosts_(static_cast<std::size_t>(c.number("scan.host_scan", "min_hosts"))),
          host_window_(c.number("scan.host_scan", "window_s")) {}

    void subscribe(EventBus& bus) override {
        bus.subscribe<&ScanRules::on_syn>(this);
        bus.subscribe<&ScanRules::on_echo>(this);
    }
    void on_syn(const SynSeen& e) {
        if (auto* s = ports_.get({e.src, e.dst})) s->add(e.dst_port, e.ts, e.where, port_window_, min_ports_);
        if (auto* s = hosts_.get({e.src, e.dst_port})) s->add(e.dst, e.ts, e.where, host_window_, min_hosts_);
    }
    void on_echo(const EchoRequest& e) {
        if (is_multicast_or_broadcast(e.dst)) return;
        if (auto* s = hosts_.get({e.src, 0})) s->add(e.dst, e.ts, e.where, host_window_, min_hosts_);
    }

    void finish(FinishContext& ctx) override {
        for (auto& [k, s] : ports_) {
            if (!s.flagged) continue;
            ctx.facts.scanners.insert(k.a);
            Finding f;
            f.key = ip_str(k.a) + ">" + ip_str(k.b);
            f.title = fmt::format("{} scanned {} ports of {}", ip_str(k.a), s.best, ip_str(k.b));
            f.detail = fmt::format("{} SYNs to at least {} distinct ports (e.g. {}) within {} s.", s.probes, s.best,
                                   join(s.sample, [](std::uint16_t p) { return std::to_string(p); }), port_window_);
            f.hosts = {ip_str(k.a), ip_str(k.b)};
            f.first_ts = s.first;
            f.last_ts = s.last;
            f.figures = {{"ports", static_cast<double>(s.best), ""}, {"probes", static_cast<double>(s.probes), ""}};
            f.evidence = s.ev;
            ctx.sink.raise("scan.port_scan", std::move(f));
        }
        for (auto& [k, s] : hosts_) {
            if (!s.flagged) continue;
            ctx.facts.scanners.insert(k.src);
            Finding f;
            const std::string what = k.port ? fmt::format("port {}", k.port) : std::string("ICMP echo");
            f.key = ip_str(k.src) + "/" + std::to_string(k.port);
            f.title = fmt::format("{} swept {} hosts ({})", ip_str(k.src), s.best, what);
            f.detail = fmt::format("{} probes ({}) to at least {} distinct hosts (e.g. {}) within {} s.", s.probes,
                                   what, s.best, join(s.sample, ip_str), host_window_);
            f.hosts = {ip_str(k.src)};
            f.first_ts = s.first;
            f.last_ts = s.last;
            f.figures = {{"hosts", static_cast<double>(s.best), ""}, {"probes", static_cast<double>(s.probes), ""}};
            f.evidence = s.ev;
            ctx.sink.raise("scan.host_scan", std::move(f));
        }
    }
    [[nodiscard]] std::uint64_t dropped() const override { return ports_.dropped() + hosts_.dropped(); }

private:
    std::size_t min_ports_;
    double port_window_;
    std::size_t min_hosts_;
    double host_window_;
    BoundedMap<PairKey, Sweep<std::uint16_t>> ports_{"scan.port_scan: scanner/target pairs", "port-scan findings for further scanners"};
    BoundedMap<SrcPortKey, Sweep<IpAddress>> hosts_{"scan.host_scan: scanner/port pairs", "host-scan findings for further scanners"};
};

class SynFloodRule final : public Rule {
public:
    explicit SynFloodRule(const RuleConfig& c)
        : min_rate_(c.number("tcp.syn_flood", "min_syn_rate")),
          max_ratio_(c.number("tcp.syn_flood", "max_established_ratio")) {}

    void subscribe(EventBus& bus) override {
        bus.subscribe<&SynFloodRule::on_syn>(this);
        bus.subscribe<&SynFloodRule::on_tcp>(this);
    }
    void on_syn(const SynSeen& e) {
        Target* t = targets_.get({e.dst, e.dst_port});
        if (!t) return;
        const auto second = static_cast<std::int64_t>(e.ts);
        if (second != t->second) {
            t->second = second;
            t->in_second = 0;
        }
        ++t->in_second;
        ++t->syns;
        if (t->in_second > t->peak) t->peak = t->in_second;
        // Completions are only counted once the SYN rate gets near a flood, so
        // ordinary servers never carry a per-flow set.
        if (!t->tracking && static_cast<double>(t->peak) * 2 >= min_rate_) {
            t->tracking = true;
            tracking_.push_back({Key{e.dst, e.dst_port}, t});
        }
        if (t->tracking) ++t->tracked_syns;
        if (!t->first) t->first = e.ts;
        t->last = e.ts;
        if (t->sources.size() < 1024) t->sources.insert(e.src);
        t->ev.add(e.where);
    }
    // A handshake is complete when the client ACKs: a server answering every
    // forged SYN with a SYN-ACK is exactly what a flood looks like.
    void on_tcp(const TcpSegmentEvent& e) {
        if (tracking_.empty() || (e.tcp_flags & 0x16) != 0x10) return;  // ACK without SYN/RST
        Target* t = tracked(Key{e.dst, e.dst_port});
        if (!t || t->acked.size() >= kMaxAcked) return;
        if (t->acked.insert(e.flow_id).second) ++t->established;
    }

    void finish(FinishContext& ctx) override {
        for (auto& [k, t] : targets_) {
            const double ratio =
                t.tracked_syns ? static_cast<double>(t.established) / static_cast<double>(t.tracked_syns) : 1;
            if (static_cast<double>(t.peak) < min_rate_ || ratio > max_ratio_) continue;
            ctx.facts.flood_targets.insert(k.ip);
            Finding f;
            f.key = endpoint_str(k.ip, k.port);
            f.title = fmt::format("SYN flood against {}: {} SYN/s from {}{} sources", endpoint_str(k.ip, k.port),
                                  t.peak, t.sources.size(), t.sources.size() >= 1024 ? "+" : "");
            f.detail = fmt::format("{} SYNs, peak {} in one second; only {:.1f}% were completed by the client's ACK.",
                                   t.syns, t.peak, ratio * 100);
            f.hosts = {ip_str(k.ip)};
            f.first_ts = t.first;
            f.last_ts = t.last;
            f.figures = {{"syns", static_cast<double>(t.syns), ""},
                         {"peak_rate", static_cast<double>(t.peak), "SYN/s"},
                         {"established_ratio", ratio, ""},
                         {"sources", static_cast<double>(t.sources.size()), ""}};
            f.evidence = t.ev;
            ctx.sink.raise("tcp.syn_flood", std::move(f));
        }
    }
    [[nodiscard]] std::uint64_t dropped() const override { return targets_.dropped(); }

private:
    struct Key {
        IpAddress ip;
        std::uint16_t port = 0;
        friend auto operator<=>(const Key&, const Key&) = default;
    };
    // Flows completed are counted once each; past this many the count stops
    // growing, which only makes a flood look less complete (never a false alarm).
    static constexpr std::size_t kMaxAcked = 65536;
    struct Target {
        std::int64_t second = -1;
        std::uint64_t in_second = 0, peak = 0, syns = 0, established = 0, tracked_syns = 0;
        bool tracking = false;
        std::unordered_set<std::uint64_t> acked;  // flows whose client ACKed (while tracking)
        double first = 0, last = 0;
        std::unordered_set<IpAddress, IpAddressHash> sources;  // only counted
        Evidence ev;
    };
    // The targets near a flood, the only ones whose ACKs count. Every TCP
    // segment comes through on_tcp; on an ordinary network this list is empty
    // and the segment costs one test instead of a lookup in targets_.
    Target* tracked(const Key& k) {
        if (tracking_.size() > kScanTracked) {
            Target* t = targets_.find_mut(k);
            return t && t->tracking ? t : nullptr;
        }
        for (auto& [key, t] : tracking_)
            if (key == k) return t;
        return nullptr;
    }
    static constexpr std::size_t kScanTracked = 16;
    double min_rate_, max_ratio_;
    BoundedMap<Key, Target> targets_{"tcp.syn_flood: targets", "SYN-flood findings for further targets"};
    std::vector<std::pair<Key, Target*>> tracking_;  // entries of targets_ (never erased: stable)
};

// Why an address must never be seen, or null.
const char* bogon_reason(const IpAddress& a, bool as_source, bool documentation) {
    const auto& b = a.bytes;
    if (a.family == 4) {
        if (b[0] == 0) return as_source && is_zero_ip(a) ? nullptr : "0.0.0.0/8 (\"this network\")";
        if (b[0] == 127) return "127.0.0.0/8 (loopback) on the wire";
        if (b[0] >= 240 && !(b[0] == 255 && b[1] == 255 && b[2] == 255 && b[3] == 255)) return "240.0.0.0/4 (reserved)";
        if (as_source && b[0] >= 224 && b[0] < 240) return "a multicast address as source";
        if (documentation && ((b[0] == 192 && b[1] == 0 && b[2] == 2) || (b[0] == 198 && b[1] == 51 && b[2] == 100) ||
                              (b[0] == 203 && b[1] == 0 && b[2] == 113)))
            return "a documentation (TEST-NET) range";
        return nullptr;
    }
    if (a.family == 6) {
        static const std::uint8_t loop[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        if (std::equal(loop, loop + 16, b.begin())) return "::1 (loopback) on the wire";
        if (as_source && b[0] == 0xff) return "a multicast address as source";
        if (documentation && b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return "2001:db8::/32 (documentation)";
    }
    return nullptr;
}

class AddressSanityRules final : public Rule {
public:
    explicit AddressSanityRules(const RuleConfig& c)
        : bogon_min_(c.number("addr.bogon", "min_packets")),
          documentation_(c.number("addr.bogon", "include_documentation") != 0),
          bcast_min_(c.number("addr.broadcast_source", "min_packets")) {}

    void subscribe(EventBus& bus) override {
        bus.subscribe<&AddressSanityRules::on_ip>(this);
    }
    void on_ip(const IpPacketSeen& e) {
        // Traffic captured on a loopback interface itself is not "on the wire".
        const bool loopback = e.src.family == 4 && e.src.bytes[0] == 127 && e.dst.bytes[0] == 127;
        if (loopback) return;
        if (const char* why = bogon_reason(e.src, true, documentation_)) note(bogons_, ip_str(e.src), why, e, true);
        if (const char* why = bogon_reason(e.dst, false, documentation_)) note(bogons_, ip_str(e.dst), why, e, false);
        const bool ip_bcast = e.src.family == 4 && e.src.bytes[0] == 255 && e.src.bytes[1] == 255 &&
                              e.src.bytes[2] == 255 && e.src.bytes[3] == 255;
        if (ip_bcast) note(bcast_, ip_str(e.src), "255.255.255.255 as IP source", e, true);
        else if (e.has_eth && (e.eth_src[0] & 1)) note(bcast_, mac_str(e.eth_src), "a group (broadcast/multicast) MAC as Ethernet source", e, true);
    }

    void finish(FinishContext& ctx) override {
        emit(ctx, bogons_, "addr.bogon", bogon_min_);
        emit(ctx, bcast_, "addr.broadcast_source", bcast_min_);
    }
    [[nodiscard]] std::uint64_t dropped() const override { return bogons_.dropped() + bcast_.dropped(); }

private:
    struct Seen {
        const char* why = nullptr;
        std::uint64_t packets = 0;
        std::set<std::string> peers;  // a few other ends
        double first = 0, last = 0;
        Evidence ev;
    };
    using Table = BoundedMap<std::string, Seen, 4096>;

    static void note(Table& t, const std::string& addr, const char* why, const IpPacketSeen& e, bool as_source) {
        Seen* s = t.get(addr);
        if (!s) return;
        if (!s->packets) {
            s->why = why;
            s->first = e.ts;
        }
        ++s->packets;
        s->last = e.ts;
        if (s->peers.size() < 4) s->peers.insert(as_source ? ip_str(e.dst) : ip_str(e.src));
        if (as_source && e.has_eth && s->peers.size() < 6) s->peers.insert(mac_str(e.eth_src));
        s->ev.add(e.where);
    }

    static void emit(FinishContext& ctx, Table& t, std::string_view id, double min) {
        for (auto& [addr, s] : t) {
            if (static_cast<double>(s.packets) < min) continue;
            Finding f;
            f.key = addr;
            f.title = fmt::format("{} packet(s) with {}: {}", s.packets, addr, s.why);
            f.detail = fmt::format("Seen with {}.", fmt::join(s.peers, ", "));
            f.hosts.push_back(addr);
            for (auto& p : s.peers) f.hosts.push_back(p);
            f.first_ts = s.first;
            f.last_ts = s.last;
            f.figures = {{"packets", static_cast<double>(s.packets), ""}};
            f.evidence = s.ev;
            ctx.sink.raise(id, std::move(f));
        }
    }

    double bogon_min_;
    bool documentation_;
    double bcast_min_;
    Table bogons_{"addr.bogon: addresses", "bogon findings for further addresses"};
    Table bcast_{"addr.broadcast_source: addresses", "broadcast-source findings for further addresses"};
};

}  // namespace

void add_security_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c) {
    out.push_back(std::make_unique<ScanRules>(c));
    out.push_back(std::make_unique<SynFloodRule>(c));
    out.push_back(std::make_unique<AddressSanityRules>(c));
}

}  // namespace netdx
