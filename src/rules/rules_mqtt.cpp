// MQTT rules over the consumer's transactions (src/app/mqtt.cpp):
//  - mqtt.connect_refused: CONNACKs with a non-zero return code (3.1.1: 4 bad
//    user name or password, 5 not authorised, ...) or reason code (5: 0x86,
//    0x87, ...), one finding per broker with counts per code and the client
//    ids and user names refused;
//  - mqtt.subscribe_refused: SUBACK codes >= 0x80 (3.1.1's failure 0x80, 5's
//    0x87 not authorised, 0x8F invalid filter, ...), one finding per broker
//    and topic filter;
//  - mqtt.publish_unacknowledged: QoS 1/2 publishes whose connection closed
//    before their PUBACK/PUBCOMP, per broker and direction. A publish still
//    waiting when the capture ends is not counted (its ack may simply be
//    after the end of the capture);
//  - mqtt.keepalive_timeout: connections whose client, having declared a
//    keep-alive K in CONNECT, was silent for more than 1.5 K when the
//    connection ended or the capture did (the consumer judges it: only at
//    the end, so a capture that stops soon after the last packet is quiet),
//    per broker, with the longest silence.
#include <map>
#include <set>

#include "events/mqtt_events.hpp"
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
    std::map<std::uint8_t, std::uint64_t> codes;
    std::set<std::string> client_ids;  // capped
    std::set<std::string> users;       // capped
    std::set<IpAddress> clients;       // capped
    Evidence ev;
    std::uint8_t version = 0;  // the last refused CONNECT's, to name its codes
    double worst = 0;                      // keep-alive: the longest silence
    std::set<std::uint16_t> keepalives;    // keep-alive: the K declared, capped
    std::uint64_t at_end = 0;              // keep-alive: still open at the capture's end
    void add(const MqttTransaction& t) {
        if (!count) first = t.ts;
        version = t.version;
        ++count;
        last = t.ts;
        if (codes.size() < 16) ++codes[t.code];
        if (client_ids.size() < 16) client_ids.insert(t.client_id.empty() ? std::string("(empty)") : t.client_id);
        if (!t.username.empty() && users.size() < 16) users.insert(t.username);
        if (clients.size() < 8) clients.insert(t.client);
        ev.add(t.request_frame);
        if (t.outcome != MqttOutcome::Unanswered) ev.add(t.where);
    }
};

// The meaning of a CONNACK/SUBACK code, for the finding's text.
std::string code_text(const MqttTransaction& t, std::uint8_t code) {
    if (t.kind == MqttKind::Connect && t.version != 5) {
        static const char* const k311[] = {"accepted", "unacceptable protocol version", "identifier rejected",
                                           "server unavailable", "bad user name or password", "not authorised"};
        return code < 6 ? fmt::format("{} ({})", code, k311[code]) : fmt::format("{}", code);
    }
    switch (code) {
        case 0x80: return t.kind == MqttKind::Connect || t.version == 5 ? "0x80 (unspecified error)" : "0x80 (failure)";
        case 0x84: return "0x84 (unsupported protocol version)";
        case 0x85: return "0x85 (client identifier not valid)";
        case 0x86: return "0x86 (bad user name or password)";
        case 0x87: return "0x87 (not authorized)";
        case 0x88: return "0x88 (server unavailable)";
        case 0x8A: return "0x8A (banned)";
        case 0x8F: return "0x8F (topic filter invalid)";
        case 0x97: return "0x97 (quota exceeded)";
        default: return fmt::format("0x{:02X}", code);
    }
}

std::string broker_str(const ServiceKey& k) { return endpoint_str(k.ip, k.port); }

class MqttRules final : public Rule {
public:
    explicit MqttRules(const RuleConfig& c)
        : min_refused_(c.number("mqtt.connect_refused", "min_count")),
          min_sub_(c.number("mqtt.subscribe_refused", "min_count")),
          min_unacked_(c.number("mqtt.publish_unacknowledged", "min_count")),
          min_keepalive_(c.number("mqtt.keepalive_timeout", "min_count")) {}

    void subscribe(EventBus& bus) override { bus.subscribe<&MqttRules::on_mqtt>(this); }

    void on_mqtt(const MqttTransaction& t) {
        const ServiceKey k{t.server, t.server_port};
        if (t.kind == MqttKind::Connect && t.outcome == MqttOutcome::Refused) {
            if (Group* g = refused_.get(k)) g->add(t);
        } else if (t.kind == MqttKind::Subscribe && t.outcome == MqttOutcome::Refused) {
            if (Group* g = subs_.get({k, t.topic})) g->add(t);
        } else if (t.kind == MqttKind::Publish && t.qos > 0 && t.outcome == MqttOutcome::Unanswered &&
                   !t.at_capture_end) {
            if (Group* g = unacked_.get({k, t.from_broker})) g->add(t);
        } else if (t.kind == MqttKind::KeepAliveTimeout) {
            if (Group* g = keepalive_.get(k)) {
                g->add(t);
                if (t.last_heard != t.where) g->ev.add(t.last_heard);
                g->worst = std::max(g->worst, t.silence);
                if (g->keepalives.size() < 8) g->keepalives.insert(t.keepalive);
                if (t.at_capture_end) ++g->at_end;
            }
        }
    }

