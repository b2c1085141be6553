// DNS and DHCP transaction tracking on crafted packet sequences.
#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "dns/dhcp_tracker.hpp"
#include "dns/dns_tracker.hpp"
#include "dns_msg_builder.hpp"

using namespace netdx;
using namespace netdx::test;

namespace {

struct Collect final : DnsEventSink, DhcpEventSink {
    std::vector<DnsTransaction> dns;
    std::vector<DhcpExchange> dhcp;
    std::vector<Dhcpv6Exchange> v6;
    void on_dns(const DnsTransaction& t) override { dns.push_back(t); }
    void on_dhcp(const DhcpExchange& e) override { dhcp.push_back(e); }
    void on_dhcpv6(const Dhcpv6Exchange& e) override { v6.push_back(e); }
};

Msg query(unsigned id, const char* name = "example.com", unsigned type = 1) {
    Msg m;
    m.header(id, 0x0100, 1, 0).name(name).u16(type).u16(1);
    return m;
}
Msg answer(unsigned id, const char* name = "example.com", unsigned rcode = 0, bool tc = false) {
    Msg m;
    m.header(id, 0x8180 | rcode | (tc ? 0x0200 : 0), 1, rcode ? 0 : 1).name(name).u16(1).u16(1);
    if (!rcode) m.ptr(12).rr(1, 1, 60).rd_begin().bytes({192, 0, 2, 1}).rd_end();
    return m;
}

// Feeds packets with times in milliseconds.
struct Feed {
    std::uint64_t frame = 0;
    template <typename Tracker>
    void operator()(Tracker& t, std::vector<std::uint8_t> bytes, std::int64_t ms) {
        Decoded d = decode(std::move(bytes));
        d.pkt.number = ++frame;
        d.pkt.ts = Timestamp{ms / 1000, static_cast<std::uint32_t>((ms % 1000) * 1000000)};
        t.on_packet(d.pkt);
    }
};

std::vector<std::uint8_t> q_pkt(const Msg& m, std::uint16_t port = 40000) { return udp_packet(m.b, "10.0.0.1", "10.0.0.53", port, 53); }
std::vector<std::uint8_t> r_pkt(const Msg& m, std::uint16_t port = 40000) { return udp_packet(m.b, "10.0.0.53", "10.0.0.1", 53, port); }

}  // namespace

TEST_CASE("dns tracker: query and response make one answered transaction with its latency") {
    Collect c;
    DnsTracker t(c);
    Feed f;
    f(t, q_pkt(query(1)), 1000);
    f(t, r_pkt(answer(1)), 1020);
    CHECK(c.dns.empty());  // answered transactions linger for duplicates
    t.finish();
    REQUIRE(c.dns.size() == 1);
    const DnsTransaction& x = c.dns[0];
    CHECK(x.end == DnsEnd::Answered);
    CHECK(x.qname == "example.com");
    CHECK(x.qtype == 1);
    CHECK(x.query_frame == 1);
    CHECK(x.response_frame == 2);
    CHECK(x.latency == doctest::Approx(0.020));
    CHECK(x.rcode == 0);
    REQUIRE(x.answers.size() == 1);
    CHECK(x.answers[0].data == "192.0.2.1");
    CHECK(ip(x.client) == "10.0.0.1");
    CHECK(ip(x.server) == "10.0.0.53");
}

TEST_CASE("dns tracker: id and question and ports must all match") {
    Collect c;
    DnsTracker t(c);
    Feed f;
    f(t, q_pkt(query(1)), 0);
    f(t, r_pkt(answer(2)), 10);                     // other id
    f(t, r_pkt(answer(1, "example.org")), 20);      // other question
    f(t, r_pkt(answer(1), 40001), 30);              // other port
    t.finish();
    REQUIRE(c.dns.size() == 4);
    int unsolicited = 0, open = 0;
    for (const auto& x : c.dns) {
        unsolicited += x.end == DnsEnd::Unsolicited;
        open += x.end == DnsEnd::EndOfCapture;
    }
    CHECK(unsolicited == 3);
    CHECK(open == 1);
}

TEST_CASE("dns tracker: retransmissions, duplicate responses, NXDOMAIN") {
    Collect c;
    DnsTracker t(c);
    Feed f;
    f(t, q_pkt(query(5, "nope.example")), 0);
    f(t, q_pkt(query(5, "nope.example")), 1000);
    f(t, q_pkt(query(5, "nope.example")), 2000);
    f(t, r_pkt(answer(5, "nope.example", 3)), 2100);
    f(t, r_pkt(answer(5, "nope.example", 3)), 2200);
    t.finish();
    REQUIRE(c.dns.size() == 1);
    CHECK(c.dns[0].retransmissions == 2);
    CHECK(c.dns[0].duplicate_responses == 1);
    CHECK(c.dns[0].rcode == 3);
    CHECK(c.dns[0].latency == doctest::Approx(2.1));
}

