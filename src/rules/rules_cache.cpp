// Cache rules over the Redis and memcached consumers' transactions:
//  - redis.error_replies / memcached.error_replies: error replies per server
//    and error kind (NOAUTH, WRONGTYPE, ERR, OOM, READONLY ...; ERROR,
//    CLIENT_ERROR, SERVER_ERROR), with counts, commands, an example and frames;
//  - cache.low_hit_ratio: lookups (GET/MGET/HGET, get/gets) that found
//    nothing, per server, judged only with enough lookups;
//  - cache.slow_commands: per server and command, replies slower than a
//    threshold above the server's fastest reply (that floor is the network
//    round trip, so a distant server is not "slow" for every command).
//    Blocking commands (BLPOP, XREAD BLOCK, WAIT, ...) wait by design and
//    are left out.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "events/cache_events.hpp"
#include "rules/bounded.hpp"
#include "rules/format.hpp"
#include "rules/percentile.hpp"
#include "rules/rules_all.hpp"

namespace netdx {

namespace {

constexpr std::size_t kSamples = 4096;  // latencies kept per server and command

const char* proto_name(CacheProto p) { return p == CacheProto::Redis ? "Redis" : "memcached"; }

bool blocking(std::string_view c) {
    static constexpr std::string_view kBlocking[] = {"BLPOP",  "BRPOP",    "BRPOPLPUSH", "BLMOVE",   "BLMPOP",
                                                     "BZPOPMIN", "BZPOPMAX", "BZMPOP",   "XREAD",    "XREADGROUP",
                                                     "WAIT",   "WAITAOF"};
    return std::find(std::begin(kBlocking), std::end(kBlocking), c) != std::end(kBlocking);
}

bool iequal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return (x | 0x20) == (y | 0x20);
           });
}

// Errors that answer a client library's capability probe, which it expects
// from older servers and ignores: HELLO (RESP3) refused by Redis < 6 and
// CLIENT SETINFO (redis-py 5, go-redis 9 send it on every connect) refused
// by Redis < 7.2. Counting them would flag every such healthy connection.
bool capability_probe(const CacheTransaction& t) {
    return t.proto == CacheProto::Redis &&
           (t.command == "HELLO" || (t.command == "CLIENT" && iequal(t.key, "SETINFO")));
}

struct ServerKey {
    IpAddress ip;
    std::uint16_t port = 0;
    CacheProto proto = CacheProto::Redis;
    auto operator<=>(const ServerKey&) const = default;
};

std::string server_str(const ServerKey& k) { return endpoint_str(k.ip, k.port); }

struct ErrorGroup {
    std::uint64_t count = 0;
    double first = 0, last = 0;
    std::string example;
    std::map<std::string, std::uint64_t> commands;  // capped
    std::set<IpAddress> clients;                    // capped
    Evidence ev;
};

struct Samples {
    std::vector<double> latency;  // capped at kSamples
    std::uint64_t count = 0;
    double first = 0, last = 0;
    std::vector<std::pair<double, FrameRef>> slowest;  // the slowest replies' frames
};

struct Server {
    std::uint64_t commands = 0, hits = 0, misses = 0;
    double min_latency = -1;
    double first = 0, last = 0;
    std::set<IpAddress> clients;
    Evidence miss_ev;
    std::map<std::string, ErrorGroup> errors;  // by kind, capped
    std::map<std::string, Samples> by_command; // capped
};

std::string ms(double s) { return fmt::format("{:.0f} ms", s * 1000); }

class CacheRules final : public Rule {
public:
    explicit CacheRules(const RuleConfig& c)
        : redis_min_(c.number("redis.error_replies", "min_count")),
          mc_min_(c.number("memcached.error_replies", "min_count")),
          min_lookups_(c.number("cache.low_hit_ratio", "min_lookups")),
          max_ratio_(c.number("cache.low_hit_ratio", "max_ratio")),
          slow_s_(c.number("cache.slow_commands", "threshold_s")),
          min_slow_(c.number("cache.slow_commands", "min_slow")) {}

