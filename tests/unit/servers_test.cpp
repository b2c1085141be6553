// The per-server view's bounded estimators (latency quantiles, the
// concurrency timeline, distinct clients) checked against exact answers
// computed here, and the server table fed synthetic transactions and flows.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "events/cache_events.hpp"
#include "events/dns_events.hpp"
#include "events/flow_events.hpp"
#include "events/http_events.hpp"
#include "servers/client_count.hpp"
#include "servers/latency_histogram.hpp"
#include "servers/overload.hpp"
#include "servers/server_table.hpp"
#include "servers/timeline.hpp"

using namespace netdx;

namespace {

IpAddress ip4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    const std::uint8_t v[4] = {a, b, c, d};
    return IpAddress::v4(v);
}

// Nearest-rank quantile of a sorted vector.
double exact_quantile(const std::vector<double>& sorted, double q) {
    auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
    return sorted[std::max<std::size_t>(rank, 1) - 1];
}

FlowEnded tcp_flow(const IpAddress& client, const IpAddress& server, std::uint16_t port, double start, double end) {
    FlowEnded f;
    f.orig = client;
    f.resp = server;
    f.orig_port = 40000;
    f.resp_port = port;
    f.ip_proto = 6;
    f.first_ts = start;
    f.last_ts = end;
    f.ts = end;
    f.orig_bytes = 100;
    f.resp_bytes = 1000;
    f.orig_packets = 3;
    f.resp_packets = 4;
    f.syn_seen = true;
    f.established = true;
    f.end = FlowEndKind::Fin;
    return f;
}

HttpTransaction http(const IpAddress& client, const IpAddress& server, double req, double latency, int status) {
    HttpTransaction t;
    t.client = client;
    t.server = server;
    t.client_port = 40000;
    t.server_port = 80;
    t.has_request = true;
    t.request_ts = req;
    t.has_response = true;
    t.response_ts = req + latency;
    t.ts = req + latency;
    t.latency = latency;
    t.status = static_cast<std::uint16_t>(status);
    return t;
}

}  // namespace

TEST_CASE("latency histogram: quantiles within a bin's half-width of the exact ones") {
    std::mt19937 rng(7);
    // Log-uniform from 50 us to 5 s: every bin of the range is exercised.
    std::uniform_real_distribution<double> exp10(std::log10(5e-5), std::log10(5.0));
    LatencyHistogram h;
    std::vector<double> v;
    for (int i = 0; i < 20000; ++i) {
        const double x = std::pow(10.0, exp10(rng));
        v.push_back(x);
        h.add(x);
    }
    std::sort(v.begin(), v.end());
    CHECK(h.count() == v.size());
    // Half a bin of 4 per doubling (and a hair for a value on a bin's edge).
    const double tolerance = std::exp2(1.0 / 8) * 1.01;
    for (double q : {0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999}) {
        const double exact = exact_quantile(v, q), est = h.quantile(q);
        INFO("q=" << q << " exact=" << exact << " estimate=" << est);
        CHECK(est <= exact * tolerance);
        CHECK(est >= exact / tolerance);
    }
    CHECK(h.min() == v.front());
    CHECK(h.max() == v.back());
}

TEST_CASE("latency histogram: exact for a single value, empty, merge, out of range") {
    LatencyHistogram h;
    CHECK(h.quantile(0.5) == -1);
    h.add(0.0123);
    CHECK(h.quantile(0.5) == 0.0123);  // clamped to the exact min and max
    CHECK(h.quantile(0.99) == 0.0123);
    h.add(-1);  // not a latency
    h.add(std::nan(""));
    CHECK(h.count() == 1);
    LatencyHistogram g;
    for (int i = 0; i < 99; ++i) g.add(0.001);
    g.merge(h);
    CHECK(g.count() == 100);
    CHECK(g.quantile(0.5) == doctest::Approx(0.001).epsilon(0.1));
    CHECK(g.quantile(1.0) == 0.0123);
    LatencyHistogram wide;
    wide.add(1e-9);
    wide.add(1e6);  // past the last bin: lands in it, the max stays exact
    CHECK(wide.quantile(0) == 1e-9);
    CHECK(wide.quantile(1) == 1e6);
}

