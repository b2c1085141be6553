// memcached's text protocol over reassembled TCP: commands and replies read
// by MemcacheReader (dissectors/memcache/memcache_stream.hpp, shared with the
// packet view), paired in order into one CacheTransaction per command.
// Commands sent with `noreply` (and `quit`) expect no reply and are not
// paired; a get's reply counts one hit per VALUE and one miss per other key.
// A stream that does not parse (or the binary protocol), or a gap outside a
// data block, ends the reading of the flow.
#include <deque>
#include <string>

#include "app/two_way_consumer.hpp"
#include "core/escape.hpp"
#include "dissectors/memcache/memcache_stream.hpp"
#include "events/cache_events.hpp"

namespace netdx {

namespace {

constexpr std::size_t kMaxPending = 4096;

std::string capped(std::string_view s, std::size_t cap = kCacheTextCap) {
    return escaped(s.substr(0, std::min(s.size(), cap)));
}

bool is_lookup(std::string_view c) { return c == "get" || c == "gets" || c == "gat" || c == "gats"; }

class MemcacheConsumer final : public TwoWayConsumer<MemcacheReader, MemcacheEvents> {
public:
    MemcacheConsumer(const AppEndpoints& ep, AppContext ctx)
        : TwoWayConsumer(ep, ctx), client_ev_(*this, true), server_ev_(*this, false) {}

private:
    struct Pending {
        FrameRef frame;
        double ts = 0;
        std::string command, key;
        std::uint32_t keys = 0;
    };
    // The reply so far: its VALUE count and its last line, which decides it
    // (the only line of a status reply; END or an error after VALUEs).
    struct Reply {
        std::string word, line;
        std::uint32_t values = 0;
    };
    struct Side final : MemcacheEvents {
        MemcacheConsumer& c;
        bool client;
        Reply r;
        Side(MemcacheConsumer& owner, bool is_client) : c(owner), client(is_client) {}
        void message_start(std::size_t) override { r = Reply{}; }
        void line(const MemcacheLine& l, std::string_view, std::int64_t) override {
            if (client) return c.command(l);
            if (l.word(0) == "VALUE" || l.word(0) == "VA") ++r.values;
            r.word = std::string(l.word(0).substr(0, 32));
            r.line = capped(l.line);
        }
        void message_end(std::size_t) override {
            if (!client) c.reply(r);
        }
        void malformed(MemcacheAnomaly) override { c.stop(); }
    };

    MemcacheEvents& events(bool from_client) override { return from_client ? client_ev_ : server_ev_; }
    void closed(bool at_capture_end) override {
        for (const Pending& p : pending_) emit_unanswered(p, at_capture_end);
    }
    void forget() override { pending_.clear(); }

    void command(const MemcacheLine& l) {
        const std::string_view cmd = l.word(0);
        if (cmd.empty()) return;
        // noreply: the last word; quit closes without a reply.
        if (l.word(l.count - 1) == "noreply" || cmd == "quit") return;
        Pending p;
        p.frame = ctx_.clock.where;
        p.ts = ctx_.clock.ts;
        p.command = capped(cmd, 32);
        int first = 0, last = 0;
        memcache_key_words(l, first, last);
        if (first < last) p.key = capped(l.word(first));
        p.keys = static_cast<std::uint32_t>(last - first);
        if (is_lookup(cmd) && l.total > l.count) p.keys += static_cast<std::uint32_t>(l.total - l.count);
        if (pending_.size() >= kMaxPending) pending_.pop_front();
        pending_.push_back(std::move(p));
    }

    void reply(const Reply& r) {
        if (pending_.empty()) return;
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
        const std::string_view w = r.word;
        if (w == "ERROR" || w == "CLIENT_ERROR" || w == "SERVER_ERROR") {
            t.reply = CacheReply::Error;
            t.error_kind = std::string(w);
            t.error_text = r.line;
        } else if (w == "NOT_STORED" || w == "NOT_FOUND" || w == "EXISTS" || w == "NS" || w == "NF" || w == "EX") {
            t.reply = CacheReply::NotDone;
        } else if (r.values > 0) {
            t.reply = CacheReply::Value;
        } else if (w == "END" || w == "EN") {
            t.reply = is_lookup(p.command) || p.command == "mg" ? CacheReply::Null : CacheReply::Ok;
        } else {
            t.reply = CacheReply::Ok;
        }
        if ((is_lookup(p.command) || p.command == "mg") && t.reply != CacheReply::Error) {
            t.hits = std::min(r.values, std::max<std::uint32_t>(p.keys, 1));
            t.misses = std::max<std::uint32_t>(p.keys, 1) - t.hits;
        }
        ctx_.bus.publish(t);
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
        t.proto = CacheProto::Memcached;
        set_endpoints(t, ep_);
        return t;
    }

    Side client_ev_, server_ev_;
    std::deque<Pending> pending_;
};

std::unique_ptr<StreamConsumer> make_memcache(const AppEndpoints& ep, AppContext ctx) {
    return std::make_unique<MemcacheConsumer>(ep, ctx);
}

}  // namespace

extern const AppProtocol kMemcacheProtocol{"memcache", make_memcache, nullptr};

}  // namespace netdx