    void subscribe(EventBus& bus) override { bus.subscribe<&CacheRules::on_cache>(this); }

    void on_cache(const CacheTransaction& t) {
        Server* s = servers_.get(ServerKey{t.server, t.server_port, t.proto});
        if (!s) return;
        if (!s->commands) s->first = t.ts;
        ++s->commands;
        s->last = t.ts;
        if (s->clients.size() < 8) s->clients.insert(t.client);
        if (t.reply == CacheReply::Unanswered) return;
        if (t.reply == CacheReply::Error && !capability_probe(t)) add_error(*s, t);
        s->hits += t.hits;
        s->misses += t.misses;
        if (t.misses) s->miss_ev.add(t.reply_frame);
        if (t.latency < 0) return;
        if (s->min_latency < 0 || t.latency < s->min_latency) s->min_latency = t.latency;
        const std::string& cmd = t.command;
        auto it = s->by_command.find(cmd);
        if (it == s->by_command.end()) {
            if (s->by_command.size() >= 64) return;
            it = s->by_command.emplace(cmd, Samples{}).first;
        }
        Samples& sm = it->second;
        if (!sm.count) sm.first = t.ts;
        ++sm.count;
        sm.last = t.ts;
        if (sm.latency.size() < kSamples) sm.latency.push_back(t.latency);
        sm.slowest.emplace_back(t.latency, t.request_frame);
        sm.slowest.emplace_back(t.latency, t.reply_frame);
        if (sm.slowest.size() > 64) {
            std::sort(sm.slowest.begin(), sm.slowest.end(), [](auto& a, auto& b) { return a.first > b.first; });
            sm.slowest.resize(32);
        }
    }

    void finish(FinishContext& ctx) override {
        for (auto& [k, s] : servers_) {
            errors(ctx, k, s);
            hit_ratio(ctx, k, s);
            slow(ctx, k, s);
        }
    }

    [[nodiscard]] std::uint64_t dropped() const override { return servers_.dropped(); }

private:
    static void add_error(Server& s, const CacheTransaction& t) {
        auto it = s.errors.find(t.error_kind);
        if (it == s.errors.end()) {
            if (s.errors.size() >= 32) return;
            it = s.errors.emplace(t.error_kind, ErrorGroup{}).first;
        }
        ErrorGroup& g = it->second;
        if (!g.count) {
            g.first = t.ts;
            g.example = t.error_text;
        }
        ++g.count;
        g.last = t.ts;
        if (auto c = g.commands.find(t.command); c != g.commands.end()) ++c->second;
        else if (g.commands.size() < 16) g.commands.emplace(t.command, 1);
        if (g.clients.size() < 8) g.clients.insert(t.client);
        g.ev.add(t.request_frame);
        g.ev.add(t.reply_frame);
    }

    static void add_hosts(Finding& f, const ServerKey& k, const std::set<IpAddress>& clients) {
        f.hosts.push_back(ip_str(k.ip));
        for (const IpAddress& c : clients)
            if (c != k.ip) f.hosts.push_back(ip_str(c));
    }

    void errors(FinishContext& ctx, const ServerKey& k, const Server& s) {
        const bool redis = k.proto == CacheProto::Redis;
        const double min = redis ? redis_min_ : mc_min_;
        for (const auto& [kind, g] : s.errors) {
            if (static_cast<double>(g.count) < min) continue;
            std::vector<std::pair<std::string, std::uint64_t>> cmds(g.commands.begin(), g.commands.end());
            std::sort(cmds.begin(), cmds.end(), [](auto& a, auto& b) { return a.second > b.second; });
            Finding f;
            f.key = fmt::format("{} {}", server_str(k), kind);
            f.title = fmt::format("{} server {} answered {} command(s) with {} errors", proto_name(k.proto),
                                  server_str(k), g.count, kind);
            f.detail = fmt::format("Example: \"{}\". Commands (x count): {}. {} of {} commands failed. Clients: {}.",
                                   g.example,
                                   join(cmds, [](auto& p) { return fmt::format("{} x{}", p.first, p.second); }),
                                   g.count, s.commands, join(g.clients, ip_str));
            add_hosts(f, k, g.clients);
            f.first_ts = g.first;
            f.last_ts = g.last;
            f.figures = {{"errors", static_cast<double>(g.count), ""}, {"commands", static_cast<double>(s.commands), ""}};
            f.evidence = g.ev;
            ctx.sink.raise(redis ? "redis.error_replies" : "memcached.error_replies", std::move(f));
        }
    }