TEST_CASE("timeline: mean concurrency per slice from intervals in any order") {
    Timeline t(100.0);
    // Three connections: [100.5, 102.5], [101, 101.5], and one reported
    // first though it started earlier than the others ended, [100, 103].
    t.add_interval(100.0, 103.0);
    t.add_interval(101.0, 101.5);
    t.add_interval(100.5, 102.5);
    REQUIRE(t.width() == 1.0);
    CHECK(t.used() == 3);
    CHECK(t.concurrency(0) == doctest::Approx(1.5));  // [100,101): 1 + 0.5
    CHECK(t.concurrency(1) == doctest::Approx(2.5));  // [101,102): 1 + 0.5 + 1
    CHECK(t.concurrency(2) == doctest::Approx(1.5));  // [102,103): 1 + 0.5
    CHECK(t.peak_concurrency() == doctest::Approx(2.5));
}

TEST_CASE("timeline: widening keeps the totals and never grows") {
    Timeline t(0.0);
    double busy = 0;
    std::uint32_t requests = 0;
    for (int i = 0; i < 1000; ++i) {
        const double s = i * 0.7;
        t.add_interval(s, s + 2.0);  // two connections open at any time after the first second or so
        busy += 2.0;
        t.add_request(s, 0.01);
        ++requests;
    }
    CHECK(t.width() >= 700.0 / Timeline::kSlices);
    CHECK(t.used() <= Timeline::kSlices);
    double sum = 0;
    std::uint32_t reqs = 0;
    std::uint64_t samples = 0;
    for (int i = 0; i < t.used(); ++i) {
        sum += t.slice(i).busy;
        reqs += t.slice(i).requests;
        samples += t.latency(i).count();
    }
    CHECK(sum == doctest::Approx(busy));
    CHECK(reqs == requests);
    CHECK(samples == requests);
    // A new connection every 0.7 s, each open 2 s: 2/0.7 = 2.86 open on average.
    CHECK(t.concurrency(t.used() / 2) == doctest::Approx(2.0 / 0.7).epsilon(0.05));
}

TEST_CASE("client count: exact while small, an estimate within 10% when large") {
    ClientCount c;
    for (int i = 0; i < 50; ++i) c.add(ip4(10, 0, 0, static_cast<std::uint8_t>(i)));
    for (int i = 0; i < 50; ++i) c.add(ip4(10, 0, 0, static_cast<std::uint8_t>(i)));  // again: no change
    CHECK(c.count() == 50);
    CHECK_FALSE(c.estimated());
    for (int n : {100, 1000, 20000}) {
        ClientCount big;
        for (int i = 0; i < n; ++i)
            big.add(ip4(10, static_cast<std::uint8_t>(i >> 16), static_cast<std::uint8_t>(i >> 8),
                        static_cast<std::uint8_t>(i)));
        CHECK(big.estimated());
        INFO("n=" << n << " estimate=" << big.count());
        CHECK(std::abs(static_cast<double>(big.count()) - n) <= 0.1 * n);
    }
}

