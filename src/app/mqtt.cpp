// MQTT over reassembled TCP: the control packets of both directions, framed
// by MqttReader (dissectors/mqtt/mqtt_stream.hpp, shared with the packet
// view), paired into MqttTransactions: CONNECT with CONNACK, a QoS 1 PUBLISH
// with its PUBACK and a QoS 2 one with PUBREC..PUBCOMP (either direction),
// SUBSCRIBE and UNSUBSCRIBE with their acks by packet identifier, PINGREQ with
// PINGRESP in order; and the keep-alive: a client that declared K in CONNECT
// and was silent for more than 1.5 K when the connection ended (MQTT 3.1.1
// and 5, 3.1.2.10: the broker must then close it) is reported, as AMQP's
// missed heartbeats are. Memory is bounded: the reader keeps at most
// MqttReader::kKeep body bytes per direction whatever the remaining length
// says, and at most kMaxPending exchanges wait per kind; a gap outside a body
// or a malformed stream ends the reading of the flow (what answers what is
// then unknown), without reporting its waiting exchanges as unanswered.
#include <deque>
#include <string>

#include "app/two_way_consumer.hpp"
#include "core/escape.hpp"
#include "dissectors/mqtt/mqtt_stream.hpp"
#include "events/mqtt_events.hpp"

namespace netdx {

namespace {

constexpr std::size_t kMaxPending = 1024;

std::string capped(std::string_view s) { return escaped(s.substr(0, std::min(s.size(), kMqttTextCap))); }

class MqttConsumer final : public MessageConsumer<MqttReader, MqttEvents, MqttMessage, MqttAnomaly> {
public:
    MqttConsumer(const AppEndpoints& ep, AppContext ctx) : MessageConsumer(ep, ctx) {}

private:
    void heard(bool from_client) override {
        if (from_client) last_client_ = Heard{ctx_.clock.ts, ctx_.clock.where};
    }
    void closed(bool at_capture_end) override {
        keepalive_at_end(at_capture_end);
        for (auto* q : {&connects_, &publishes_[0], &publishes_[1], &subscribes_, &unsubscribes_, &pings_})
            for (MqttTransaction& t : *q) unanswered(t, at_capture_end);
    }

    using Queue = std::deque<MqttTransaction>;
    struct Heard {
        double ts = 0;
        FrameRef where;
    };

    MqttTransaction request(MqttKind kind) const {
        auto t = transaction_here<MqttTransaction>(ep_, ctx_.clock);
        t.kind = kind;
        t.version = version_;
        t.client_id = client_id_;
        t.username = username_;
        return t;
    }
    static void wait(Queue& q, MqttTransaction t) {
        if (q.size() >= kMaxPending) q.pop_front();
        q.push_back(std::move(t));
    }
    // The oldest waiting exchange with this packet identifier (any when `any`).
    static Queue::iterator find(Queue& q, std::uint16_t msgid, bool any = false) {
        for (auto it = q.begin(); it != q.end(); ++it)
            if (any || it->msgid == msgid) return it;
        return q.end();
    }
    void answer(Queue& q, Queue::iterator it, MqttOutcome outcome, std::uint8_t code) {
        MqttTransaction t = std::move(*it);
        q.erase(it);
        t.outcome = outcome;
        t.code = code;
        t.where = ctx_.clock.where;
        t.ts = ctx_.clock.ts;
        t.latency = ctx_.clock.ts - t.request_ts;
        ctx_.bus.publish(t);
    }
    void unanswered(MqttTransaction& t, bool at_capture_end) {
        t.outcome = MqttOutcome::Unanswered;
        t.at_capture_end = at_capture_end;
        ctx_.bus.publish(t);
    }

    // Only after the broker accepted the session and until the client's
    // DISCONNECT; K 0 turns the mechanism off. At the capture's end the
    // silence runs to the capture's last packet (the clock then): a capture
    // that stops soon after the client's last packet says nothing.
    void keepalive_at_end(bool capture_end) {
        if (!keepalive_ || !accepted_ || goodbye_) return;
        const double silence = ctx_.clock.ts - last_client_.ts;
        if (silence <= 1.5 * keepalive_) return;
        MqttTransaction t = request(MqttKind::KeepAliveTimeout);
        t.request_frame = connect_.where;
        t.request_ts = connect_.ts;
        t.keepalive = keepalive_;
        t.silence = silence;
        t.last_heard = last_client_.where;
        t.at_capture_end = capture_end;
        if (capture_end) t.where = last_client_.where;
        ctx_.bus.publish(t);
    }