    void hit_ratio(FinishContext& ctx, const ServerKey& k, const Server& s) {
        const std::uint64_t lookups = s.hits + s.misses;
        if (!lookups || static_cast<double>(lookups) < min_lookups_) return;
        const double ratio = static_cast<double>(s.hits) / static_cast<double>(lookups);
        if (ratio >= max_ratio_) return;
        Finding f;
        f.key = server_str(k);
        f.title = fmt::format("{} server {} found {} of {} looked-up keys ({:.0f}% hit ratio)", proto_name(k.proto),
                              f.key, s.hits, lookups, ratio * 100);
        f.detail = fmt::format("{} lookup(s) missed. Clients: {}.", s.misses, join(s.clients, ip_str));
        add_hosts(f, k, s.clients);
        f.first_ts = s.first;
        f.last_ts = s.last;
        f.figures = {{"hits", static_cast<double>(s.hits), ""},
                     {"misses", static_cast<double>(s.misses), ""},
                     {"hit_ratio", ratio * 100, "%"}};
        f.evidence = s.miss_ev;
        ctx.sink.raise("cache.low_hit_ratio", std::move(f));
    }

    void slow(FinishContext& ctx, const ServerKey& k, const Server& s) {
        const double floor = std::max(0.0, s.min_latency);
        for (const auto& [cmd, sm] : s.by_command) {
            if (blocking(cmd)) continue;
            std::uint64_t n_slow = 0;
            for (double l : sm.latency)
                if (l - floor > slow_s_) ++n_slow;
            if (!n_slow || static_cast<double>(n_slow) < min_slow_) continue;
            const double p50 = percentile(sm.latency, 0.5), p95 = percentile(sm.latency, 0.95),
                         mx = *std::max_element(sm.latency.begin(), sm.latency.end());
            Finding f;
            f.key = fmt::format("{} {}", server_str(k), cmd);
            f.title = fmt::format("{} server {}: {} of {} {} commands took over {} (p50 {}, p95 {}, max {})",
                                  proto_name(k.proto), server_str(k), n_slow, sm.latency.size(), cmd, ms(slow_s_),
                                  ms(p50), ms(p95), ms(mx));
            f.detail = fmt::format("Latency from the command to the end of its reply, over the server's fastest "
                                   "reply ({}, the network round trip). Clients: {}.",
                                   ms(floor), join(s.clients, ip_str));
            add_hosts(f, k, s.clients);
            f.first_ts = sm.first;
            f.last_ts = sm.last;
            f.figures = {{"slow", static_cast<double>(n_slow), ""},
                         {"commands", static_cast<double>(sm.latency.size()), ""},
                         {"p50", p50 * 1000, "ms"},
                         {"p95", p95 * 1000, "ms"},
                         {"max", mx * 1000, "ms"}};
            std::vector<std::pair<double, FrameRef>> top = sm.slowest;
            std::sort(top.begin(), top.end(), [](auto& a, auto& b) {
                return a.first != b.first ? a.first > b.first : a.second < b.second;
            });
            for (const auto& [lat, frame] : top)
                if (lat - floor > slow_s_) f.evidence.add(frame);
            std::sort(f.evidence.frames.begin(), f.evidence.frames.end());
            ctx.sink.raise("cache.slow_commands", std::move(f));
        }
    }

    double redis_min_, mc_min_, min_lookups_, max_ratio_, slow_s_, min_slow_;
    BoundedMap<ServerKey, Server, 4096> servers_{"cache.*: servers", "cache findings for further servers"};
};

}  // namespace

void add_cache_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c) {
    out.push_back(std::make_unique<CacheRules>(c));
}

}  // namespace netdx