TEST_CASE("server table: requests, latency, errors by kind, bytes, concurrency") {
    ServerTable table;
    table.set_origin(0);
    const IpAddress web = ip4(192, 0, 2, 10), other = ip4(192, 0, 2, 11);
    // Two clients, ten requests: 2 answered 503, 1 answered 404.
    for (int i = 0; i < 10; ++i) {
        const int status = i < 2 ? 503 : (i == 2 ? 404 : 200);
        table.on_http(http(ip4(10, 0, 0, static_cast<std::uint8_t>(1 + i % 2)), web, i, 0.010 * (i + 1), status));
    }
    // One connection per client, overlapping for [2, 5).
    table.on_flow(tcp_flow(ip4(10, 0, 0, 1), web, 80, 0, 5));
    table.on_flow(tcp_flow(ip4(10, 0, 0, 2), web, 80, 2, 10));
    // Refused connections to another server; one reset on the first.
    FlowEnded refused = tcp_flow(ip4(10, 0, 0, 3), other, 8080, 1, 1.001);
    refused.established = false;
    refused.end = FlowEndKind::Rejected;
    table.on_flow(refused);
    FlowEnded reset = tcp_flow(ip4(10, 0, 0, 1), web, 80, 11, 12);
    reset.end = FlowEndKind::Rst;
    table.on_flow(reset);
    // A SYN nobody answered names no server.
    FlowEnded silent = tcp_flow(ip4(10, 0, 0, 3), ip4(192, 0, 2, 99), 80, 1, 4);
    silent.established = false;
    silent.end = FlowEndKind::NoAnswer;
    table.on_flow(silent);

    REQUIRE(table.servers().size() == 2);
    const ServerStats& s = *table.servers()[0];
    CHECK(s.service == "http");
    CHECK(s.clients.count() == 2);
    CHECK(s.requests == 10);
    CHECK(s.responses == 10);
    CHECK(s.connections == 3);
    CHECK(s.latency.count() == 10);
    CHECK(s.latency.quantile(0.5) == doctest::Approx(0.05).epsilon(0.1));
    CHECK(s.latency.max() == doctest::Approx(0.1));
    CHECK(s.request_rate() == doctest::Approx(10.0 / 9.0));
    CHECK(s.bytes_in == 300);
    CHECK(s.bytes_out == 3000);
    CHECK(s.timeline.peak_concurrency() == doctest::Approx(2.0));
    auto count_of = [](const ServerStats& st, std::string_view kind) -> std::uint64_t {
        for (const ErrorCount& e : st.errors)
            if (e.kind == kind) return e.count;
        return 0;
    };
    CHECK(count_of(s, "5xx") == 2);
    CHECK(count_of(s, "4xx") == 1);
    CHECK(count_of(s, "reset") == 1);
    const ServerStats& r = *table.servers()[1];
    CHECK(r.service == "http");  // 8080 is an HTTP port
    CHECK(r.connections == 0);
    CHECK(count_of(r, "refused") == 1);
}

TEST_CASE("server table: DNS rcodes, cache error kinds, the cap") {
    ServerTable table(2);
    table.set_origin(0);
    const IpAddress ns = ip4(192, 0, 2, 53);
    for (int i = 0; i < 6; ++i) {
        DnsTransaction t;
        t.client = ip4(10, 0, 0, 1);
        t.server = ns;
        t.server_port = 53;
        t.has_query = true;
        t.query_ts.sec = i;
        if (i < 5) {
            t.has_response = true;
            t.latency = 0.002;
            t.rcode = i < 2 ? 3 : (i == 2 ? 2 : 0);  // 2 NXDOMAIN, 1 SERVFAIL
        } else {
            t.end = DnsEnd::Timeout;
        }
        table.on_dns(t);
    }
    CacheTransaction c;
    c.proto = CacheProto::Redis;
    c.server = ip4(192, 0, 2, 63);
    c.server_port = 6379;
    c.reply = CacheReply::Error;
    c.error_kind = "WRONGTYPE";
    c.latency = 0.0005;
    table.on_cache(c);
    // A third server finds the table full.
    table.on_http(http(ip4(10, 0, 0, 1), ip4(192, 0, 2, 80), 1, 0.1, 200));
    table.on_http(http(ip4(10, 0, 0, 1), ip4(192, 0, 2, 80), 2, 0.1, 200));
    REQUIRE(table.servers().size() == 2);
    CHECK(table.dropped_events() == 2);
    CHECK(table.dropped_servers() == 1);
    const ServerStats& d = *table.servers()[0];
    CHECK(d.service == "dns");
    CHECK(d.key.ip_proto == 17);
    CHECK(d.requests == 6);
    CHECK(d.responses == 5);
    std::vector<std::string> kinds;
    for (const ErrorCount& e : d.errors) kinds.push_back(e.kind + "=" + std::to_string(e.count));
    CHECK(kinds == std::vector<std::string>{"NXDOMAIN=2", "SERVFAIL=1", "unanswered=1"});
    const ServerStats& r = *table.servers()[1];
    CHECK(r.service == "redis");
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].kind == "WRONGTYPE");
}

