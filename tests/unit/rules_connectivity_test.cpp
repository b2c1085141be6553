// Connectivity rules on synthetic connection attempts, ICMP errors and ARP.
#include <doctest/doctest.h>

#include "rules_helpers.hpp"

using namespace rt;
using O = ConnAttempt::Outcome;

TEST_CASE("conn.refused: per service, threshold just under and over") {
    for (int n : {1, 2}) {
        CAPTURE(n);
        Run run({"conn.refused.min_attempts=2"});
        for (int i = 0; i < n; ++i) run->publish(conn(lan(10), lan(20), 8080, O::Refused, i, 10 + 2 * i));
        auto fs = run.finish();
        CHECK(count(fs, "conn.refused") == (n >= 2 ? 1u : 0u));
        if (n >= 2) {
            const Finding& f = *get(fs, "conn.refused");
            CHECK(has_host(f, "10.9.0.20"));
            CHECK(has_host(f, "10.9.0.10"));
            CHECK(f.evidence.total == 4);  // SYN and RST of each attempt
        }
    }
}

TEST_CASE("conn.unanswered_syn and the file-share / printer names") {
    Run run;
    run->publish(conn(lan(10), lan(20), 22, O::Unanswered, 0, 1));
    run->publish(conn(lan(10), lan(30), 445, O::Refused, 0, 3));
    run->publish(conn(lan(10), lan(30), 139, O::Unanswered, 1, 5));
    run->publish(conn(lan(11), lan(40), 9100, O::Unanswered, 1, 7));
    run->publish(conn(lan(11), lan(40), 631, O::Refused, 1, 9));
    auto fs = run.finish();
    CHECK(count(fs, "conn.unanswered_syn") == 1);
    CHECK(count(fs, "conn.refused") == 0);  // 445/139 and 631/9100 are reported by name instead
    REQUIRE(count(fs, "conn.file_share_unreachable") == 1);
    const Finding& share = *get(fs, "conn.file_share_unreachable");
    CHECK(has_host(share, "10.9.0.30"));
    CHECK(share.figures.at(0).value == 2);
    REQUIRE(count(fs, "conn.printer_unreachable") == 1);
    CHECK(has_host(*get(fs, "conn.printer_unreachable"), "10.9.0.40"));
}

TEST_CASE("file share: successes do not hide failures; min_attempts respected") {
    Run run({"conn.file_share_unreachable.min_attempts=3"});
    run->publish(conn(lan(10), lan(30), 445, O::Refused, 0, 3));
    run->publish(conn(lan(10), lan(30), 445, O::Refused, 1, 5));
    CHECK(count(run.finish(), "conn.file_share_unreachable") == 0);
}

TEST_CASE("scans are not reported as failed connections") {
    Run run({"scan.port_scan.min_ports=10"});
    for (int p = 1; p <= 10; ++p) {
        run->publish(syn(lan(66), lan(20), static_cast<std::uint16_t>(p), p * 0.01, p * 2));
        run->publish(conn(lan(66), lan(20), static_cast<std::uint16_t>(p), O::Refused, p * 0.01, p * 2));
    }
    auto fs = run.finish();
    CHECK(count(fs, "scan.port_scan") == 1);
    CHECK(count(fs, "conn.refused") == 0);
}

TEST_CASE("conn.single_host_failing: the contrast with the other hosts") {
    auto scenario = [](int failures, bool others_ok) {
        Run run;
        for (int i = 0; i < failures; ++i) run->publish(conn(lan(10), lan(80), 80, O::Unanswered, i, 100 + i * 2));
        for (int i = 0; i < 4; ++i)
            run->publish(conn(lan(static_cast<unsigned>(20 + i)), lan(80), 80, others_ok ? O::Established : O::Unanswered, i, 200 + i * 2));
        return run.finish();
    };
    CHECK(count(scenario(2, true), "conn.single_host_failing") == 0);  // min_failures 3
    auto fs = scenario(3, true);
    REQUIRE(count(fs, "conn.single_host_failing") == 1);
    CHECK(get(fs, "conn.single_host_failing")->hosts.front() == "10.9.0.10");
    CHECK(count(scenario(3, false), "conn.single_host_failing") == 0);  // everyone fails: not one host
}

