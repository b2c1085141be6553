// AMQP 0-9-1 rules over the consumer's events (src/app/amqp.cpp), one finding
// per broker and cause:
//  - amqp.connection_refused: the broker closed the connection during the
//    handshake (before connection.open-ok): 403 ACCESS_REFUSED (credentials),
//    530 NOT_ALLOWED (vhost), ...; per broker and reply code;
//  - amqp.connection_closed: the broker closed an open connection with an
//    error (320 CONNECTION_FORCED, 501 FRAME_ERROR, 541 INTERNAL_ERROR, ...);
//  - amqp.channel_error: the broker closed channels with an error (404
//    NOT_FOUND, 406 PRECONDITION_FAILED, 403 ACCESS_REFUSED, ...), with the
//    methods the closes blame;
//  - amqp.publish_unconfirmed: publishes under confirm mode the broker nacked,
//    or whose connection ended before their ack (a publish still waiting when
//    the capture ends is not counted; one whose channel the broker closed with
//    an error is that close's finding);
//  - amqp.missed_heartbeats: a side silent for more than twice the negotiated
//    heartbeat while the connection was open.
#include <map>
#include <set>

#include "dissectors/amqp/amqp_stream.hpp"
#include "events/amqp_events.hpp"
#include "rules/bounded.hpp"
#include "rules/format.hpp"
#include "rules/rules_all.hpp"
#include "rules/server_finding.hpp"
#include "rules/service_key.hpp"

namespace netdx {

namespace {

struct Group {
    std::uint64_t count = 0;
    double first = 0, last = 0;
    std::map<std::string, std::uint64_t> texts;   // reply texts, or exchange/routing keys
    std::map<std::string, std::uint64_t> causes;  // the methods a close blames
    std::set<std::string> users, vhosts;
    std::set<IpAddress> clients;
    double worst = 0;            // heartbeats: the longest silence
    std::uint16_t heartbeat = 0;
    std::uint64_t dropped = 0;   // heartbeats: silences the connection did not outlive
    Evidence ev;
    void add(const AmqpTransaction& t, const std::string& text) {
        if (!count) first = t.ts;
        ++count;
        last = t.ts;
        if (!text.empty() && texts.size() < 8) ++texts[text];
        if (t.cause_class && causes.size() < 8) {
            const char* m = amqp_method_name(t.cause_class, t.cause_method);
            ++causes[m ? std::string(m) : fmt::format("{}.{}", t.cause_class, t.cause_method)];
        }
        if (!t.user.empty() && users.size() < 8) users.insert(t.user);
        if (!t.vhost.empty() && vhosts.size() < 8) vhosts.insert(t.vhost);
        if (clients.size() < 8) clients.insert(t.client);
        ev.add(t.request_frame);
        if (t.where != t.request_frame) ev.add(t.where);
    }
};

std::string code_str(std::uint16_t code) {
    const char* n = amqp_reply_name(code);
    return n ? fmt::format("{} {}", code, n) : fmt::format("{}", code);
}
std::string counted(const std::map<std::string, std::uint64_t>& m, bool quote = false) {
    return join(m, [&](const auto& p) {
        const std::string s = quote ? fmt::format("\"{}\"", p.first) : p.first;
        return p.second > 1 ? fmt::format("{} x{}", s, p.second) : s;
    }, "; ");
}
std::string list(const std::set<std::string>& s) {
    return s.empty() ? std::string("(none)") : join(s, [](const std::string& v) { return v; });
}

class AmqpRules final : public Rule {
public:
    explicit AmqpRules(const RuleConfig& c)
        : min_refused_(c.number("amqp.connection_refused", "min_count")),
          min_closed_(c.number("amqp.connection_closed", "min_count")),
          min_channel_(c.number("amqp.channel_error", "min_count")),
          min_unconfirmed_(c.number("amqp.publish_unconfirmed", "min_count")),
          min_heartbeat_(c.number("amqp.missed_heartbeats", "min_count")) {}

    void subscribe(EventBus& bus) override { bus.subscribe<&AmqpRules::on_amqp>(this); }

    void on_amqp(const AmqpTransaction& t) {
        const ServiceKey k{t.server, t.server_port};
        switch (t.kind) {
            case AmqpKind::ConnectionClose:
                if (!t.by_broker || t.outcome != AmqpOutcome::Error) return;
                if (Group* g = (t.handshake ? refused_ : closed_).get({k, t.reply_code})) g->add(t, t.reply_text);
                return;
            case AmqpKind::ChannelClose:
                if (!t.by_broker || t.outcome != AmqpOutcome::Error) return;
                if (Group* g = channels_.get({k, t.reply_code})) g->add(t, t.reply_text);
                return;
            case AmqpKind::Publish: {
                const bool nacked = t.outcome == AmqpOutcome::Nacked;
                if (!nacked && (t.outcome != AmqpOutcome::Unconfirmed || t.at_capture_end)) return;
                const std::string where = fmt::format("exchange '{}' key '{}'", t.exchange, t.routing_key);
                if (Group* g = unconfirmed_.get({k, nacked})) g->add(t, where);
                return;
            }
            case AmqpKind::MissedHeartbeat:
                if (Group* g = heartbeats_.get({k, t.client_silent})) {
                    g->add(t, {});
                    g->worst = std::max(g->worst, t.silence);
                    g->heartbeat = t.heartbeat;
                    if (t.connection_ended && !t.at_capture_end) ++g->dropped;
                }
                return;
            default: return;
        }
    }