TEST_CASE("dns tracker: unanswered after the timeout, and at the end of the capture") {
    Collect c;
    DnsTrackerOptions o;
    o.timeout = 2.0;
    DnsTracker t(c, o);
    Feed f;
    f(t, q_pkt(query(1)), 0);
    f(t, q_pkt(query(2, "late.example")), 3000);  // time passes: query 1 times out
    REQUIRE(c.dns.size() == 1);
    CHECK(c.dns[0].end == DnsEnd::Timeout);
    CHECK(c.dns[0].id == 1);
    CHECK_FALSE(c.dns[0].has_response);
    t.finish();
    REQUIRE(c.dns.size() == 2);
    CHECK(c.dns[1].end == DnsEnd::EndOfCapture);
    // A response after the timeout is unsolicited.
    Collect c2;
    DnsTracker t2(c2, o);
    f(t2, q_pkt(query(9)), 0);
    f(t2, r_pkt(answer(9)), 5000);
    t2.finish();
    REQUIRE(c2.dns.size() == 2);
    CHECK(c2.dns[0].end == DnsEnd::Timeout);
    CHECK(c2.dns[1].end == DnsEnd::Unsolicited);
}

TEST_CASE("dns tracker: TC answer with and without a TCP retry") {
    Collect c;
    DnsTracker t(c);
    Feed f;
    f(t, q_pkt(query(3)), 0);
    f(t, r_pkt(answer(3, "example.com", 0, true)), 10);
    f(t, tcp_packet({}, "10.0.0.1", "10.0.0.53", 50000, 53, true), 20);
    // The retried query over TCP, whole in one segment: length prefix + message.
    Msg q = query(4);
    std::vector<std::uint8_t> framed = {0, static_cast<std::uint8_t>(q.b.size())};
    framed.insert(framed.end(), q.b.begin(), q.b.end());
    f(t, tcp_packet(framed, "10.0.0.1", "10.0.0.53", 50000, 53), 30);
    Msg a = answer(4);
    std::vector<std::uint8_t> framed_a = {0, static_cast<std::uint8_t>(a.b.size())};
    framed_a.insert(framed_a.end(), a.b.begin(), a.b.end());
    f(t, tcp_packet(framed_a, "10.0.0.53", "10.0.0.1", 53, 50000), 40);
    t.finish();
    REQUIRE(c.dns.size() == 2);
    CHECK(c.dns[0].truncated);
    CHECK(c.dns[0].retried_over_tcp);
    CHECK(c.dns[1].transport == DnsTransport::Tcp);
    CHECK(c.dns[1].end == DnsEnd::Answered);

    Collect c2;
    DnsTracker t2(c2);
    f(t2, q_pkt(query(3)), 0);
    f(t2, r_pkt(answer(3, "example.com", 0, true)), 10);
    f(t2, q_pkt(query(8, "other.example")), 9000);
    REQUIRE(c2.dns.size() >= 1);
    CHECK(c2.dns[0].truncated);
    CHECK_FALSE(c2.dns[0].retried_over_tcp);
}

TEST_CASE("dns tracker: the pending table is capped and evictions are counted") {
    Collect c;
    DnsTrackerOptions o;
    o.max_pending = 2;
    DnsTracker t(c, o);
    Feed f;
    f(t, q_pkt(query(1)), 0);
    f(t, q_pkt(query(2)), 1);
    f(t, q_pkt(query(3)), 2);
    CHECK(t.pending() == 2);
    REQUIRE(c.dns.size() == 1);
    CHECK(c.dns[0].end == DnsEnd::Evicted);
    CHECK(c.dns[0].id == 1);
    CHECK(t.stats().evicted == 1);
    for (unsigned id = 10; id < 1000; ++id) f(t, q_pkt(query(id)), 3);
    CHECK(t.pending() == 2);
    CHECK(t.stats().max_pending == 2);
}

TEST_CASE("dns tracker: LLMNR query to the multicast group matches the unicast answer") {
    Collect c;
    DnsTracker t(c);
    Feed f;
    f(t, udp_packet(query(7, "printer").b, "10.0.0.1", "224.0.0.252", 50000, 5355), 0);
    f(t, udp_packet(answer(7, "printer").b, "10.0.0.9", "10.0.0.1", 5355, 50000), 5);
    t.finish();
    REQUIRE(c.dns.size() == 1);
    CHECK(c.dns[0].end == DnsEnd::Answered);
    CHECK(c.dns[0].llmnr);
    CHECK(ip(c.dns[0].server) == "10.0.0.9");
}

