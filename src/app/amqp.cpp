// AMQP 0-9-1 over reassembled TCP: the frames of both directions, cut by
// AmqpReader (dissectors/amqp/amqp_stream.hpp, shared with the packet view),
// turned into AmqpTransactions (src/events/amqp_events.hpp): the connection
// handshake (start, start-ok's PLAIN user, tune, open, open-ok), connection
// and channel closes with their reply codes, publishes paired under confirm
// mode with the broker's basic.ack/basic.nack by delivery tag (the channel's
// publish sequence from confirm.select, `multiple` acks a range), the
// client's acks/nacks/rejects of deliveries, and heartbeats: once tune-ok
// fixes a heartbeat, a side silent for more than twice it while the
// connection is open is reported.
//
// Memory is bounded: the reader keeps at most AmqpReader::kKeep payload bytes
// per direction whatever size a frame announces; at most kMaxChannels
// channels and kMaxPending confirms per channel are tracked. A gap outside a
// payload or a malformed stream ends the reading of the flow (what answers
// what is then unknown), without reporting its waiting publishes.
#include <deque>
#include <map>
#include <string>

#include "app/two_way_consumer.hpp"
#include "core/escape.hpp"
#include "dissectors/amqp/amqp_stream.hpp"
#include "events/amqp_events.hpp"

namespace netdx {

namespace {

constexpr std::size_t kMaxChannels = 256;
constexpr std::size_t kMaxPending = 1024;

std::string capped(std::string_view s) { return escaped(s.substr(0, std::min(s.size(), kAmqpTextCap))); }

// PLAIN's response is "authzid\0user\0password": the user only.
std::string plain_user(std::string_view mechanism, std::string_view response) {
    if (mechanism != "PLAIN") return {};
    const std::size_t a = response.find('\0');
    if (a == std::string_view::npos) return {};
    const std::size_t b = response.find('\0', a + 1);
    if (b == std::string_view::npos) return {};
    return capped(response.substr(a + 1, b - a - 1));
}

class AmqpConsumer final : public MessageConsumer<AmqpReader, AmqpEvents, AmqpFrame, AmqpAnomaly> {
public:
    AmqpConsumer(const AppEndpoints& ep, AppContext ctx) : MessageConsumer(ep, ctx) {}

private:
    void closed(bool at_capture_end) override {
        silent_at_end(at_capture_end);
        for (auto& [id, ch] : channels_)
            for (Pending& p : ch.pending) publish_done(p, id, AmqpOutcome::Unconfirmed, at_capture_end);
    }

    struct Pending {
        std::uint64_t seq = 0;
        std::string exchange, routing_key;
        FrameRef where;
        double ts = 0;
    };
    struct Channel {
        FrameRef last_call;  // the client's last method: what a broker's close answers
        bool called = false;
        bool confirm = false;
        std::uint64_t next_seq = 1;
        std::deque<Pending> pending;
    };
    struct Heard {
        double ts = 0;
        FrameRef where;
    };

    AmqpTransaction event(AmqpKind kind, std::uint16_t channel) const {
        auto t = transaction_here<AmqpTransaction>(ep_, ctx_.clock);
        t.kind = kind;
        t.vhost = vhost_;
        t.user = user_;
        t.channel = channel;
        t.heartbeat = heartbeat_;
        return t;
    }

    // Bytes from one side: a heartbeat is missed when its silence since the
    // last ones passed twice the negotiated interval.
    void heard(bool from_client) override {
        Heard& h = last_[from_client ? 0 : 1];
        if (watching()) {
            const double silence = ctx_.clock.ts - h.ts;
            if (silence > 2.0 * heartbeat_) missed(from_client, h, silence, false, false);
        }
        h = Heard{ctx_.clock.ts, ctx_.clock.where};
    }
    [[nodiscard]] bool watching() const { return heartbeat_ > 0 && !closing_; }
    void silent_at_end(bool capture_end) {
        if (!watching()) return;
        for (int s = 0; s < 2; ++s) {
            const Heard& mine = last_[s];
            // At the end of the capture only a side the other outlived by
            // twice the interval counts: both quiet says nothing.
            const double until = capture_end ? last_[1 - s].ts : ctx_.clock.ts;
            if (until - mine.ts > 2.0 * heartbeat_) missed(s == 0, mine, until - mine.ts, true, capture_end);
        }
    }
    void missed(bool client, const Heard& last, double silence, bool ended, bool capture_end) {
        AmqpTransaction t = event(AmqpKind::MissedHeartbeat, 0);
        t.outcome = AmqpOutcome::Error;
        t.client_silent = client;
        t.silence = silence;
        t.request_frame = last.where;
        t.request_ts = last.ts;
        t.connection_ended = ended;
        t.at_capture_end = capture_end;
        ctx_.bus.publish(t);
    }

    Channel* channel(std::uint16_t id) {
        auto it = channels_.find(id);
        if (it != channels_.end()) return &it->second;
        if (channels_.size() >= kMaxChannels) return nullptr;
        return &channels_[id];
    }

    void publish_done(Pending& p, std::uint16_t ch, AmqpOutcome outcome, bool capture_end = false) {
        AmqpTransaction t = event(AmqpKind::Publish, ch);
        t.outcome = outcome;
        t.delivery_tag = p.seq;
        t.exchange = std::move(p.exchange);
        t.routing_key = std::move(p.routing_key);
        t.request_frame = p.where;
        t.request_ts = p.ts;
        if (outcome == AmqpOutcome::Ok || outcome == AmqpOutcome::Nacked) t.latency = ctx_.clock.ts - p.ts;
        if (outcome == AmqpOutcome::Unconfirmed) {
            t.where = p.where;
            t.ts = p.ts;
            t.at_capture_end = capture_end;
        }
        ctx_.bus.publish(t);
    }