    void finish(FinishContext& ctx) override {
        for (auto& [k, g] : refused_) closes(ctx, "amqp.connection_refused", min_refused_, k.first, k.second, g);
        for (auto& [k, g] : closed_) closes(ctx, "amqp.connection_closed", min_closed_, k.first, k.second, g);
        for (auto& [k, g] : channels_) closes(ctx, "amqp.channel_error", min_channel_, k.first, k.second, g);
        for (auto& [k, g] : unconfirmed_) unconfirmed(ctx, k.first, k.second, g);
        for (auto& [k, g] : heartbeats_) heartbeat(ctx, k.first, k.second, g);
    }

    [[nodiscard]] std::uint64_t dropped() const override {
        return refused_.dropped() + closed_.dropped() + channels_.dropped() + unconfirmed_.dropped() +
               heartbeats_.dropped();
    }

private:
    static std::string broker_str(const ServiceKey& k) { return endpoint_str(k.ip, k.port); }

    static void fill(Finding& f, const ServiceKey& k, const Group& g) { fill_server_finding(f, k.ip, g); }

    static void closes(FinishContext& ctx, std::string_view id, double min, const ServiceKey& k, std::uint16_t code,
                       const Group& g) {
        if (static_cast<double>(g.count) < min) return;
        Finding f;
        f.key = fmt::format("{} {}", broker_str(k), code);
        const std::string c = code_str(code);
        if (id == "amqp.connection_refused")
            f.title = fmt::format("AMQP broker {} refused {} connection(s): {}", broker_str(k), g.count, c);
        else if (id == "amqp.connection_closed")
            f.title = fmt::format("AMQP broker {} closed {} connection(s) with {}", broker_str(k), g.count, c);
        else
            f.title = fmt::format("AMQP broker {} closed {} channel(s) with {}", broker_str(k), g.count, c);
        f.detail = fmt::format("Reply text: {}.", counted(g.texts, true));
        if (!g.causes.empty()) f.detail += fmt::format(" Caused by: {}.", counted(g.causes));
        f.detail += fmt::format(" Users: {}. Vhosts: {}. Clients: {}.", list(g.users), list(g.vhosts),
                                join(g.clients, ip_str));
        fill(f, k, g);
        ctx.sink.raise(id, std::move(f));
    }

    void unconfirmed(FinishContext& ctx, const ServiceKey& k, bool nacked, const Group& g) const {
        if (static_cast<double>(g.count) < min_unconfirmed_) return;
        Finding f;
        f.key = fmt::format("{} {}", broker_str(k), nacked ? "nacked" : "unconfirmed");
        f.title = nacked ? fmt::format("AMQP broker {} nacked {} confirmed publish(es)", broker_str(k), g.count)
                         : fmt::format("{} publish(es) to AMQP broker {} under confirm mode were never confirmed",
                                       g.count, broker_str(k));
        f.detail = fmt::format("{} To: {}. Users: {}. Clients: {}.",
                               nacked ? "The broker answered basic.nack: it did not take the messages."
                                      : "The connection ended before the broker's basic.ack.",
                               counted(g.texts), list(g.users), join(g.clients, ip_str));
        fill(f, k, g);
        ctx.sink.raise("amqp.publish_unconfirmed", std::move(f));
    }

    void heartbeat(FinishContext& ctx, const ServiceKey& k, bool client, const Group& g) const {
        if (static_cast<double>(g.count) < min_heartbeat_) return;
        Finding f;
        f.key = fmt::format("{} {}", broker_str(k), client ? "clients" : "broker");
        f.title = client ? fmt::format("{} AMQP connection(s) to broker {}: the client missed heartbeats", g.count,
                                       broker_str(k))
                         : fmt::format("AMQP broker {} missed heartbeats on {} connection(s)", broker_str(k), g.count);
        f.detail = fmt::format("No frame from the {} for up to {:.1f} s with a {} s heartbeat negotiated (at most "
                               "twice that is allowed); {} of them ended with the connection. Users: {}. Clients: {}.",
                               client ? "client" : "broker", g.worst, g.heartbeat, g.dropped, list(g.users),
                               join(g.clients, ip_str));
        fill(f, k, g);
        f.figures.push_back({"max_silence", g.worst, "s"});
        ctx.sink.raise("amqp.missed_heartbeats", std::move(f));
    }

    double min_refused_, min_closed_, min_channel_, min_unconfirmed_, min_heartbeat_;
    BoundedMap<std::pair<ServiceKey, std::uint16_t>, Group> refused_, closed_, channels_;
    BoundedMap<std::pair<ServiceKey, bool>, Group> unconfirmed_, heartbeats_;
};

}  // namespace

void add_amqp_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c) {
    out.push_back(std::make_unique<AmqpRules>(c));
}

}  // namespace netdx