namespace {
std::vector<std::uint8_t> v4_client(const Msg& m) { return udp_packet(m.b, "0.0.0.0", "255.255.255.255", 68, 67); }
std::vector<std::uint8_t> v4_server(const Msg& m, const char* src) { return udp_packet(m.b, src, "255.255.255.255", 67, 68); }
}  // namespace

TEST_CASE("dhcp tracker: full lease with two servers offering") {
    Collect c;
    DhcpTracker t(c);
    Feed f;
    f(t, v4_client(dhcp_msg(1, 0x1111, {53, 1, 1, 12, 2, 'p', 'c'})), 0);
    f(t, v4_server(dhcp_msg(2, 0x1111, {53, 1, 2, 54, 4, 10, 0, 0, 1}, 0x0a000064), "10.0.0.1"), 100);
    f(t, v4_server(dhcp_msg(2, 0x1111, {53, 1, 2, 54, 4, 10, 0, 0, 66}, 0x0a0000c8), "10.0.0.66"), 150);
    f(t, v4_client(dhcp_msg(1, 0x1111, {53, 1, 3, 50, 4, 10, 0, 0, 100, 54, 4, 10, 0, 0, 1})), 200);
    f(t, v4_server(dhcp_msg(2, 0x1111, {53, 1, 5, 54, 4, 10, 0, 0, 1, 51, 4, 0, 0, 0x0e, 0x10}, 0x0a000064), "10.0.0.1"), 300);
    t.finish();
    REQUIRE(c.dhcp.size() == 1);
    const DhcpExchange& e = c.dhcp[0];
    CHECK(e.outcome == DhcpOutcome::Leased);
    CHECK(e.discovers == 1);
    CHECK(e.offers == 2);
    CHECK(e.acks == 1);
    CHECK(ip(e.leased_ip) == "10.0.0.100");
    CHECK(ip(e.requested_ip) == "10.0.0.100");
    CHECK(e.lease_time == 3600);
    CHECK(e.time_to_lease == doctest::Approx(0.3));
    CHECK(e.hostname == "pc");
    REQUIRE(e.servers.size() == 2);
    CHECK(ip(e.servers[0].server_id) == "10.0.0.1");
    CHECK(ip(e.servers[1].server_id) == "10.0.0.66");
    CHECK(ip(e.servers[1].offered) == "10.0.0.200");
}

TEST_CASE("dhcp tracker: discover without offer, NAK with its message, decline and release") {
    Collect c;
    DhcpTrackerOptions o;
    o.timeout = 10;
    DhcpTracker t(c, o);
    Feed f;
    f(t, v4_client(dhcp_msg(1, 0x2222, {53, 1, 1})), 0);
    f(t, v4_client(dhcp_msg(1, 0x2222, {53, 1, 1})), 4000);   // retransmission, same xid
    f(t, v4_client(dhcp_msg(1, 0x3333, {53, 1, 3, 50, 4, 10, 9, 9, 9}, 0, 0x43)), 20000);
    REQUIRE(c.dhcp.size() == 1);
    CHECK(c.dhcp[0].outcome == DhcpOutcome::NoOffer);
    CHECK(c.dhcp[0].discovers == 2);
    f(t, v4_server(dhcp_msg(2, 0x3333, {53, 1, 6, 54, 4, 10, 0, 0, 1, 56, 5, 'n', 'o', 'p', 'e', '!'}, 0, 0x43), "10.0.0.1"), 20100);
    f(t, v4_client(dhcp_msg(1, 0x4444, {53, 1, 4}, 0, 0x44)), 20200);
    f(t, v4_client(dhcp_msg(1, 0x5555, {53, 1, 7}, 0, 0x45)), 20300);
    t.finish();
    REQUIRE(c.dhcp.size() == 4);
    CHECK(c.dhcp[1].outcome == DhcpOutcome::Nak);
    CHECK(c.dhcp[1].nak_message == "nope!");
    CHECK(c.dhcp[2].outcome == DhcpOutcome::Declined);
    CHECK(c.dhcp[3].outcome == DhcpOutcome::Released);
}

