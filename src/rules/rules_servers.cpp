// server.overloaded: one server of a service whose latency rises with its
// concurrency while the other servers of the same service stay fast. The
// figures are the per-server view's (src/servers/): the rule holds a
// ServerTable fed by the same events, and the test is find_overloaded().
#include "rules/format.hpp"
#include "rules/rules_all.hpp"
#include "servers/overload.hpp"
#include "servers/servers_report.hpp"

namespace netdx {

namespace {

// Servers judged at most: a record is a few kB (latency bins, a 64-slice
// timeline), so this stays within a few MB whatever the capture.
constexpr std::size_t kMaxServers = 1024;

std::string ms(double s) { return s < 0.01 ? fmt::format("{:.2f} ms", s * 1e3) : fmt::format("{:.0f} ms", s * 1e3); }

// Mean open connections: a quiet band is often well under one.
std::string conc(double c) { return c < 1 ? fmt::format("{:.2f}", c) : fmt::format("{:.1f}", c); }

class ServerRules final : public Rule {
public:
    explicit ServerRules(const RuleConfig& c) : table_(kMaxServers) {
        const char* id = "server.overloaded";
        p_.min_samples = static_cast<std::uint64_t>(c.number(id, "min_samples"));
        p_.min_band_samples = static_cast<std::uint64_t>(c.number(id, "min_band_samples"));
        p_.latency_ratio = c.number(id, "latency_ratio");
        p_.min_increase_s = c.number(id, "min_increase_s");
        p_.min_busy_conc = c.number(id, "min_busy_conc");
        p_.conc_ratio = c.number(id, "conc_ratio");
        p_.peer_ratio = c.number(id, "peer_ratio");
    }

    void subscribe(EventBus& bus) override { table_.subscribe(bus); }

    void finish(FinishContext& ctx) override {
        if (!ctx.sink.enabled("server.overloaded")) return;
        for (const OverloadVerdict& v : find_overloaded(table_, p_)) {
            const ServerStats& s = *v.server;
            Finding f;
            f.key = server_name(s.key);
            f.title = fmt::format("{} server {} slows down under load: p95 {} with {} connections open, p50 {} "
                                  "with {}",
                                  s.service, f.key, ms(v.busy_p95), conc(v.busy_conc), ms(v.quiet_p50),
                                  conc(v.quiet_conc));
            f.detail = fmt::format(
                "Busiest quarter of its time: {} latencies, p95 {}, {} connections open on average; quietest half: "
                "{} latencies, p50 {}, {} connections. {} requests in all. Its peers stay fast: {}.",
                v.busy_samples, ms(v.busy_p95), conc(v.busy_conc), v.quiet_samples, ms(v.quiet_p50), conc(v.quiet_conc),
                s.requests, join(v.peers, [](const ServerStats* o) {
                    return fmt::format("{} p95 {}", server_name(o->key), ms(o->latency.quantile(0.95)));
                }));
            f.hosts.push_back(ip_str(s.key.ip));
            for (const ServerStats* o : v.peers) f.hosts.push_back(ip_str(o->key.ip));
            f.first_ts = v.busy_first;
            f.last_ts = v.busy_last;
            f.figures = {{"busy_p95", v.busy_p95 * 1e3, "ms"},
                         {"quiet_p50", v.quiet_p50 * 1e3, "ms"},
                         {"busy_concurrency", v.busy_conc, ""},
                         {"quiet_concurrency", v.quiet_conc, ""},
                         {"requests", static_cast<double>(s.requests), ""}};
            for (const auto& [lat, frame] : s.slowest) f.evidence.add(frame);
            ctx.sink.raise("server.overloaded", std::move(f));
        }
    }

    [[nodiscard]] std::uint64_t dropped() const override { return table_.dropped_servers(); }

private:
    ServerTable table_;
    OverloadParams p_;
};

}  // namespace

void add_server_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c) {
    out.push_back(std::make_unique<ServerRules>(c));
}

}  // namespace netdx
