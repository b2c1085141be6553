// Redis over reassembled TCP: the commands the client sends and the replies
// the server returns, read by RespReader (dissectors/redis/resp_stream.hpp,
// shared with the packet view), paired in order (Redis answers in order, so
// pipelined batches pair too) into one CacheTransaction per command.
// Out-of-band data is not paired: RESP3 pushes ('>') are skipped, and after
// SUBSCRIBE/PSUBSCRIBE/SSUBSCRIBE/MONITOR the server streams messages that
// answer no command, so pairing stops there. A stream that does not parse,
// or a gap outside a bulk body, ends the reading of the flow.
#include <deque>
#include <string>

#include "app/two_way_consumer.hpp"
#include "core/escape.hpp"
#include "dissectors/redis/resp_stream.hpp"
#include "events/cache_events.hpp"

namespace netdx {

namespace {

constexpr std::size_t kMaxPending = 4096;  // commands waiting for their replies

std::string upper(std::string_view s) {
    std::string u(s.substr(0, std::min<std::size_t>(s.size(), 32)));
    for (char& c : u)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return escaped(u);
}

bool single_lookup(std::string_view c) { return c == "GET" || c == "GETEX" || c == "GETDEL" || c == "HGET"; }
bool multi_lookup(std::string_view c) { return c == "MGET" || c == "HMGET"; }
bool starts_push_mode(std::string_view c) {
    return c == "SUBSCRIBE" || c == "PSUBSCRIBE" || c == "SSUBSCRIBE" || c == "MONITOR";
}

class RedisConsumer final : public TwoWayConsumer<RespReader, RespEvents> {
public:
    RedisConsumer(const AppEndpoints& ep, AppContext ctx)
        : TwoWayConsumer(ep, ctx), client_ev_(*this, true), server_ev_(*this, false) {}

private:
    struct Pending {
        FrameRef frame;
        double ts = 0;
        std::string command, key;
    };
    struct Side final : RespEvents {
        RedisConsumer& c;
        bool client;
        RespSummary sum;
        Side(RedisConsumer& owner, bool is_client) : c(owner), client(is_client) {}
        void value_start(std::size_t) override { sum.clear(); }
        void item(const RespItem& it) override { sum.add(it); }
        void value_end(std::size_t) override { client ? c.command(sum) : c.reply(sum); }
        // Which reply answers which command is unknown from here: stop.
        void malformed(RespAnomaly) override { c.stop(); }
    };

    RespEvents& events(bool from_client) override { return from_client ? client_ev_ : server_ev_; }
    void closed(bool at_capture_end) override {
        for (const Pending& p : pending_) emit_unanswered(p, at_capture_end);
    }
    void forget() override { pending_.clear(); }

    void command(const RespSummary& s) {
        if (s.argc == 0) return;
        Pending p;
        p.frame = ctx_.clock.where;
        p.ts = ctx_.clock.ts;
        p.command = upper(s.args[0]);
        p.key = escaped(s.args[1]);
        if (pending_.size() >= kMaxPending) pending_.pop_front();
        const bool push_mode = starts_push_mode(p.command);
        pending_.push_back(std::move(p));
        // Its first reply is paired below; what follows is not (see top).
        push_mode_after_ = push_mode_after_ || push_mode;
    }

    void reply(const RespSummary& s) {
        if (s.type == '>') return;  // RESP3 push: out of band
        if (pending_.empty()) return;  // picked up mid-way: nothing to pair with
        const Pending p = std::move(pending_.front());
        pending_.pop_front();
        CacheTransaction t = base();
        t.where = ctx_.clock.where;
        t.ts = ctx_.clock.ts;
        t.request_frame = p.frame;
        t.request_ts = p.ts;
        t.reply_frame = ctx_.clock.where;
        t.command = p.command;
        t.key = p.key;
        t.latency = ctx_.clock.ts - p.ts;
        switch (s.type) {
            case '+': case ':': t.reply = CacheReply::Ok; break;
            case '-': case '!': t.reply = CacheReply::Error; break;
            case '_': t.reply = CacheReply::Null; break;
            case '$': case '*': t.reply = s.n < 0 ? CacheReply::Null : CacheReply::Value; break;
            default: t.reply = CacheReply::Value; break;
        }
        if (t.reply == CacheReply::Error) {
            t.error_kind = escaped(resp_error_kind(s.text));
            t.error_text = escaped(s.text);
        }
        if (single_lookup(t.command) && (t.reply == CacheReply::Value || t.reply == CacheReply::Null)) {
            (t.reply == CacheReply::Value ? t.hits : t.misses) = 1;
        } else if (multi_lookup(t.command) && s.type == '*' && s.n >= 0) {
            t.misses = s.nulls;
            t.hits = s.elements - s.nulls;
        }
        ctx_.bus.publish(t);
        if (push_mode_after_ && pending_.empty()) stop();
    }

    void emit_unanswered(const Pending& p, bool at_capture_end) {
        CacheTransaction t = base();
        t.where = p.frame;
        t.ts = p.ts;
        t.request_frame = p.frame;
        t.request_ts = p.ts;
        t.command = p.command;
        t.key = p.key;
        t.reply = CacheReply::Unanswered;
        t.at_capture_end = at_capture_end;
        ctx_.bus.publish(t);
    }

    CacheTransaction base() const {
        CacheTransaction t;
        t.proto = CacheProto::Redis;
        set_endpoints(t, ep_);
        return t;
    }

    Side client_ev_, server_ev_;
    std::deque<Pending> pending_;
    bool push_mode_after_ = false;
};

std::unique_ptr<StreamConsumer> make_redis(const AppEndpoints& ep, AppContext ctx) {
    return std::make_unique<RedisConsumer>(ep, ctx);
}

}  // namespace

extern const AppProtocol kRedisProtocol{"resp", make_redis, nullptr};

}  // namespace netdx
