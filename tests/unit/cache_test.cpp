// Redis and memcached: the shared stream readers (dissectors/redis/resp_stream,
// dissectors/memcache/memcache_stream) over whole, split-at-every-byte and
// truncated streams; the analysis consumers (src/app/redis.cpp, memcache.cpp)
// pairing commands and replies; the cache rules (src/rules/rules_cache.cpp).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "app/app_stream.hpp"
#include "dissectors/memcache/memcache_stream.hpp"
#include "dissectors/redis/resp_stream.hpp"
#include "events/cache_events.hpp"
#include "flow/flow.hpp"
#include "framer_feed.hpp"
#include "rules_helpers.hpp"

using namespace netdx;

namespace {

// What a reader reports, as text, with top-level ends by their absolute offset.
struct RespLog final : RespEvents {
    std::vector<std::string> log;
    std::size_t base = 0;
    void value_start(std::size_t at) override { log.push_back("start@" + std::to_string(base + at)); }
    void item(const RespItem& it) override {
        log.push_back(fmt::format("{}{}:{}:{}{}", std::string(static_cast<std::size_t>(it.depth), '.'), it.type, it.n,
                                  it.text, it.text_cut ? "~" : ""));
    }
    void value_end(std::size_t at) override { log.push_back("end@" + std::to_string(base + at)); }
    void malformed(RespAnomaly a) override { log.push_back(resp_anomaly_name(a)); }
};

std::vector<std::string> resp_read(std::string_view bytes, bool client, std::size_t chunk) {
    RespReader r(client);
    RespLog ev;
    return read_in_chunks(r, ev, bytes, chunk);
}

struct McLog final : FramerLog<MemcacheEvents> {
    void line(const MemcacheLine& l, std::string_view data, std::int64_t len) override {
        log.push_back(fmt::format("{}|{}|{}", l.line, data, len));
    }
    void malformed(MemcacheAnomaly a) override { log.push_back(memcache_anomaly_name(a)); }
};

std::vector<std::string> mc_read(std::string_view bytes, bool client, std::size_t chunk) {
    MemcacheReader r(client);
    McLog ev;
    return read_in_chunks(r, ev, bytes, chunk);
}

const std::string kRedisReplies =
    "+OK\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n:42\r\n$5\r\nalice\r\n$-1\r\n"
    "*3\r\n$1\r\na\r\n*2\r\n:1\r\n$-1\r\n$0\r\n\r\n*-1\r\n_\r\n%1\r\n+k\r\n,1.5\r\n>2\r\n+message\r\n$1\r\nx\r\n"
    "|1\r\n+ttl\r\n:5\r\n+annotated\r\n";

const std::string kRedisCommands = "*3\r\n$3\r\nSET\r\n$6\r\nuser:1\r\n$5\r\nalice\r\nPING\r\n\r\n*2\r\n$3\r\nGET\r\n$6\r\nuser:1\r\n";

// One client and one server over a consumer from the protocol table, recording what it publishes.
struct CacheSession {
    EventBus bus;
    AppClock clock;
    std::unique_ptr<StreamConsumer> c;
    std::vector<CacheTransaction> tx;
    std::uint64_t frame = 0;
    explicit CacheSession(std::uint16_t port) {
        bus.subscribe<&CacheSession::on_cache>(this);
        AppEndpoints ep;
        const std::uint8_t cl[4] = {10, 0, 0, 2}, sv[4] = {10, 0, 0, 9};
        ep.client = IpAddress::v4(cl);
        ep.server = IpAddress::v4(sv);
        ep.client_port = 40000;
        ep.server_port = port;
        ep.flow_id = 1;
        const AppProtocol* p = app_protocol_for_port(port);
        if (p) c = p->make(ep, AppContext{bus, clock});
    }
    void on_cache(const CacheTransaction& t) { tx.push_back(t); }
    void send(int dir, std::string_view s, double ts) {
        clock.where = {0, ++frame};
        clock.ts = ts;
        c->on_data(dir, Bytes(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
    }
    // Every byte in its own segment.
    void send_bytes(int dir, std::string_view s, double ts) {
        for (std::size_t i = 0; i < s.size(); ++i) send(dir, s.substr(i, 1), ts);
    }
};

}  // namespace

TEST_CASE("resp reader: replies split at every byte read as in one piece (RESP2 and RESP3)") {
    const auto whole = resp_read(kRedisReplies, false, kRedisReplies.size());
    // 11 top-level values; an attribute map annotates the value after it.
    CHECK(std::count_if(whole.begin(), whole.end(), [](auto& s) { return s.rfind("end@", 0) == 0; }) == 11);
    CHECK(whole[1] == "+:0:OK");
    CHECK(whole[4] == "-:0:WRONGTYPE Operation against a key holding the wrong kind of value");
    CHECK(std::find(whole.begin(), whole.end(), "$:5:alice") != whole.end());
    CHECK(std::find(whole.begin(), whole.end(), "..$:-1:") != whole.end());  // nested nil
    CHECK(whole.back() == "end@" + std::to_string(kRedisReplies.size()));
    for (std::size_t chunk = 1; chunk <= 7; ++chunk) CHECK(resp_read(kRedisReplies, false, chunk) == whole);
}

TEST_CASE("resp reader: commands, inline commands, blank lines; truncated streams end no value") {
    const auto whole = resp_read(kRedisCommands, true, kRedisCommands.size());
    CHECK(std::find(whole.begin(), whole.end(), "i:0:PING") != whole.end());
    CHECK(std::count_if(whole.begin(), whole.end(), [](auto& s) { return s.rfind("end@", 0) == 0; }) == 3);
    CHECK(resp_read(kRedisCommands, true, 1) == whole);
    // Every truncation: no value ends past the cut, nothing is malformed.
    for (std::size_t cut = 0; cut < kRedisReplies.size(); ++cut) {
        const auto part = resp_read(std::string_view(kRedisReplies).substr(0, cut), false, 3);
        for (const auto& s : part) {
            CHECK(s.find("resp.") == std::string::npos);
            if (s.rfind("end@", 0) == 0) CHECK(std::stoul(s.substr(4)) <= cut);
        }
    }
}

TEST_CASE("resp reader: named anomalies; long bulk strings kept in part") {
    CHECK(resp_read("?what\r\n", false, 64).back() == "resp.bad_type");
    CHECK(resp_read("$abc\r\n", false, 64).back() == "resp.bad_length");
    CHECK(resp_read("$3\r\nabcX\r\n", false, 64).back() == "resp.bad_bulk_end");
    std::string deep;
    for (int i = 0; i < 40; ++i) deep += "*1\r\n";
    CHECK(resp_read(deep, false, 64).back() == "resp.too_deep");
    CHECK(resp_read(std::string(70000, 'A'), true, 1000).back() == "resp.line_too_long");
    const std::string big = "$300\r\n" + std::string(300, 'x') + "\r\n";
    const auto log = resp_read(big, false, 7);
    CHECK(log[1] == "$:300:" + std::string(RespReader::kKeep, 'x') + "~");
    // A gap inside a bulk body keeps the framing; elsewhere it stops the reader.
    RespReader r(false);
    RespLog ev;
    r.feed("$10\r\nab", ev);
    r.gap(6, ev);
    r.feed("ij\r\n+OK\r\n", ev);
    CHECK(ev.log.back() == "end@9");
    CHECK_FALSE(r.stopped());
    r.gap(3, ev);
    CHECK(r.stopped());
}

TEST_CASE("redis consumer: pipelined commands pair in order; errors, nil, hits and misses, latency") {
    for (bool bytewise : {false, true}) {
        CacheSession s(6379);
        REQUIRE(s.c);
        const std::string cmds = "*2\r\n$3\r\nGET\r\n$1\r\na\r\n*2\r\n$3\r\nget\r\n$1\r\nb\r\n"
                                 "*3\r\n$5\r\nLPUSH\r\n$1\r\na\r\n$1\r\nx\r\n*4\r\n$4\r\nMGET\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"
                                 "EXISTS a\r\n";
        const std::string replies = "$5\r\nhello\r\n$-1\r\n-WRONGTYPE Operation against a key\r\n"
                                    "*3\r\n$5\r\nhello\r\n$-1\r\n$-1\r\n:1\r\n";
        if (bytewise) {
            s.send_bytes(0, cmds, 1.0);
            s.send_bytes(1, replies, 1.25);
        } else {
            s.send(0, cmds, 1.0);
            s.send(1, replies, 1.25);
        }
        REQUIRE(s.tx.size() == 5);
        CHECK(s.tx[0].command == "GET");
        CHECK(s.tx[0].key == "a");
        CHECK(s.tx[0].reply == CacheReply::Value);
        CHECK(s.tx[0].hits == 1);
        CHECK(s.tx[1].command == "GET");  // upper-cased
        CHECK(s.tx[1].reply == CacheReply::Null);
        CHECK(s.tx[1].misses == 1);
        CHECK(s.tx[2].reply == CacheReply::Error);
        CHECK(s.tx[2].error_kind == "WRONGTYPE");
        CHECK(s.tx[3].command == "MGET");
        CHECK(s.tx[3].hits == 1);
        CHECK(s.tx[3].misses == 2);
        CHECK(s.tx[4].command == "EXISTS");  // inline
        CHECK(s.tx[4].reply == CacheReply::Ok);
        CHECK(s.tx[4].latency == doctest::Approx(0.25));
    }
}

TEST_CASE("redis consumer: unanswered at close; RESP3 pushes are not replies; subscribe stops pairing") {
    CacheSession s(6379);
    s.send(0, "*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", 1);
    s.send(1, ">2\r\n+invalidate\r\n$1\r\nk\r\n+PONG\r\n", 2);
    s.c->on_close(EndReason::Fin);
    REQUIRE(s.tx.size() == 2);
    CHECK(s.tx[0].command == "PING");
    CHECK(s.tx[0].reply == CacheReply::Ok);
    CHECK(s.tx[1].reply == CacheReply::Unanswered);

    CacheSession p(6379);
    p.send(0, "*2\r\n$9\r\nSUBSCRIBE\r\n$2\r\nch\r\n", 1);
    p.send(1, "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n", 2);
    p.c->on_close(EndReason::Fin);
    CHECK(p.tx.size() == 1);
}

TEST_CASE("memcache reader: commands with data blocks, VALUE lists and status replies at every split") {
    const std::string client = "set k 0 300 5\r\nhello\r\nget k x y\r\nincr n 1 noreply\r\nset bad 0 0 abc\r\n";
    const std::string server = "STORED\r\nVALUE k 0 5\r\nhello\r\nVALUE x 3 2\r\nhi\r\nEND\r\nSTAT pid 1\r\nSTAT up 2\r\nEND\r\n"
                               "CLIENT_ERROR bad command line format\r\n";
    const auto c = mc_read(client, true, client.size());
    CHECK(c[1] == "set k 0 300 5|hello|5");
    CHECK(c[4] == "get k x y||-1");
    CHECK(c.back() == "end@" + std::to_string(client.size()));
    const auto s = mc_read(server, false, server.size());
    CHECK(std::count_if(s.begin(), s.end(), [](auto& x) { return x.rfind("end@", 0) == 0; }) == 4);
    CHECK(s[4] == "VALUE k 0 5|hello|5");
    for (std::size_t chunk = 1; chunk <= 5; ++chunk) {
        CHECK(mc_read(client, true, chunk) == c);
        CHECK(mc_read(server, false, chunk) == s);
    }
    CHECK(mc_read("\x80\x01", true, 2).back() == "memcache.binary_not_read");
    CHECK(mc_read("set k 0 0 2\r\nabcd\r\n", true, 4).back() == "memcache.bad_data_end");
}

TEST_CASE("memcached consumer: hits and misses of a multi-get, noreply unpaired, error kinds") {
    CacheSession s(11211);
    REQUIRE(s.c);
    const std::string cmds = "set a 0 0 1 noreply\r\nx\r\nget a b c\r\nincr a 1\r\nfoo\r\nset big 0 0 3\r\nabc\r\nget zz\r\n";
    const std::string replies = "VALUE a 0 1\r\nx\r\nEND\r\nCLIENT_ERROR cannot increment or decrement non-numeric value\r\n"
                                "ERROR\r\nSERVER_ERROR object too large for cache\r\nEND\r\n";
    s.send_bytes(0, cmds, 1);
    s.send_bytes(1, replies, 1.5);
    REQUIRE(s.tx.size() == 5);
    CHECK(s.tx[0].command == "get");
    CHECK(s.tx[0].reply == CacheReply::Value);
    CHECK(s.tx[0].hits == 1);
    CHECK(s.tx[0].misses == 2);
    CHECK(s.tx[1].error_kind == "CLIENT_ERROR");
    CHECK(s.tx[2].command == "foo");
    CHECK(s.tx[2].error_kind == "ERROR");
    CHECK(s.tx[3].error_kind == "SERVER_ERROR");
    CHECK(s.tx[3].error_text == "SERVER_ERROR object too large for cache");
    CHECK(s.tx[4].reply == CacheReply::Null);
    CHECK(s.tx[4].misses == 1);
}

namespace {

CacheTransaction tx(CacheProto p, std::string cmd, CacheReply r, double ts, double latency, std::uint64_t frame) {
    CacheTransaction t;
    t.proto = p;
    t.client = rt::lan(2);
    t.server = rt::lan(9);
    t.client_port = 40000;
    t.server_port = p == CacheProto::Redis ? 6379 : 11211;
    t.command = std::move(cmd);
    t.reply = r;
    t.where = t.reply_frame = {0, frame + 1};
    t.request_frame = {0, frame};
    t.ts = ts;
    t.request_ts = ts - latency;
    t.latency = latency;
    return t;
}

}  // namespace

TEST_CASE("cache rules: error replies per server and kind; nothing on a healthy session") {
    rt::Run run;
    for (int i = 0; i < 3; ++i) {
        CacheTransaction t = tx(CacheProto::Redis, "GET", CacheReply::Error, 1 + i, 0.001, 10 + 2 * static_cast<unsigned>(i));
        t.error_kind = "NOAUTH";
        t.error_text = "NOAUTH Authentication required.";
        run->publish(t);
    }
    CacheTransaction w = tx(CacheProto::Redis, "LPUSH", CacheReply::Error, 5, 0.001, 30);
    w.error_kind = "WRONGTYPE";
    run->publish(w);
    // A client library's capability probe refused by an older server: not counted.
    CacheTransaction probe = tx(CacheProto::Redis, "CLIENT", CacheReply::Error, 5.5, 0.001, 34);
    probe.key = "SetInfo";
    probe.error_kind = "ERR";
    run->publish(probe);
    CacheTransaction m = tx(CacheProto::Memcached, "set", CacheReply::Error, 6, 0.001, 40);
    m.error_kind = "SERVER_ERROR";
    run->publish(m);
    for (int i = 0; i < 200; ++i) {  // healthy traffic on another server: GETs that hit, fast
        CacheTransaction h = tx(CacheProto::Redis, "GET", CacheReply::Value, 10 + i * 0.01, 0.0002 + (i % 7) * 0.0001,
                                100 + 2 * static_cast<unsigned>(i));
        h.server = rt::lan(10);
        h.hits = 1;
        run->publish(h);
    }
    const auto fs = run.finish();
    CHECK(rt::count(fs, "redis.error_replies") == 2);
    CHECK(rt::count(fs, "memcached.error_replies") == 1);
    const Finding* f = rt::get(fs, "redis.error_replies");
    REQUIRE(f);
    CHECK(f->title.find("NOAUTH") != std::string::npos);
    CHECK(f->evidence.total == 6);
    CHECK(rt::has_host(*f, "10.9.0.9"));
    CHECK(rt::count(fs, "cache.low_hit_ratio") == 0);
    CHECK(rt::count(fs, "cache.slow_commands") == 0);
}

TEST_CASE("cache rules: low hit ratio only with enough lookups") {
    for (int lookups : {19, 20}) {
        rt::Run run;
        for (int i = 0; i < lookups; ++i) {
            CacheTransaction t = tx(CacheProto::Memcached, "get", i < 4 ? CacheReply::Value : CacheReply::Null, 1 + i,
                                    0.0003, 2 * static_cast<unsigned>(i) + 1);
            (i < 4 ? t.hits : t.misses) = 1;
            run->publish(t);
        }
        const auto fs = run.finish();
        CHECK(rt::count(fs, "cache.low_hit_ratio") == (lookups >= 20 ? 1 : 0));
    }
}

TEST_CASE("cache rules: slow commands over the server's fastest reply; blocking commands left out") {
    rt::Run run;
    unsigned frame = 1;
    // A distant server: every reply takes the 80 ms round trip; SMEMBERS adds 300 ms four times.
    for (int i = 0; i < 30; ++i) run->publish(tx(CacheProto::Redis, "GET", CacheReply::Value, 1 + i, 0.080, frame += 2));
    for (int i = 0; i < 4; ++i)
        run->publish(tx(CacheProto::Redis, "SMEMBERS", CacheReply::Value, 40 + i, 0.380, frame += 2));
    for (int i = 0; i < 5; ++i) run->publish(tx(CacheProto::Redis, "BLPOP", CacheReply::Value, 50 + i, 5.0, frame += 2));
    const auto fs = run.finish();
    REQUIRE(rt::count(fs, "cache.slow_commands") == 1);
    const Finding* f = rt::get(fs, "cache.slow_commands");
    CHECK(f->title.find("SMEMBERS") != std::string::npos);
    CHECK(f->evidence.total == 8);
}

TEST_CASE("cache readers and consumers: mutated streams stay in bounds (deterministic, cheap fuzz)") {
    std::uint32_t seed = 12345;
    const auto rnd = [&seed] {
        seed = seed * 1664525u + 1013904223u;
        return seed >> 8;
    };
    const std::string bases[] = {kRedisReplies, kRedisCommands,
                                 "set k 0 0 5\r\nhello\r\nVALUE k 0 5\r\nhello\r\nEND\r\nget a b\r\nSTAT x 1\r\nEND\r\n"};
    for (int round = 0; round < 300; ++round) {
        std::string s = bases[static_cast<std::size_t>(round) % 3];
        for (int m = 0; m < 1 + round % 6; ++m) {
            const std::size_t at = rnd() % s.size();
            switch (rnd() % 3) {
                case 0: s[at] = static_cast<char>(rnd()); break;
                // Strings rebuilt, not edited in place (erase/insert/assign of a
                // literal): GCC 12's -Wrestrict misfires on this loop at -O3.
                case 1: s = s.substr(0, at) + s.substr(std::min(s.size(), at + 1 + rnd() % 4)); break;
                default: s = s.substr(0, at) + std::string(1 + rnd() % 3, "$*:\r\n0-9"[rnd() % 8]) + s.substr(at); break;
            }
            if (s.empty()) s.push_back('x');
        }
        const std::size_t chunk = 1 + rnd() % 9;
        for (const auto& line : resp_read(s, round % 2 == 0, chunk))
            if (line.rfind("end@", 0) == 0) CHECK(std::stoul(line.substr(4)) <= s.size());
        for (const auto& line : mc_read(s, round % 2 == 0, chunk))
            if (line.rfind("end@", 0) == 0) CHECK(std::stoul(line.substr(4)) <= s.size());
        for (std::uint16_t port : {std::uint16_t{6379}, std::uint16_t{11211}}) {
            CacheSession c(port);
            c.send(round % 2, s.substr(0, s.size() / 2), 1);
            c.c->on_gap(round % 2, rnd() % 3);
            c.send(1 - round % 2, s, 2);
            c.send(round % 2, s.substr(s.size() / 2), 3);
            c.c->on_close(EndReason::Fin);
            for (const CacheTransaction& t : c.tx) CHECK(t.command.size() <= 4 * 32 + 8);
        }
    }
}
