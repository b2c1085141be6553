// ONC RPC rules over the calls the consumers pair (src/app/rpc.cpp, rpc_udp.cpp):
//  - rpc.call_error: replies that refuse the call: accepted but PROG_UNAVAIL,
//    PROC_UNAVAIL, GARBAGE_ARGS, SYSTEM_ERR, or denied (RPC_MISMATCH,
//    AUTH_ERROR with its auth_stat); one finding per server, program and
//    error kind, with counts, procedures and clients;
//  - rpc.version_mismatch (note): PROG_MISMATCH, per server and program, with
//    the versions asked and the range served. Clients probe versions this way
//    (rpcinfo, mount.nfs trying v4 then v3), so alone it is no fault;
//  - rpc.unanswered: calls with no reply (their TCP connection closed first,
//    or a UDP call unanswered for 30 s, resends included, or 5 s before the
//    capture's end), per server and program. Calls still waiting when the
//    capture ends (TCP) or made in its last 5 s (UDP) are not counted.
#include <map>
#include <set>

#include "dissectors/rpc/rpc_names.hpp"
#include "dissectors/rpc/rpc_stream.hpp"
#include "events/rpc_events.hpp"
#include "rules/bounded.hpp"
#include "rules/format.hpp"
#include "rules/rules_all.hpp"
#include "rules/server_finding.hpp"

namespace netdx {

namespace {

struct Key {
    IpAddress server;
    std::uint16_t port = 0;
    std::uint32_t prog = 0;
    std::string kind;  // "PROG_UNAVAIL", "AUTH_ERROR (AUTH_BADCRED)", ...
    auto operator<=>(const Key&) const = default;
};

struct Group {
    std::uint64_t count = 0;
    double first = 0, last = 0;
    std::set<std::string> procs;      // "V2 GETPORT", capped
    std::set<IpAddress> clients;      // capped
    std::set<std::uint32_t> versions;  // asked (capped)
    std::uint32_t low = 0, high = 0;  // PROG_MISMATCH: the last range served
    Evidence ev;
    void add(const RpcCall& c) {
        if (!count) first = c.ts;
        ++count;
        last = c.ts;
        if (procs.size() < 16) {
            const std::string_view name = rpc_procedure_name(c.prog, c.vers, c.proc);
            procs.insert(name.empty() ? fmt::format("V{} proc-{}", c.vers, c.proc) : fmt::format("V{} {}", c.vers, name));
        }
        if (clients.size() < 8) clients.insert(c.client);
        if (versions.size() < 16) versions.insert(c.vers);
        low = c.low;
        high = c.high;
        ev.add(c.call_frame);
        if (c.outcome != RpcOutcome::Unanswered) ev.add(c.where);
    }
};

std::string error_kind(const RpcCall& c) {
    if (c.outcome == RpcOutcome::Accepted) return rpc_accept_stat_name(c.accept_stat);
    if (c.reject_stat == kRpcMismatch) return "RPC_MISMATCH";
    if (c.reject_stat == kRpcAuthError) return fmt::format("AUTH_ERROR ({})", rpc_auth_stat_name(c.auth_stat));
    return fmt::format("denied ({})", c.reject_stat);
}

std::string program_str(std::uint32_t prog) {
    const std::string_view name = rpc_program_name(prog);
    return name.empty() ? fmt::format("program {}", prog) : fmt::format("{} ({})", name, prog);
}

class RpcRules final : public Rule {
public:
    explicit RpcRules(const RuleConfig& c)
        : min_error_(c.number("rpc.call_error", "min_count")),
          min_mismatch_(c.number("rpc.version_mismatch", "min_count")),
          min_unanswered_(c.number("rpc.unanswered", "min_count")) {}

    void subscribe(EventBus& bus) override { bus.subscribe<&RpcRules::on_call>(this); }

    void on_call(const RpcCall& c) {
        Key k{c.server, c.server_port, c.prog, {}};
        if (c.outcome == RpcOutcome::Unanswered) {
            if (c.at_capture_end) return;
            if (Group* g = unanswered_.get(k)) g->add(c);
            return;
        }
        if (c.outcome == RpcOutcome::Accepted && c.accept_stat == kRpcSuccess) return;
        if (c.outcome == RpcOutcome::Accepted && c.accept_stat == kRpcProgMismatch) {
            if (Group* g = mismatch_.get(k)) g->add(c);
            return;
        }
        k.kind = error_kind(c);
        if (Group* g = errors_.get(k)) g->add(c);
    }

    void finish(FinishContext& ctx) override {
        for (auto& [k, g] : errors_) error(ctx, k, g);
        for (auto& [k, g] : mismatch_) mismatch(ctx, k, g);
        for (auto& [k, g] : unanswered_) unanswered(ctx, k, g);
    }

    [[nodiscard]] std::uint64_t dropped() const override {
        return errors_.dropped() + mismatch_.dropped() + unanswered_.dropped();
    }

private:
    static std::string server_str(const Key& k) { return endpoint_str(k.server, k.port); }
    static std::string procs(const Group& g) { return join(g.procs, [](auto& s) { return s; }); }

    void error(FinishContext& ctx, const Key& k, const Group& g) {
        if (static_cast<double>(g.count) < min_error_) return;
        Finding f;
        f.key = fmt::format("{} {} {}", server_str(k), k.prog, k.kind);
        f.title = fmt::format("RPC server {} answered {} call(s) to {} with {}", server_str(k), g.count,
                              program_str(k.prog), k.kind);
        f.detail = fmt::format("Procedures: {}. Clients: {}.", procs(g), join(g.clients, ip_str));
        fill(f, k, g);
        ctx.sink.raise("rpc.call_error", std::move(f));
    }

    void mismatch(FinishContext& ctx, const Key& k, const Group& g) {
        if (static_cast<double>(g.count) < min_mismatch_) return;
        Finding f;
        f.key = fmt::format("{} {}", server_str(k), k.prog);
        f.title = fmt::format("RPC server {} does not serve the version(s) of {} asked {} time(s)", server_str(k),
                              program_str(k.prog), g.count);
        f.detail = fmt::format("Versions asked: {}; served: {} to {}. Clients: {}.",
                               join(g.versions, [](std::uint32_t v) { return fmt::format("{}", v); }), g.low, g.high,
                               join(g.clients, ip_str));
        fill(f, k, g);
        ctx.sink.raise("rpc.version_mismatch", std::move(f));
    }

    void unanswered(FinishContext& ctx, const Key& k, const Group& g) {
        if (static_cast<double>(g.count) < min_unanswered_) return;
        Finding f;
        f.key = fmt::format("{} {}", server_str(k), k.prog);
        f.title = fmt::format("{} RPC call(s) to {} at {} were never answered", g.count, program_str(k.prog),
                              server_str(k));
        f.detail = fmt::format("Procedures: {}. Clients: {}. A TCP call's connection closed first, or a UDP call "
                               "waited over 30 s (or 5 s before the capture ended).",
                               procs(g), join(g.clients, ip_str));
        fill(f, k, g);
        ctx.sink.raise("rpc.unanswered", std::move(f));
    }

    static void fill(Finding& f, const Key& k, const Group& g) { fill_server_finding(f, k.server, g); }

    double min_error_, min_mismatch_, min_unanswered_;
    BoundedMap<Key, Group> errors_, mismatch_, unanswered_;
};

}  // namespace

void add_rpc_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c) {
    out.push_back(std::make_unique<RpcRules>(c));
}

}  // namespace netdx