TEST_CASE("dhcpv6 tracker: solicit, advertise, request, reply with NoAddrsAvail") {
    Collect c;
    DhcpTracker t(c);
    Feed f;
    auto msg = [](unsigned type, unsigned xid, bool status) {
        Msg m;
        m.u8(type).bytes({0, 0, xid});
        m.u16(1).u16(10).u16(3).u16(1).bytes({0, 0x11, 0x22, 0x33, 0x44, 0x55});
        if (status) m.u16(13).u16(6).u16(2).str("none");
        return m;
    };
    f(t, udp6_packet(msg(1, 1, false).b, "fe80::1", "ff02::1:2", 546, 547), 0);
    f(t, udp6_packet(msg(2, 1, false).b, "fe80::fe", "fe80::1", 547, 546), 10);
    f(t, udp6_packet(msg(3, 2, false).b, "fe80::1", "ff02::1:2", 546, 547), 20);
    f(t, udp6_packet(msg(7, 2, true).b, "fe80::fe", "fe80::1", 547, 546), 30);
    t.finish();
    REQUIRE(c.v6.size() == 1);
    CHECK(c.v6[0].outcome == Dhcpv6Outcome::Replied);
    CHECK(c.v6[0].solicits == 1);
    CHECK(c.v6[0].advertises == 1);
    CHECK(c.v6[0].requests == 1);
    CHECK(c.v6[0].replies == 1);
    CHECK(c.v6[0].status_code == 2);
    CHECK(c.v6[0].status_message == "none");
    CHECK(c.v6[0].time_to_reply == doctest::Approx(0.03));
    REQUIRE(c.v6[0].servers.size() == 1);
    CHECK(ip(c.v6[0].servers[0]) == "fe80::fe");
}

// ---- DNS on ports not bound to it (the first-query heuristic) ----

TEST_CASE("dns tracker: a UDP flow on another port whose first datagram is a query is DNS both ways") {
    for (const bool on : {true, false}) {
        CAPTURE(on);
        Collect c;
        DnsTrackerOptions o;
        o.udp_heuristic = on;
        DnsTracker t(c, o);
        Feed f;
        f(t, udp_packet(query(7, "files.lab.test").b, "10.0.0.1", "10.0.0.53", 40000, 5300), 1000);
        f(t, udp_packet(answer(7, "files.lab.test", 3).b, "10.0.0.53", "10.0.0.1", 5300, 40000), 1002);
        t.finish();
        if (!on) {
            CHECK(c.dns.empty());
            CHECK(t.heuristic_flows() == 0);
            continue;
        }
        REQUIRE(c.dns.size() == 1);
        CHECK(c.dns[0].end == DnsEnd::Answered);
        CHECK(c.dns[0].qname == "files.lab.test");
        CHECK(c.dns[0].server_port == 5300);
        CHECK(c.dns[0].rcode == 3);
        CHECK(t.heuristic_flows() == 1);
    }
}

TEST_CASE("dns tracker: a UDP flow whose first datagram is not a query stays non-DNS; the table is bounded") {
    Collect c;
    DnsTrackerOptions o;
    o.udp_heuristic = true;
    o.max_heuristic_flows = 2;
    DnsTracker t(c, o);
    Feed f;
    // The answer comes first (capture started late): the pair is pinned as not DNS.
    f(t, udp_packet(answer(1).b, "10.0.0.53", "10.0.0.1", 5300, 40001), 1000);
    f(t, udp_packet(query(2).b, "10.0.0.1", "10.0.0.53", 40001, 5300), 1001);
    f(t, udp_packet(answer(2).b, "10.0.0.53", "10.0.0.1", 5300, 40001), 1002);
    // Other protocols' payloads never pass.
    f(t, udp_packet({0x17, 0x03, 0x03, 0x00, 0x10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13},
                    "10.0.0.1", "10.0.0.9", 40002, 443), 1003);
    CHECK(t.heuristic_flows() == 2);
    // Port 53 traffic never enters the table, nor NetBIOS name queries (DNS format, not DNS).
    f(t, q_pkt(query(3)), 1004);
    f(t, udp_packet(query(6, "FHFAEBEECACACACACACACACACACACAAA", 32).b, "10.0.0.1", "10.0.0.255", 137, 137), 1004);
    CHECK(t.heuristic_flows() == 2);
    // A third pair evicts the oldest (40001): its next query decides afresh.
    f(t, udp_packet(query(4).b, "10.0.0.1", "10.0.0.53", 40003, 5300), 1005);
    CHECK(t.heuristic_flows() == 2);
    f(t, udp_packet(query(5).b, "10.0.0.1", "10.0.0.53", 40001, 5300), 1006);
    t.finish();
    std::vector<unsigned> ids;
    for (const DnsTransaction& tx : c.dns) ids.push_back(tx.id);
    std::sort(ids.begin(), ids.end());
    CHECK(ids == std::vector<unsigned>{3, 4, 5});
}
