// rpc.slow_calls: RPC calls whose reply came late, per server and procedure,
// for ONC RPC (src/app/rpc.cpp, rpc_udp.cpp) and XML-RPC / JSON-RPC over
// HTTP (src/app/webrpc_calls.cpp) alike. As cache.slow_commands, a call is
// slow when its latency exceeds the threshold above the server's fastest
// reply: that floor is the network round trip (plus HTTP's own cost for the
// web kinds), so a distant server is not slow for every procedure. One id
// covers both families: the question ("which procedure of which server keeps
// its clients waiting?") and the remedy are the same; the title names the
// family.
#include <algorithm>
#include <map>
#include <set>

#include "dissectors/rpc/rpc_names.hpp"
#include "events/rpc_events.hpp"
#include "events/webrpc_events.hpp"
#include "rules/bounded.hpp"
#include "rules/format.hpp"
#include "rules/percentile.hpp"
#include "rules/rules_all.hpp"
#include "rules/server_finding.hpp"
#include "rules/service_key.hpp"

namespace netdx {

namespace {

constexpr std::size_t kSamples = 4096;  // latencies kept per server and procedure

enum class Family : std::uint8_t { Onc, XmlRpc, JsonRpc };

const char* family_name(Family f) {
    switch (f) {
        case Family::Onc: return "ONC RPC";
        case Family::XmlRpc: return "XML-RPC";
        default: return "JSON-RPC";
    }
}

struct Key {
    ServiceKey service;
    Family family = Family::Onc;
    std::uint32_t prog = 0, vers = 0, proc = 0;  // ONC RPC
    std::string method;                          // XML-RPC / JSON-RPC
    auto operator<=>(const Key&) const = default;
};

struct Slowest {
    double latency = 0;
    FrameRef call, reply;
};

struct Group {
    std::uint64_t count = 0;
    double first = 0, last = 0, fastest = -1;
    std::vector<double> latency;  // capped at kSamples
    std::vector<Slowest> slowest;  // the slowest calls' frames, trimmed
    std::set<IpAddress> clients;   // capped
    Evidence ev;                   // filled at finish from slowest
    void add(double ts, double lat, const IpAddress& client, FrameRef call, FrameRef reply) {
        if (!count) first = ts;
        ++count;
        last = ts;
        if (fastest < 0 || lat < fastest) fastest = lat;
        if (latency.size() < kSamples) latency.push_back(lat);
        if (clients.size() < 8) clients.insert(client);
        slowest.push_back({lat, call, reply});
        if (slowest.size() > 64) {
            std::sort(slowest.begin(), slowest.end(), [](auto& a, auto& b) { return a.latency > b.latency; });
            slowest.resize(32);
        }
    }
};

// Loopback and LAN round trips are well under a millisecond: keep decimals there.
std::string ms(double s) {
    const int decimals = s < 0.001 ? 2 : s < 0.01 ? 1 : 0;
    return fmt::format("{:.{}f} ms", s * 1000, decimals);
}

std::string procedure_str(const Key& k) {
    if (k.family != Family::Onc) return k.method.empty() ? std::string("(no method)") : k.method;
    const std::string_view prog = rpc_program_name(k.prog);
    const std::string_view proc = rpc_procedure_name(k.prog, k.vers, k.proc);
    return fmt::format("{} V{} {}", prog.empty() ? fmt::format("program {}", k.prog) : std::string(prog), k.vers,
                       proc.empty() ? fmt::format("proc-{}", k.proc) : std::string(proc));
}

class RpcSlowRule final : public Rule {
public:
    explicit RpcSlowRule(const RuleConfig& c)
        : slow_s_(c.number("rpc.slow_calls", "threshold_s")), min_slow_(c.number("rpc.slow_calls", "min_slow")) {}

    void subscribe(EventBus& bus) override {
        bus.subscribe<&RpcSlowRule::on_onc>(this);
        bus.subscribe<&RpcSlowRule::on_web>(this);
    }

