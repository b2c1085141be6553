// Engine::snapshot (the live view's "findings so far"): it reports what the
// rules see at that point, and taking it any number of times between events
// leaves the final finish() exactly as without it.
#include <doctest/doctest.h>

#include <functional>

#include "rules_helpers.hpp"

using namespace rt;
using O = ConnAttempt::Outcome;
using Op = ArpObservation::Op;

namespace {

// Events touching most rule families: refused and unanswered connections, a
// port scan, an ARP conflict, ICMP errors, DNS failures and slow answers,
// retransmissions.
std::vector<std::function<void(Engine&)>> scenario() {
    std::vector<std::function<void(Engine&)>> ev;
    for (int i = 0; i < 4; ++i)
        ev.push_back([i](Engine& e) { e.publish(conn(lan(10), lan(20), 8080, O::Refused, i, 10 + 2 * i)); });
    for (int i = 0; i < 3; ++i)
        ev.push_back([i](Engine& e) { e.publish(conn(lan(11), lan(21), 22, O::Unanswered, 5 + i, 40 + 2 * i)); });
    for (int p = 1; p <= 40; ++p)
        ev.push_back([p](Engine& e) {
            e.publish(syn(lan(66), lan(30), static_cast<std::uint16_t>(p), 10 + p * 0.01, 100 + p));
            e.publish(conn(lan(66), lan(30), static_cast<std::uint16_t>(p), O::Refused, 10 + p * 0.01, 100 + p));
        });
    ev.push_back([](Engine& e) { e.publish(arp(Op::Reply, mac(1), lan(50), lan(1), 20, 200)); });
    ev.push_back([](Engine& e) { e.publish(arp(Op::Reply, mac(2), lan(50), lan(1), 21, 201)); });
    for (int i = 0; i < 3; ++i)
        ev.push_back([i](Engine& e) {
            IcmpError un;
            un.kind = IcmpError::Kind::Unreachable;
            un.code = 1;
            un.reporter = lan(1);
            un.ts = 22 + i;
            un.where = {0, static_cast<std::uint64_t>(210 + i)};
            e.publish(un);
        });
    for (int i = 0; i < 30; ++i)
        ev.push_back([i](Engine& e) {
            const int rcode = i % 3 == 0 ? -1 : i % 3 == 1 ? 2 : 0;
            e.publish(dns(lan(12), lan(53), fmt::format("q{}.example", i), 30 + i, 300 + 2 * i, rcode, i % 3 == 2 ? 1.5 : 0.01));
        });
    for (int i = 0; i < 40; ++i)
        ev.push_back([i](Engine& e) {
            TcpSegmentEvent s;
            s.src = lan(10);
            s.dst = lan(20);
            s.src_port = 40000;
            s.dst_port = 80;
            s.payload = 1000;
            s.flags = i % 4 == 0 ? static_cast<std::uint32_t>(kTcpEvRetransmission) : 0u;
            s.tcp_flags = 0x10;
            s.ts = 70 + i * 0.01;
            s.where = {0, static_cast<std::uint64_t>(400 + i)};
            e.publish(s);
        });
    return ev;
}

std::string describe(const std::vector<Finding>& fs) {
    std::string out;
    for (const Finding& f : fs) {
        out += fmt::format("{} {} [{}] {} | {} | ev {} first {} | {}-{} | hosts {}\n", f.def->id,
                           severity_name(f.severity), f.key, f.title, f.detail, f.evidence.total,
                           f.evidence.frames.empty() ? 0 : f.evidence.frames.front().frame, f.first_ts, f.last_ts,
                           fmt::join(f.hosts, ","));
    }
    return out;
}

}  // namespace

TEST_CASE("snapshot between every event leaves the final findings unchanged") {
    const auto events = scenario();
    Run plain;
    for (auto& ev : events) ev(*plain.engine);
    const std::string expected = describe(plain.finish(0, 100));
    REQUIRE(expected.find("conn.refused") != std::string::npos);
    REQUIRE(expected.find("scan.port_scan") != std::string::npos);
    REQUIRE(expected.find("arp.duplicate_ip") != std::string::npos);
    REQUIRE(expected.find("dns.") != std::string::npos);

    Run live;
    std::size_t most = 0;
    for (auto& ev : events) {
        ev(*live.engine);
        most = std::max(most, live.engine->snapshot(0, 100).size());
    }
    CHECK(describe(live.engine->snapshot(0, 100)) == expected);  // the last snapshot is the answer so far
    CHECK(describe(live.finish(0, 100)) == expected);
    CHECK(most > 0);
}

TEST_CASE("snapshot flags a problem as soon as the rule's threshold is met") {
    Run run({"conn.refused.min_attempts=3"});
    run->publish(conn(lan(10), lan(20), 8080, O::Refused, 0, 10));
    run->publish(conn(lan(10), lan(20), 8080, O::Refused, 1, 12));
    CHECK(count(run->snapshot(0, 1), "conn.refused") == 0);
    run->publish(conn(lan(10), lan(20), 8080, O::Refused, 2, 14));
    auto now = run->snapshot(0, 2);
    REQUIRE(count(now, "conn.refused") == 1);
    CHECK(get(now, "conn.refused")->evidence.total == 6);
    run->publish(conn(lan(10), lan(20), 8080, O::Refused, 3, 16));
    auto fs = run.finish(0, 3);
    REQUIRE(count(fs, "conn.refused") == 1);
    CHECK(get(fs, "conn.refused")->evidence.total == 8);
}

TEST_CASE("a finding raised during events survives snapshots (raised, not only at finish)") {
    RuleConfig c;
    Engine e(c);
    Finding a;
    a.key = std::string("k");
    a.evidence.add({0, 1});
    e.raise("arp.duplicate_ip", a);
    CHECK(e.snapshot(0, 1).size() == 1);
    CHECK(e.snapshot(0, 1).size() == 1);
    auto fs = e.finish(0, 1);
    REQUIRE(fs.size() == 1);
    CHECK(fs[0].evidence.total == 1);
}