namespace {

// A minute of traffic to one HTTP server: every fourth second six
// connections are open, otherwise one; ten requests start each second,
// answered in `busy_latency` in the busy seconds and `quiet_latency` otherwise.
void load(ServerTable& t, const IpAddress& server, double quiet_latency, double busy_latency) {
    for (int sec = 0; sec < 60; ++sec) {
        const bool busy = sec % 4 == 0;
        for (int c = 0; c < (busy ? 6 : 1); ++c)
            t.on_flow(tcp_flow(ip4(10, 0, 1, static_cast<std::uint8_t>(c)), server, 80, sec, sec + 1));
        for (int r = 0; r < 10; ++r)
            t.on_http(http(ip4(10, 0, 1, static_cast<std::uint8_t>(r % 6)), server, sec + r * 0.05,
                           busy ? busy_latency : quiet_latency, 200));
    }
}

}  // namespace

TEST_CASE("overloaded: the one server slow when busy, among fast peers") {
    const IpAddress a = ip4(192, 0, 2, 1), b = ip4(192, 0, 2, 2), c = ip4(192, 0, 2, 3);
    ServerTable t;
    t.set_origin(0);
    load(t, a, 0.010, 0.300);
    load(t, b, 0.010, 0.012);
    load(t, c, 0.008, 0.011);
    const auto v = find_overloaded(t, OverloadParams{});
    REQUIRE(v.size() == 1);
    CHECK(v[0].server->key.ip == a);
    CHECK(v[0].busy_conc == doctest::Approx(6));
    CHECK(v[0].quiet_conc == doctest::Approx(1));
    CHECK(v[0].busy_samples == 150);
    CHECK(v[0].busy_p95 == doctest::Approx(0.3));       // clamped to the max seen
    CHECK(v[0].quiet_p50 == doctest::Approx(0.010).epsilon(0.45));  // within a coarse bin
    CHECK(v[0].peers.size() == 2);
}

TEST_CASE("overloaded: not without peers, not when peers are slow too, not when slow all the time") {
    const IpAddress a = ip4(192, 0, 2, 1), b = ip4(192, 0, 2, 2);
    {
        ServerTable alone;
        alone.set_origin(0);
        load(alone, a, 0.010, 0.300);
        CHECK(find_overloaded(alone, OverloadParams{}).empty());
    }
    {
        ServerTable both;  // the service is slow under load everywhere: not one server's problem
        both.set_origin(0);
        load(both, a, 0.010, 0.300);
        load(both, b, 0.010, 0.200);
        CHECK(find_overloaded(both, OverloadParams{}).empty());
    }
    {
        ServerTable flat;  // slow whatever the load: no rise with concurrency
        flat.set_origin(0);
        load(flat, a, 0.300, 0.300);
        load(flat, b, 0.010, 0.010);
        CHECK(find_overloaded(flat, OverloadParams{}).empty());
    }
    {
        ServerTable fast;  // a rise, but from 0.2 ms to 0.9 ms: still fast
        fast.set_origin(0);
        load(fast, a, 0.0002, 0.0009);
        load(fast, b, 0.0002, 0.0002);
        CHECK(find_overloaded(fast, OverloadParams{}).empty());
    }
}