    // Any reply counts, errors included: a refusal that took seconds kept
    // its client waiting as long as a success.
    void on_onc(const RpcCall& c) {
        if (c.outcome == RpcOutcome::Unanswered || c.latency < 0) return;
        const Key k{{c.server, c.server_port}, Family::Onc, c.prog, c.vers, c.proc, {}};
        if (Group* g = groups_.get(k)) g->add(c.ts, c.latency, c.client, c.call_frame, c.where);
    }

    // Only RPC replies: an HTTP error page or an unreadable body says nothing
    // about how long the method took. The calls of one batch share its
    // HTTP latency.
    void on_web(const WebRpcCall& c) {
        if ((c.outcome != WebRpcOutcome::Result && c.outcome != WebRpcOutcome::Fault) || c.latency < 0) return;
        Key k{{c.server, c.server_port}, c.kind == WebRpcKind::XmlRpc ? Family::XmlRpc : Family::JsonRpc, 0, 0, 0,
              c.method};
        if (Group* g = groups_.get(k)) g->add(c.ts, c.latency, c.client, c.request_frame, c.where);
    }

    void finish(FinishContext& ctx) override {
        // The floor of each server (and family): its fastest reply to anything.
        std::map<std::pair<ServiceKey, Family>, double> floor;
        for (const auto& [k, g] : groups_) {
            auto [it, fresh] = floor.emplace(std::pair{k.service, k.family}, g.fastest);
            if (!fresh) it->second = std::min(it->second, g.fastest);
        }
        for (const auto& [k, g] : groups_) slow(ctx, k, g, std::max(0.0, floor[{k.service, k.family}]));
    }

    [[nodiscard]] std::uint64_t dropped() const override { return groups_.dropped(); }

private:
    void slow(FinishContext& ctx, const Key& k, const Group& g, double floor) const {
        std::uint64_t n_slow = 0;
        for (double l : g.latency)
            if (l - floor > slow_s_) ++n_slow;
        if (!n_slow || static_cast<double>(n_slow) < min_slow_) return;
        const double p50 = percentile(g.latency, 0.5), p95 = percentile(g.latency, 0.95),
                     mx = *std::max_element(g.latency.begin(), g.latency.end());
        const std::string server = endpoint_str(k.service.ip, k.service.port);
        const std::string proc = procedure_str(k);
        Finding f;
        f.key = fmt::format("{} {} {}", server, family_name(k.family), proc);
        f.title = fmt::format("{} server {}: {} of {} {} calls took over {} (p50 {}, p95 {}, max {})",
                              family_name(k.family), server, n_slow, g.latency.size(), proc, ms(slow_s_), ms(p50),
                              ms(p95), ms(mx));
        f.detail = fmt::format("Latency from the call to its reply, over the server's fastest reply ({}, the "
                               "round trip). Clients: {}.",
                               ms(floor), join(g.clients, ip_str));
        fill_server_finding(f, k.service.ip, g);
        f.figures = {{"slow", static_cast<double>(n_slow), ""},
                     {"calls", static_cast<double>(g.latency.size()), ""},
                     {"p50", p50 * 1000, "ms"},
                     {"p95", p95 * 1000, "ms"},
                     {"max", mx * 1000, "ms"}};
        std::vector<Slowest> top = g.slowest;
        std::sort(top.begin(), top.end(), [](auto& a, auto& b) {
            return a.latency != b.latency ? a.latency > b.latency : a.call < b.call;
        });
        for (const Slowest& s : top) {
            if (s.latency - floor <= slow_s_) break;
            f.evidence.add(s.call);
            f.evidence.add(s.reply);
        }
        std::sort(f.evidence.frames.begin(), f.evidence.frames.end());
        ctx.sink.raise("rpc.slow_calls", std::move(f));
    }

    double slow_s_, min_slow_;
    BoundedMap<Key, Group> groups_{"rpc.slow_calls: procedures", "slow-call findings for further procedures"};
};

}  // namespace

void add_rpc_slow_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c) {
    out.push_back(std::make_unique<RpcSlowRule>(c));
}

}  // namespace netdx