    // The broker's basic.ack / basic.nack of a confirm channel's publishes.
    void confirm(std::uint16_t id, const AmqpMethod& m, bool ack) {
        Channel* ch = channel(id);
        if (!ch || !ch->confirm) return;
        auto& q = ch->pending;
        for (auto it = q.begin(); it != q.end();) {
            if (it->seq == m.delivery_tag || (m.multiple && it->seq <= m.delivery_tag)) {
                publish_done(*it, id, ack ? AmqpOutcome::Ok : AmqpOutcome::Nacked);
                it = q.erase(it);
            } else {
                ++it;
            }
        }
    }

    void close(const AmqpMethod& m, std::uint16_t id, bool from_client, bool connection) {
        AmqpTransaction t = event(connection ? AmqpKind::ConnectionClose : AmqpKind::ChannelClose, id);
        t.by_broker = !from_client;
        t.handshake = connection && !opened_;
        t.reply_code = m.reply_code;
        t.reply_text = capped(m.reply_text);
        t.cause_class = m.close_class;
        t.cause_method = m.close_method;
        t.outcome = m.reply_code == 200 ? AmqpOutcome::Ok : AmqpOutcome::Error;
        if (const auto it = channels_.find(id); !from_client && it != channels_.end() && it->second.called)
            t.request_frame = it->second.last_call;
        ctx_.bus.publish(t);
        if (connection) closing_ = true;
        // Publishes the broker will now never confirm: the close is the problem.
        const bool broker_error = !from_client && m.reply_code != 200;
        const AmqpOutcome outcome = broker_error ? AmqpOutcome::ChannelClosed : AmqpOutcome::Unconfirmed;
        for (auto it = channels_.begin(); it != channels_.end();) {
            if (!connection && it->first != id) {
                ++it;
                continue;
            }
            for (Pending& p : it->second.pending) publish_done(p, it->first, outcome);
            it = channels_.erase(it);
        }
    }

    void message(const AmqpFrame& f, bool from_client) override {
        if (f.protocol_header || f.type != kAmqpMethod) return;
        const AmqpMethod m = amqp_method(f.payload);
        if (Channel* ch = from_client ? channel(f.channel) : nullptr) {
            ch->last_call = ctx_.clock.where;
            ch->called = true;
        }
        if (m.truncated && !(m.class_id == 10 && m.method_id == 11)) return;  // nothing to read
        switch (static_cast<std::uint32_t>(m.class_id) << 16 | m.method_id) {
            case 10u << 16 | 11:  // start-ok
                if (from_client) user_ = plain_user(m.mechanism, m.response);
                return;
            case 10u << 16 | 31:  // tune-ok: the client's choice is the connection's
                if (!from_client) return;
                heartbeat_ = m.heartbeat;
                last_[0] = last_[1] = Heard{ctx_.clock.ts, ctx_.clock.where};
                return;
            case 10u << 16 | 40:
                if (from_client) vhost_ = capped(m.vhost);
                return;
            case 10u << 16 | 41:
                if (from_client || opened_) return;
                opened_ = true;
                return ctx_.bus.publish(event(AmqpKind::Open, 0));
            case 10u << 16 | 50: return close(m, f.channel, from_client, true);
            case 20u << 16 | 40: return close(m, f.channel, from_client, false);
            case 85u << 16 | 10:  // confirm.select
                if (Channel* ch = from_client ? channel(f.channel) : nullptr) ch->confirm = true;
                return;
            case 60u << 16 | 40: {  // basic.publish
                if (!from_client) return;
                Channel* ch = channel(f.channel);
                if (!ch || !ch->confirm) {
                    AmqpTransaction t = event(AmqpKind::Publish, f.channel);
                    t.outcome = AmqpOutcome::NotConfirmed;
                    t.exchange = capped(m.exchange);
                    t.routing_key = capped(m.routing_key);
                    return ctx_.bus.publish(t);
                }
                if (ch->pending.size() >= kMaxPending) ch->pending.pop_front();
                ch->pending.push_back(
                    Pending{ch->next_seq++, capped(m.exchange), capped(m.routing_key), ctx_.clock.where, ctx_.clock.ts});
                return;
            }
            case 60u << 16 | 80: case 60u << 16 | 120: case 60u << 16 | 90: {
                if (!from_client) {
                    if (m.method_id != 90) confirm(f.channel, m, m.method_id == 80);
                    return;
                }
                AmqpTransaction t = event(AmqpKind::Settle, f.channel);
                t.method = m.method_id;
                t.delivery_tag = m.delivery_tag;
                t.multiple = m.multiple;
                t.requeue = m.requeue;
                return ctx_.bus.publish(t);
            }
            default: return;
        }
    }

    void forget() override {
        std::map<std::uint16_t, Channel>().swap(channels_);
    }

    std::string vhost_, user_;
    std::uint16_t heartbeat_ = 0;
    Heard last_[2];  // [0] the client, [1] the broker
    std::map<std::uint16_t, Channel> channels_;
    bool opened_ = false, closing_ = false;
};

std::unique_ptr<StreamConsumer> make_amqp(const AppEndpoints& ep, AppContext ctx) {
    return std::make_unique<AmqpConsumer>(ep, ctx);
}

}  // namespace

extern const AppProtocol kAmqpProtocol{"amqp", make_amqp, nullptr};

}  // namespace netdx
