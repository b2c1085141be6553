// XML-RPC and JSON-RPC rules over the calls the HTTP consumer reads
// (src/app/webrpc_calls.cpp):
//  - xmlrpc.fault: <fault> replies, one finding per server, method and
//    faultCode (Python's xmlrpc.server answers every failure with code 1, so
//    the method is what tells the failures apart);
//  - jsonrpc.error: error objects, per server, method and error code (the
//    spec's -32700..-32600 and the server's own codes alike).
// Both are HTTP 200 answers as far as HTTP is concerned: http.server_errors
// never sees them. A reply whose call was not read (a batch element the
// server could not parse) counts under "(no method)".
#include <set>

#include "events/webrpc_events.hpp"
#include "rules/bounded.hpp"
#include "rules/format.hpp"
#include "rules/rules_all.hpp"
#include "rules/server_finding.hpp"
#include "rules/service_key.hpp"

namespace netdx {

namespace {

struct Key {
    ServiceKey service;
    std::string method;
    bool has_code = false;
    std::int64_t code = 0;
    auto operator<=>(const Key&) const = default;
};

struct Group {
    std::uint64_t count = 0;
    double first = 0, last = 0;
    std::set<IpAddress> clients;   // capped
    std::set<std::string> texts;   // fault strings / error messages, capped
    Evidence ev;
    void add(const WebRpcCall& c) {
        if (!count) first = c.ts;
        ++count;
        last = c.ts;
        if (clients.size() < 8) clients.insert(c.client);
        if (texts.size() < 4 && !c.message.empty()) texts.insert(c.message.substr(0, 160));
        ev.add(c.request_frame);
        ev.add(c.where);
    }
};

class WebRpcRules final : public Rule {
public:
    explicit WebRpcRules(const RuleConfig& c)
        : min_fault_(c.number("xmlrpc.fault", "min_count")), min_error_(c.number("jsonrpc.error", "min_count")) {}

    void subscribe(EventBus& bus) override { bus.subscribe<&WebRpcRules::on_call>(this); }

    void on_call(const WebRpcCall& c) {
        if (c.outcome != WebRpcOutcome::Fault) return;
        const Key k{{c.server, c.server_port}, c.method, c.has_code, c.code};
        auto& table = c.kind == WebRpcKind::XmlRpc ? faults_ : errors_;
        if (Group* g = table.get(k)) g->add(c);
    }

    void finish(FinishContext& ctx) override {
        for (auto& [k, g] : faults_) raise(ctx, "xmlrpc.fault", "XML-RPC", "fault", min_fault_, k, g);
        for (auto& [k, g] : errors_) raise(ctx, "jsonrpc.error", "JSON-RPC", "error", min_error_, k, g);
    }

    [[nodiscard]] std::uint64_t dropped() const override { return faults_.dropped() + errors_.dropped(); }

private:
    static void raise(FinishContext& ctx, const char* id, const char* rpc, const char* what, double min,
                      const Key& k, const Group& g) {
        if (static_cast<double>(g.count) < min) return;
        const std::string server = endpoint_str(k.service.ip, k.service.port);
        const std::string method = k.method.empty() ? "(no method)" : k.method;
        const std::string code = k.has_code ? fmt::format("{} {}", what, k.code) : fmt::format("a {} without code", what);
        Finding f;
        f.key = fmt::format("{} {} {}", server, method, k.has_code ? fmt::format("{}", k.code) : "-");
        f.title = fmt::format("{} server {} answered {} call(s) to {} with {}", rpc, server, g.count, method, code);
        f.detail = fmt::format("Message(s): {}. Clients: {}.", g.texts.empty() ? "(none)" : join(g.texts, [](auto& s) {
            return fmt::format("'{}'", s);
        }), join(g.clients, ip_str));
        fill_server_finding(f, k.service.ip, g);
        ctx.sink.raise(id, std::move(f));
    }

    double min_fault_, min_error_;
    BoundedMap<Key, Group> faults_, errors_;
};

}  // namespace

void add_webrpc_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c) {
    out.push_back(std::make_unique<WebRpcRules>(c));
}

}  // namespace netdx
