// Performance rules added for the slow-internet scenario: loss seen as holes
// before the capture point, one bad flow among good ones, low throughput
// against the packet-pair capacity, and slow DNS in front of connections.
#include <doctest/doctest.h>

#include "rules_helpers.hpp"

using namespace rt;

namespace {
TcpSegmentEvent data(std::uint64_t flow, std::uint16_t sport, std::uint32_t payload, std::uint32_t flags, double ts,
                     std::uint64_t frame, std::uint32_t seq = 0) {
    TcpSegmentEvent e;
    e.src = ip4(203, 0, 113, 80);
    e.dst = lan(101);
    e.src_port = 80;
    e.dst_port = sport;
    e.flow_id = flow;
    e.payload = payload;
    e.flags = flags;
    e.tcp_flags = 0x18;
    e.seq = seq;
    e.ts = ts;
    e.where = {0, frame};
    return e;
}
}  // namespace

TEST_CASE("tcp.retransmissions: holes before the capture point count as loss") {
    auto scenario = [](int gaps, int segments) {
        Run run;
        for (int i = 0; i < segments; ++i)
            run->publish(data(1, 40000, 1448, i < gaps ? kTcpEvLostSegment : 0u, i * 0.01, 1 + i));
        return run.finish();
    };
    CHECK(count(scenario(4, 60), "tcp.retransmissions") == 0);  // 4 < min_retransmissions 5
    auto fs = scenario(5, 60);
    REQUIRE(count(fs, "tcp.retransmissions") == 1);
    const Finding* f = get(fs, "tcp.retransmissions");
    CHECK(has_host(*f, "203.0.113.80"));
    CHECK(f->evidence.total == 5);  // the segments after each hole
    // Out-of-order alone (reordering, no hole seen, nothing resent) is not loss.
    Run ooo;
    for (int i = 0; i < 60; ++i) ooo->publish(data(1, 40000, 1448, i < 20 ? kTcpEvOutOfOrder : 0u, i * 0.01, 1 + i));
    CHECK(count(ooo.finish(), "tcp.retransmissions") == 0);
}

TEST_CASE("tcp.retransmissions: one bad flow among many good ones of the same pair") {
    auto scenario = [](int lost) {
        Run run;
        std::uint64_t fr = 1;
        // Flow 1: 60 segments, `lost` of them retransmitted; flows 2-5: 100 clean segments each.
        for (int i = 0; i < 60; ++i)
            run->publish(data(1, 40001, 1000, i < lost ? kTcpEvRetransmission : 0u, i * 0.01, fr++));
        for (std::uint64_t flow = 2; flow <= 5; ++flow)
            for (int i = 0; i < 100; ++i) run->publish(data(flow, static_cast<std::uint16_t>(40000 + flow), 1000, 0, i * 0.01, fr++));
        return run.finish();
    };
    // 4 of 460 for the pair and 4 of 60 for the flow: under the 5-segment minimum.
    CHECK(count(scenario(4), "tcp.retransmissions") == 0);
    // 6 of 460 = 1.3% for the pair (under 5%), but 10% for flow 1: raised for that flow.
    auto fs = scenario(6);
    REQUIRE(count(fs, "tcp.retransmissions") == 1);
    const Finding* f = get(fs, "tcp.retransmissions");
    REQUIRE(f->flows.size() == 1);
    CHECK(f->flows[0] == "tcp 203.0.113.80:80 -> 10.9.0.101:40001");
}

namespace {
// A bulk transfer of `segments` back-to-back 1448-byte segments sent in bursts
// of 10 spaced `pair_gap` apart inside a burst and `burst_gap` between bursts.
std::vector<Finding> transfer(int segments, double pair_gap, double burst_gap, int retrans_every = 0,
                              std::vector<std::string> sets = {}) {
    Run run(std::move(sets));
    double ts = 0;
    std::uint32_t seq = 1;
    for (int i = 0; i < segments; ++i) {
        ts += i % 10 ? pair_gap : burst_gap;
        run->publish(data(1, 40000, 1448, 0, ts, 1 + i, seq));
        seq += 1448;
        if (retrans_every && i % retrans_every == 0)
            run->publish(data(1, 40000, 1448, kTcpEvRetransmission, ts + 0.0001, 100000 + i, seq - 1448));
    }
    return run.finish();
}
}  // namespace

TEST_CASE("tcp.low_throughput: packet-pair capacity against the average rate") {
    // 100 us pairs: ~116 Mbit/s capacity (the histogram's conservative bucket
    // edge, 128 us, gives ~90 Mbit/s). 200 segments = 289.6 kB.
    // Bursts every 100 ms: ~1.2 Mbit/s, about 1.3% of capacity: low.
    auto slow = transfer(200, 0.0001, 0.1, 10);
    REQUIRE(count(slow, "tcp.low_throughput") == 1);
    const Finding* f = get(slow, "tcp.low_throughput");
    CHECK(f->detail.find("loss") != std::string::npos);  // 1 in 10 resent: loss is the limit
    CHECK(has_host(*f, "203.0.113.80"));
    // Bursts every 5 ms: ~20 Mbit/s, about 22% of capacity: not "far below".
    CHECK(count(transfer(200, 0.0001, 0.005), "tcp.low_throughput") == 0);
    // Under min_bytes (60 segments = 86.9 kB), lossy as the first one: not judged.
    CHECK(count(transfer(60, 0.0001, 0.1, 10), "tcp.low_throughput") == 0);
    // No loss, no window limit, estimated capacity: not judged (slow start, an
    // application pacing its writes, or a capture next to the sender look alike).
    CHECK(count(transfer(200, 0.0001, 0.1), "tcp.low_throughput") == 0);
    // A configured capacity replaces the estimate: 1.2 Mbit/s on a 10 Mbit/s line is 12%, on 30 Mbit/s 4%;
    // the user vouches for the capacity, so a transfer with no cause found is reported too, saying so.
    CHECK(count(transfer(200, 0.0001, 0.1, 0, {"tcp.low_throughput.capacity_mbps=10"}), "tcp.low_throughput") == 0);
    auto clean = transfer(200, 0.0001, 0.1, 0, {"tcp.low_throughput.capacity_mbps=30"});
    REQUIRE(count(clean, "tcp.low_throughput") == 1);
    CHECK(get(clean, "tcp.low_throughput")->detail.find("neither loss") != std::string::npos);
}