    void message(const MqttMessage& m, bool from_client) override {
        const MqttFields f = mqtt_fields(m, version_);
        if (f.truncated && m.type() != kMqttPublish) return;  // too short to read: nothing to pair
        // Publishes sent by the client wait in [0], by the broker in [1].
        Queue& mine = publishes_[from_client ? 0 : 1];
        Queue& theirs = publishes_[from_client ? 1 : 0];
        switch (m.type()) {
            case kMqttConnect:
                if (!from_client) return;
                version_ = f.version;
                client_id_ = capped(f.clientid);
                username_ = f.has_username ? capped(f.username) : std::string();
                connects_.clear();
                keepalive_ = f.keepalive;
                accepted_ = goodbye_ = false;
                connect_ = Heard{ctx_.clock.ts, ctx_.clock.where};
                return wait(connects_, request(MqttKind::Connect));
            case kMqttConnack:
                if (from_client || connects_.empty()) return;
                accepted_ = f.code == 0;
                return answer(connects_, connects_.begin(), f.code ? MqttOutcome::Refused : MqttOutcome::Ok, f.code);
            case kMqttPublish: {
                MqttTransaction t = request(MqttKind::Publish);
                t.topic = capped(f.topic);
                t.qos = m.qos();
                t.msgid = f.msgid;
                t.from_broker = !from_client;
                if (m.qos() == 0 || !f.has_msgid) return ctx_.bus.publish(t);
                if (m.header & 0x08) {  // DUP: a resend of one still waiting
                    if (find(mine, f.msgid) != mine.end()) return;
                }
                return wait(mine, std::move(t));
            }
            case kMqttPuback: case kMqttPubrec: case kMqttPubcomp: {
                const auto it = find(theirs, f.msgid);
                if (it == theirs.end()) return;
                const bool refused = f.has_code && f.code >= 0x80;
                // PUBREC: a QoS 2 publish is delivered once its PUBCOMP comes.
                if (m.type() == kMqttPubrec && !refused) return;
                if (m.type() == kMqttPuback && it->qos != 1 && !refused) return;
                return answer(theirs, it, refused ? MqttOutcome::Refused : MqttOutcome::Ok, f.code);
            }
            case kMqttSubscribe: case kMqttUnsubscribe: {
                if (!from_client) return;
                const bool sub = m.type() == kMqttSubscribe;
                // One exchange per filter; the ack's codes answer them in order.
                for (int i = 0; i < f.n_filters; ++i) {
                    MqttTransaction t = request(sub ? MqttKind::Subscribe : MqttKind::Unsubscribe);
                    t.msgid = f.msgid;
                    t.topic = capped(f.filters[i]);
                    t.qos = f.filter_qos[i] & 3;
                    wait(sub ? subscribes_ : unsubscribes_, std::move(t));
                }
                return;
            }
            case kMqttSuback: case kMqttUnsuback: {
                if (from_client) return;
                Queue& q = m.type() == kMqttSuback ? subscribes_ : unsubscribes_;
                for (int i = 0;; ++i) {
                    const auto it = find(q, f.msgid);
                    if (it == q.end()) return;
                    const std::uint8_t code = i < f.n_codes ? f.codes[i] : 0;
                    answer(q, it, code >= 0x80 ? MqttOutcome::Refused : MqttOutcome::Ok, code);
                }
            }
            case kMqttPingreq:
                if (from_client) wait(pings_, request(MqttKind::Ping));
                return;
            case kMqttPingresp:
                if (!from_client && !pings_.empty()) answer(pings_, pings_.begin(), MqttOutcome::Ok, 0);
                return;
            case kMqttDisconnect:
                if (from_client) goodbye_ = true;
                return;
            default: return;
        }
    }

    void forget() override {
        for (auto* q : {&connects_, &publishes_[0], &publishes_[1], &subscribes_, &unsubscribes_, &pings_}) Queue().swap(*q);
    }

    std::uint8_t version_ = 0;
    std::string client_id_, username_;
    std::uint16_t keepalive_ = 0;
    bool accepted_ = false, goodbye_ = false;
    Heard connect_, last_client_;
    Queue connects_, publishes_[2], subscribes_, unsubscribes_, pings_;
};

std::unique_ptr<StreamConsumer> make_mqtt(const AppEndpoints& ep, AppContext ctx) {
    return std::make_unique<MqttConsumer>(ep, ctx);
}

}  // namespace

extern const AppProtocol kMqttProtocol{"mqtt", make_mqtt, nullptr};

}  // namespace netdx