TEST_CASE("conn.single_host_failing via DNS: wrong resolver while others resolve") {
    Run run;
    for (int i = 0; i < 3; ++i) run->publish(dns(lan(10), lan(99), "example.com", i, 10 + i * 2, -1, 0));
    for (int i = 0; i < 4; ++i) run->publish(dns(lan(static_cast<unsigned>(20 + i)), lan(53), "example.com", i, 50 + i * 2, 0, 0.01));
    auto fs = run.finish();
    CHECK(count(fs, "conn.single_host_failing") == 1);
}

TEST_CASE("net.internet_unreachable: outside fails while local works") {
    auto scenario = [](int outside_fail, int outside_ok, int local_ok) {
        Run run;
        int frame = 1;
        for (int i = 0; i < outside_fail; ++i) run->publish(conn(lan(10), ip4(198, 51, 100, 7), 443, O::Unanswered, i, frame += 2));
        for (int i = 0; i < outside_ok; ++i) run->publish(conn(lan(11), ip4(198, 51, 100, 8), 443, O::Established, i, frame += 2));
        for (int i = 0; i < local_ok; ++i) run->publish(conn(lan(10), lan(20), 80, O::Established, i, frame += 2));
        return run.finish();
    };
    auto fs = scenario(3, 0, 1);
    REQUIRE(count(fs, "net.internet_unreachable") == 1);
    CHECK(count(fs, "conn.unanswered_syn") == 0);  // folded into the internet finding
    CHECK(count(scenario(2, 0, 1), "net.internet_unreachable") == 0);   // min_failures 3
    CHECK(count(scenario(3, 0, 0), "net.internet_unreachable") == 0);   // no local contrast
    CHECK(count(scenario(4, 1, 1), "net.internet_unreachable") == 1);   // ratio 0.2
    CHECK(count(scenario(3, 1, 1), "net.internet_unreachable") == 0);   // ratio 0.25
}

TEST_CASE("net.internet_unreachable: answers that refuse still prove the outside is reachable") {
    Run run;
    int frame = 1;
    // An outside resolver answering REFUSED and outside hosts answering RST.
    for (int i = 0; i < 4; ++i) run->publish(dns(lan(10), ip4(198, 51, 100, 53), "www.debian.org", i, frame += 2, 5, 0.01));
    for (int i = 0; i < 4; ++i) run->publish(conn(lan(10), ip4(198, 51, 100, 7), 22, O::Refused, i, frame += 2));
    for (int i = 0; i < 2; ++i) run->publish(conn(lan(10), lan(20), 80, O::Established, i, frame += 2));
    auto fs = run.finish();
    CHECK(count(fs, "net.internet_unreachable") == 0);
    CHECK(count(fs, "dns.refused") == 1);
    CHECK(count(fs, "conn.refused") == 1);
    // The same attempts unanswered are the internet being down.
    Run down;
    for (int i = 0; i < 4; ++i) down->publish(dns(lan(10), ip4(198, 51, 100, 53), "www.debian.org", i, frame += 2, -1, 0));
    for (int i = 0; i < 2; ++i) down->publish(conn(lan(10), lan(20), 80, O::Established, i, frame += 2));
    CHECK(count(down.finish(), "net.internet_unreachable") == 1);
}

TEST_CASE("icmp.unreachable and icmp.time_exceeded per router and code") {
    auto err = [](IcmpError::Kind k, unsigned router, std::uint8_t code, std::uint64_t frame) {
        IcmpError e;
        e.kind = k;
        e.type = k == IcmpError::Kind::TimeExceeded ? 11 : 3;
        e.code = code;
        e.reporter = lan(router);
        e.reported_to = lan(10);
        e.where = {0, frame};
        return e;
    };
    Run run({"icmp.time_exceeded.min_count=2"});
    run->publish(err(IcmpError::Kind::Unreachable, 1, 0, 1));
    run->publish(err(IcmpError::Kind::Unreachable, 1, 0, 2));
    run->publish(err(IcmpError::Kind::Unreachable, 1, 3, 3));
    run->publish(err(IcmpError::Kind::TimeExceeded, 2, 0, 4));
    auto fs = run.finish();
    CHECK(count(fs, "icmp.unreachable") == 2);  // net unreachable and port unreachable
    CHECK(count(fs, "icmp.time_exceeded") == 0);  // 1 < 2
}