namespace {
DnsTransaction lookup(IpAddress client, double ts, double latency, std::uint64_t frame, std::string addr) {
    DnsTransaction t = dns(client, lan(53), "www.example.net", ts, frame, 0, latency);
    DnsRecord a;
    a.type = 1;
    a.data = std::move(addr);
    t.answers.push_back(a);
    t.answer_count = 1;
    return t;
}
}  // namespace

TEST_CASE("dns.slow_browsing: connections right after slow answers") {
    const IpAddress web = ip4(203, 0, 113, 80);
    auto scenario = [&](double latency, double syn_after, int n, bool syn_first) {
        Run run;
        for (int i = 0; i < n; ++i) {
            const double t0 = i * 10.0;
            DnsTransaction t = lookup(lan(101), t0, latency, 10 + i * 10, "203.0.113.80");
            SynSeen s = syn(lan(101), web, 80, t0 + latency + syn_after, 12 + i * 10);
            // The tracker reports an answer after a linger, so the SYN may come first.
            if (syn_first) {
                run->publish(s);
                run->publish(t);
            } else {
                run->publish(t);
                run->publish(s);
            }
        }
        return run.finish();
    };
    CHECK(count(scenario(0.49, 0.01, 3, false), "dns.slow_browsing") == 0);  // under slow_ms 500
    CHECK(count(scenario(0.51, 0.01, 3, false), "dns.slow_browsing") == 1);
    CHECK(count(scenario(0.51, 0.01, 3, true), "dns.slow_browsing") == 1);
    CHECK(count(scenario(0.51, 0.01, 1, false), "dns.slow_browsing") == 0);  // one delayed connection < min_count 2
    CHECK(count(scenario(0.51, 2.5, 3, false), "dns.slow_browsing") == 0);   // connection long after: unrelated
    auto fs = scenario(1.4, 0.01, 2, true);
    REQUIRE(count(fs, "dns.slow_browsing") == 1);
    const Finding* f = get(fs, "dns.slow_browsing");
    CHECK(has_host(*f, "10.9.0.53"));
    CHECK(has_host(*f, "10.9.0.101"));
    CHECK(f->evidence.total == 6);  // query, answer and SYN of each
    // A connection to another address after the slow answer is not waiting on it.
    Run other;
    for (int i = 0; i < 3; ++i) {
        other->publish(lookup(lan(101), i * 10.0, 0.9, 10 + i * 10, "203.0.113.80"));
        other->publish(syn(lan(101), ip4(203, 0, 113, 81), 80, i * 10.0 + 0.95, 12 + i * 10));
    }
    CHECK(count(other.finish(), "dns.slow_browsing") == 0);
}

namespace {
Dhcpv6Exchange v6(Dhcpv6Outcome o, int status, std::uint32_t solicits, std::uint64_t frame) {
    Dhcpv6Exchange e;
    e.outcome = o;
    e.status_code = status;
    e.solicits = solicits;
    const std::uint8_t c[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11};
    const std::uint8_t s[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53};
    e.client = IpAddress::v6(c);
    e.servers = {IpAddress::v6(s)};
    e.first_frame = frame;
    e.last_frame = frame + 1;
    return e;
}
}  // namespace

TEST_CASE("dhcpv6.failure_status and dhcpv6.no_advertise") {
    Run run;
    run->publish(v6(Dhcpv6Outcome::Replied, 0, 1, 1));  // success: nothing
    run->publish(v6(Dhcpv6Outcome::NoAdvertise, -1, 2, 5));
    auto fs = run.finish();
    CHECK(count(fs, "dhcpv6.failure_status") == 0);
    CHECK(count(fs, "dhcpv6.no_advertise") == 0);  // 2 Solicits < 3

    Run bad;
    Dhcpv6Exchange full = v6(Dhcpv6Outcome::Replied, 2, 1, 1);
    full.status_message = "No addresses available";
    bad->publish(full);
    bad->publish(v6(Dhcpv6Outcome::NoAdvertise, -1, 3, 5));
    auto fs2 = bad.finish();
    REQUIRE(count(fs2, "dhcpv6.failure_status") == 1);
    const Finding* f = get(fs2, "dhcpv6.failure_status");
    CHECK(f->title.find("NoAddrsAvail") != std::string::npos);
    CHECK(has_host(*f, "fe80::53"));
    CHECK(has_host(*f, "fe80::11"));
    CHECK(count(fs2, "dhcpv6.no_advertise") == 1);

    Run strict({"dhcpv6.failure_status.min_count=2"});
    strict->publish(full);
    CHECK(count(strict.finish(), "dhcpv6.failure_status") == 0);
}
