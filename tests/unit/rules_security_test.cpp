// Security rules on synthetic SYNs, echoes and IP packets.
#include <doctest/doctest.h>

#include "rules_helpers.hpp"

using namespace rt;

TEST_CASE("scan.port_scan: distinct ports within the window") {
    for (int ports : {19, 20}) {
        Run run;
        for (int p = 0; p < ports; ++p) run->publish(syn(lan(66), lan(20), static_cast<std::uint16_t>(1000 + p), p * 0.1, p + 1));
        auto fs = run.finish();
        CHECK(count(fs, "scan.port_scan") == (ports >= 20 ? 1u : 0u));
    }
    Run slow({"scan.port_scan.window_s=5"});  // 20 ports over 19 s: too slow for a 5 s window
    for (int p = 0; p < 20; ++p) slow->publish(syn(lan(66), lan(20), static_cast<std::uint16_t>(1000 + p), p, p + 1));
    CHECK(count(slow.finish(), "scan.port_scan") == 0);
}

TEST_CASE("scan.host_scan: one port on many hosts, and ping sweeps") {
    for (int hosts : {19, 20}) {
        Run run;
        for (int h = 0; h < hosts; ++h) run->publish(syn(lan(66), lan(static_cast<unsigned>(100 + h)), 22, h * 0.1, h + 1));
        CHECK(count(run.finish(), "scan.host_scan") == (hosts >= 20 ? 1u : 0u));
    }
    Run ping({"scan.host_scan.min_hosts=5"});
    for (int h = 0; h < 5; ++h) {
        EchoRequest e;
        e.src = lan(66);
        e.dst = lan(static_cast<unsigned>(100 + h));
        e.where = {0, static_cast<std::uint64_t>(h + 1)};
        ping->publish(e);
    }
    auto fs = ping.finish();
    REQUIRE(count(fs, "scan.host_scan") == 1);
    CHECK(has_host(*get(fs, "scan.host_scan"), "10.9.0.66"));
}

TEST_CASE("tcp.syn_flood: SYN rate and completion ratio") {
    // `completed` clients ACK the SYN-ACK (distinct flows); `synacks` more
    // attempts are only answered by the server (forged sources never ACK).
    auto scenario = [](int per_second, int completed, int synacks = 0) {
        Run run;
        for (int i = 0; i < per_second; ++i)
            run->publish(syn(ip4(203, 0, 113, static_cast<unsigned>(i % 250)), lan(20), 80, 100.0 + i * (0.9 / per_second), i + 1));
        for (int i = 0; i < synacks; ++i)
            run->publish(conn(ip4(198, 18, 0, static_cast<unsigned>(i % 250)), lan(20), 80, ConnAttempt::Outcome::Established, 100.5, 10000 + i));
        for (int i = 0; i < completed; ++i) {
            TcpSegmentEvent ack;
            ack.src = ip4(203, 0, 113, static_cast<unsigned>(i % 250));
            ack.dst = lan(20);
            ack.src_port = 50000;
            ack.dst_port = 80;
            ack.flow_id = 1000 + static_cast<std::uint64_t>(i);
            ack.tcp_flags = 0x10;
            ack.ts = 100.95;
            ack.where = {0, 20000 + static_cast<std::uint64_t>(i)};
            run->publish(ack);
            run->publish(ack);  // a second ACK of the same flow is not a second completion
        }
        return run.finish();
    };
    CHECK(count(scenario(99, 0), "tcp.syn_flood") == 0);
    CHECK(count(scenario(100, 0), "tcp.syn_flood") == 1);
    CHECK(count(scenario(100, 0, 100), "tcp.syn_flood") == 1);  // SYN-ACKs alone are not completions
    CHECK(count(scenario(100, 50), "tcp.syn_flood") == 0);      // most became connections
    // Completions are counted from the SYN that brings the rate to half the
    // limit (the 50th): 51 SYNs tracked. 10/51 = 0.196 <= 0.2; 11/51 = 0.216 > 0.2.
    CHECK(count(scenario(100, 10), "tcp.syn_flood") == 1);
    CHECK(count(scenario(100, 11), "tcp.syn_flood") == 0);
}

TEST_CASE("addr.bogon and addr.broadcast_source") {
    auto pkt = [](IpAddress src, IpAddress dst, std::uint64_t frame) {
        IpPacketSeen e;
        e.src = src;
        e.dst = dst;
        e.where = {0, frame};
        return e;
    };
    Run run;
    run->publish(pkt(lan(1), lan(2), 1));                                // fine
    run->publish(pkt(ip4(0, 0, 0, 0), ip4(255, 255, 255, 255), 2));      // DHCP discover: fine
    run->publish(pkt(ip4(127, 0, 0, 1), lan(2), 3));                     // loopback on the wire
    run->publish(pkt(lan(1), ip4(240, 0, 0, 9), 4));                     // class E
    run->publish(pkt(ip4(198, 51, 100, 1), lan(2), 5));                  // documentation: off by default
    run->publish(pkt(ip4(255, 255, 255, 255), lan(2), 6));               // broadcast source
    auto fs = run.finish();
    CHECK(count(fs, "addr.bogon") == 2);
    CHECK(count(fs, "addr.broadcast_source") == 1);

    Run docs({"addr.bogon.include_documentation=1"});
    docs->publish(pkt(ip4(198, 51, 100, 1), lan(2), 5));
    CHECK(count(docs.finish(), "addr.bogon") == 1);
}