TEST_CASE("net.gateway_unreachable: repeated unanswered ARP for the gateway address") {
    using Op = ArpObservation::Op;
    for (int n : {2, 3}) {
        Run run;
        for (int i = 0; i < n; ++i) run->publish(arp(Op::Request, mac(5), lan(10), lan(1), i, i + 1));
        CHECK(count(run.finish(), "net.gateway_unreachable") == (n >= 3 ? 1u : 0u));
    }
    Run answered;
    for (int i = 0; i < 3; ++i) answered->publish(arp(Op::Request, mac(5), lan(10), lan(1), i, i + 1));
    answered->publish(arp(Op::Reply, mac(1), lan(1), lan(10), 3, 9));
    CHECK(count(answered.finish(), "net.gateway_unreachable") == 0);
    Run other;  // not a gateway-like address: no finding
    for (int i = 0; i < 5; ++i) other->publish(arp(Op::Request, mac(5), lan(10), lan(77), i, i + 1));
    CHECK(count(other.finish(), "net.gateway_unreachable") == 0);
}

namespace {
// A lease from 10.9.0.53 handing out a /16 with gateway 10.9.0.1.
DhcpExchange lease16(std::uint64_t frame) {
    DhcpExchange e;
    e.outcome = DhcpOutcome::Leased;
    e.client_mac = mac(10);
    e.first_frame = frame;
    e.last_frame = frame + 3;
    e.leased_ip = lan(10);
    DhcpServerReply s;
    s.server_id = lan(53);
    s.first_type = DhcpType::Offer;
    s.offered = lan(10);
    s.prefix_len = 16;
    s.router = lan(1);
    e.servers = {s};
    return e;
}
}  // namespace

TEST_CASE("net.internet_unreachable: a /16 LAN's other /24s are local, not the internet") {
    // 10.9.0.10 fails to reach 10.9.5.20 (same /16) and reaches 10.9.0.20.
    auto scenario = [](bool dhcp16, bool server_answers_arp) {
        Run run;
        int frame = 1;
        if (dhcp16) run->publish(lease16(frame += 4));
        if (server_answers_arp)
            run->publish(arp(ArpObservation::Op::Reply, mac(77), ip4(10, 9, 5, 20), lan(10), 0, frame += 2));
        for (int i = 0; i < 4; ++i) run->publish(conn(lan(10), ip4(10, 9, 5, 20), 443, O::Unanswered, i, frame += 2));
        for (int i = 0; i < 2; ++i) run->publish(conn(lan(10), lan(20), 80, O::Established, i, frame += 2));
        return run.finish();
    };
    // Nothing learned: the /24 default calls 10.9.5.20 outside.
    CHECK(count(scenario(false, false), "net.internet_unreachable") == 1);
    // DHCP said /16: a local service that does not answer.
    auto fs = scenario(true, false);
    CHECK(count(fs, "net.internet_unreachable") == 0);
    CHECK(count(fs, "conn.unanswered_syn") == 1);
    // No DHCP, but 10.9.5.20 answered ARP on the link with its own MAC.
    CHECK(count(scenario(false, true), "net.internet_unreachable") == 0);
}

TEST_CASE("net.gateway_unreachable: once DHCP names the gateway, another .1 of a /16 is just a host") {
    using Op = ArpObservation::Op;
    auto scenario = [](IpAddress target) {
        Run run;
        run->publish(lease16(1));
        for (int i = 0; i < 4; ++i) run->publish(arp(Op::Request, mac(5), lan(10), target, i, 10 + i));
        return run.finish();
    };
    CHECK(count(scenario(ip4(10, 9, 7, 1)), "net.gateway_unreachable") == 0);
    auto fs = scenario(lan(1));
    REQUIRE(count(fs, "net.gateway_unreachable") == 1);
    CHECK(has_host(*get(fs, "net.gateway_unreachable"), "10.9.0.1"));
    // Named by DHCP, found whatever its address: 10.9.0.77 is not .1/.254.
    Run named;
    DhcpExchange e = lease16(1);
    e.servers[0].router = lan(77);
    named->publish(e);
    for (int i = 0; i < 4; ++i) named->publish(arp(Op::Request, mac(5), lan(10), lan(77), i, 10 + i));
    CHECK(count(named.finish(), "net.gateway_unreachable") == 1);
}