    void finish(FinishContext& ctx) override {
        for (auto& [k, g] : refused_) connect(ctx, k, g);
        for (auto& [k, g] : subs_) subscription(ctx, k.first, k.second, g);
        for (auto& [k, g] : unacked_) unacked(ctx, k.first, k.second, g);
        for (auto& [k, g] : keepalive_) keepalive(ctx, k, g);
    }

    [[nodiscard]] std::uint64_t dropped() const override {
        return refused_.dropped() + subs_.dropped() + unacked_.dropped() + keepalive_.dropped();
    }

private:
    static std::string codes(const Group& g, MqttKind kind, std::uint8_t version) {
        MqttTransaction t;
        t.kind = kind;
        t.version = version;
        return join(g.codes, [&](const auto& p) { return fmt::format("{} x{}", code_text(t, p.first), p.second); });
    }

    void connect(FinishContext& ctx, const ServiceKey& k, const Group& g) {
        if (static_cast<double>(g.count) < min_refused_) return;
        Finding f;
        f.key = broker_str(k);
        f.title = fmt::format("MQTT broker {} refused {} connection(s)", f.key, g.count);
        f.detail = fmt::format("CONNACK codes: {}. Client ids: {}. User names: {}. Clients: {}.",
                               codes(g, MqttKind::Connect, g.version), join(g.client_ids, [](auto& s) { return s; }),
                               g.users.empty() ? std::string("(none)") : join(g.users, [](auto& s) { return s; }),
                               join(g.clients, ip_str));
        fill(f, k, g);
        ctx.sink.raise("mqtt.connect_refused", std::move(f));
    }

    void subscription(FinishContext& ctx, const ServiceKey& k, const std::string& filter, const Group& g) {
        if (static_cast<double>(g.count) < min_sub_) return;
        Finding f;
        f.key = fmt::format("{} {}", broker_str(k), filter);
        f.title = fmt::format("MQTT broker {} refused {} subscription(s) to {}", broker_str(k), g.count, filter);
        f.detail = fmt::format("SUBACK codes: {}. Client ids: {}. Clients: {}.", codes(g, MqttKind::Subscribe, 0),
                               join(g.client_ids, [](auto& s) { return s; }), join(g.clients, ip_str));
        fill(f, k, g);
        ctx.sink.raise("mqtt.subscribe_refused", std::move(f));
    }

    void unacked(FinishContext& ctx, const ServiceKey& k, bool from_broker, const Group& g) {
        if (static_cast<double>(g.count) < min_unacked_) return;
        Finding f;
        f.key = fmt::format("{} {}", broker_str(k), from_broker ? "to clients" : "from clients");
        f.title = from_broker
                      ? fmt::format("{} QoS 1/2 publish(es) from MQTT broker {} were never acknowledged by clients",
                                    g.count, broker_str(k))
                      : fmt::format("{} QoS 1/2 publish(es) to MQTT broker {} were never acknowledged", g.count,
                                    broker_str(k));
        f.detail = fmt::format("The connection closed before the PUBACK (QoS 1) or PUBCOMP (QoS 2). Client ids: {}. "
                               "Clients: {}.",
                               join(g.client_ids, [](auto& s) { return s; }), join(g.clients, ip_str));
        fill(f, k, g);
        ctx.sink.raise("mqtt.publish_unacknowledged", std::move(f));
    }

    void keepalive(FinishContext& ctx, const ServiceKey& k, const Group& g) {
        if (static_cast<double>(g.count) < min_keepalive_) return;
        Finding f;
        f.key = broker_str(k);
        f.title = fmt::format("{} MQTT connection(s) to broker {}: the client went silent past 1.5 times its "
                              "keep-alive", g.count, f.key);
        f.detail = fmt::format("No packet from the client for up to {:.1f} s with a keep-alive of {} s declared in "
                               "CONNECT (the broker must close the connection after 1.5 times it); {} ended by a "
                               "close, {} still open when the capture ended. Client ids: {}. Clients: {}.",
                               g.worst, join(g.keepalives, [](std::uint16_t v) { return fmt::format("{}", v); }),
                               g.count - g.at_end, g.at_end, join(g.client_ids, [](auto& s) { return s; }),
                               join(g.clients, ip_str));
        fill(f, k, g);
        f.figures.push_back({"max_silence", g.worst, "s"});
        ctx.sink.raise("mqtt.keepalive_timeout", std::move(f));
    }

    static void fill(Finding& f, const ServiceKey& k, const Group& g) { fill_server_finding(f, k.ip, g); }

    double min_refused_, min_sub_, min_unacked_, min_keepalive_;
    BoundedMap<ServiceKey, Group> refused_, keepalive_;
    BoundedMap<std::pair<ServiceKey, std::string>, Group> subs_;
    BoundedMap<std::pair<ServiceKey, bool>, Group> unacked_;
};

}  // namespace

void add_mqtt_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c) {
    out.push_back(std::make_unique<MqttRules>(c));
}

}  // namespace netdx
