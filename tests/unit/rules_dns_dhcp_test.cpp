// DNS and DHCP rules on synthetic transactions.
#include <doctest/doctest.h>

#include "rules_helpers.hpp"

using namespace rt;

TEST_CASE("dns.unanswered: count and ratio per resolver") {
    auto scenario = [](int lost, int answered) {
        Run run;
        int f = 1;
        for (int i = 0; i < lost; ++i) run->publish(dns(lan(10), lan(53), "a.example", i, f += 2, -1, 0));
        for (int i = 0; i < answered; ++i) run->publish(dns(lan(10), lan(53), "b.example", i, f += 2, 0, 0.01));
        return run.finish();
    };
    CHECK(count(scenario(1, 0), "dns.unanswered") == 0);
    CHECK(count(scenario(2, 0), "dns.unanswered") == 1);
    CHECK(count(scenario(2, 18), "dns.unanswered") == 1);   // 10%
    CHECK(count(scenario(2, 19), "dns.unanswered") == 0);   // under 10%
}

TEST_CASE("dns.servfail / refused / nxdomain per resolver with names") {
    Run run({"dns.servfail.min_count=2"});
    run->publish(dns(lan(10), lan(53), "broken.example", 0, 1, 2, 0.01));
    run->publish(dns(lan(10), lan(53), "nope.example", 1, 3, 3, 0.01));
    run->publish(dns(lan(11), lan(54), "x.example", 1, 5, 5, 0.01));
    auto fs = run.finish();
    CHECK(count(fs, "dns.servfail") == 0);
    REQUIRE(count(fs, "dns.nxdomain") == 1);
    CHECK(get(fs, "dns.nxdomain")->title.find("nope.example") != std::string::npos);
    CHECK(get(fs, "dns.nxdomain")->severity == Severity::Notice);
    REQUIRE(count(fs, "dns.refused") == 1);
    CHECK(has_host(*get(fs, "dns.refused"), "10.9.0.54"));
}

TEST_CASE("dns.slow: latency over the limit, enough of them") {
    auto scenario = [](double latency, int n) {
        Run run;
        for (int i = 0; i < n; ++i) run->publish(dns(lan(10), lan(53), "a.example", i, 1 + i * 2, 0, latency));
        return run.finish();
    };
    CHECK(count(scenario(0.45, 5), "dns.slow") == 0);
    CHECK(count(scenario(0.55, 5), "dns.slow") == 1);
    CHECK(count(scenario(0.55, 1), "dns.slow") == 0);  // min_slow 2
}

TEST_CASE("dns.truncated_no_tcp and dns.unsolicited_response") {
    Run run;
    DnsTransaction tc = dns(lan(10), lan(53), "big.example", 10, 1, 0, 0.01);
    tc.truncated = true;
    run->publish(tc);
    DnsTransaction retried = tc;
    retried.retried_over_tcp = true;
    retried.server = lan(54);
    run->publish(retried);
    DnsTransaction unsol = dns(lan(10), lan(66), "bank.example", 20, 9, 0, 0.01);
    unsol.end = DnsEnd::Unsolicited;
    unsol.has_query = false;
    run->publish(unsol);
    DnsTransaction early = unsol;  // right at the capture start: may answer an unseen query
    early.server = lan(67);
    early.response_ts = {0, 500000000};
    run->publish(early);
    auto fs = run.finish(0, 100);
    REQUIRE(count(fs, "dns.truncated_no_tcp") == 1);
    CHECK(has_host(*get(fs, "dns.truncated_no_tcp"), "10.9.0.53"));
    REQUIRE(count(fs, "dns.unsolicited_response") == 1);
    CHECK(has_host(*get(fs, "dns.unsolicited_response"), "10.9.0.66"));
}

TEST_CASE("dns.unexpected_resolver: the odd client out, or a configured list") {
    Run run;
    for (unsigned c = 20; c < 24; ++c) run->publish(dns(lan(c), lan(53), "a.example", c, c * 2, 0, 0.01));
    run->publish(dns(lan(10), ip4(8, 8, 8, 8), "a.example", 1, 3, 0, 0.01));
    auto fs = run.finish();
    REQUIRE(count(fs, "dns.unexpected_resolver") == 1);
    CHECK(get(fs, "dns.unexpected_resolver")->hosts.front() == "10.9.0.10");

    Run configured({"dns.unexpected_resolver.resolvers=8.8.8.8, 10.9.0.53"});
    for (unsigned c = 20; c < 24; ++c) configured->publish(dns(lan(c), lan(53), "a.example", c, c * 2, 0, 0.01));
    configured->publish(dns(lan(10), ip4(8, 8, 8, 8), "a.example", 1, 3, 0, 0.01));
    CHECK(count(configured.finish(), "dns.unexpected_resolver") == 0);
}

TEST_CASE("dns.unexpected_resolver: a resolver forwarding upstream is not a client") {
    // dnsmasq (10.9.0.53) answers the office clients and forwards to the ISP
    // resolver; a second client with its own odd resolver is still reported.
    auto scenario = [](bool forwarder_answers) {
        Run run;
        for (unsigned c = 20; c < 24; ++c) {
            DnsTransaction t = dns(lan(c), lan(53), "www.example.net", c, c * 4, 0, 0.02);
            if (!forwarder_answers) {
                t.end = DnsEnd::Timeout;
                t.has_response = false;
            }
            run->publish(t);
            run->publish(dns(lan(53), ip4(198, 51, 100, 53), "www.example.net", c + 0.001, c * 4 + 1, 0, 0.015));
        }
        run->publish(dns(lan(30), ip4(8, 8, 8, 8), "a.example", 40, 200, 0, 0.01));
        return run.finish();
    };
    auto fs = scenario(true);
    REQUIRE(count(fs, "dns.unexpected_resolver") == 1);
    CHECK(get(fs, "dns.unexpected_resolver")->hosts.front() == "10.9.0.30");
    // Had 10.9.0.53 never answered anyone, its own queries are those of a client.
    auto fs2 = scenario(false);
    CHECK(count(fs2, "dns.unexpected_resolver") == 2);
}

namespace {
DhcpExchange exchange(DhcpOutcome o, std::uint8_t client, std::uint64_t frame) {
    DhcpExchange e;
    e.outcome = o;
    e.client_mac = mac(client);
    e.first_frame = frame;
    e.last_frame = frame + 1;
    return e;
}
}  // namespace

TEST_CASE("dhcp.no_offer: DISCOVERs per client") {
    for (std::uint32_t d : {1u, 2u}) {
        Run run;
        DhcpExchange e = exchange(DhcpOutcome::NoOffer, 7, 1);
        e.discovers = d;
        run->publish(e);
        auto fs = run.finish();
        CHECK(count(fs, "dhcp.no_offer") == (d >= 2 ? 1u : 0u));
        if (d >= 2) CHECK(has_host(*get(fs, "dhcp.no_offer"), "02:00:00:00:00:07"));
    }
}

TEST_CASE("dhcp.nak, dhcp.decline, dhcp.multiple_servers, dhcp.slow_lease") {
    Run run;
    DhcpExchange nak = exchange(DhcpOutcome::Nak, 1, 1);
    nak.naks = 1;
    nak.nak_message = "wrong network";
    DhcpServerReply refuser;
    refuser.server_id = lan(53);
    refuser.first_type = DhcpType::Nak;
    nak.servers = {refuser};
    run->publish(nak);
    DhcpExchange dec = exchange(DhcpOutcome::Declined, 2, 5);
    dec.declines = 1;
    dec.requested_ip = lan(150);
    run->publish(dec);
    DhcpExchange two = exchange(DhcpOutcome::Leased, 3, 9);
    two.time_to_lease = 2.9;
    DhcpServerReply a, b;
    a.server_id = lan(1);
    b.server_id = lan(254);
    two.servers = {a, b};
    run->publish(two);
    auto fs = run.finish();
    REQUIRE(count(fs, "dhcp.nak") == 1);
    CHECK(has_host(*get(fs, "dhcp.nak"), "10.9.0.53"));  // the server that refused
    CHECK(has_host(*get(fs, "dhcp.nak"), "02:00:00:00:00:01"));
    REQUIRE(count(fs, "dhcp.decline") == 1);
    CHECK(has_host(*get(fs, "dhcp.decline"), "10.9.0.150"));
    CHECK(count(fs, "dhcp.multiple_servers") == 1);
    CHECK(count(fs, "dhcp.slow_lease") == 0);  // 2.9 s < 3 s

    Run slow;
    DhcpExchange s = exchange(DhcpOutcome::Leased, 3, 9);
    s.time_to_lease = 3.1;
    DhcpServerReply only;
    only.server_id = lan(1);
    s.servers = {only};
    slow->publish(s);
    auto fs2 = slow.finish();
    CHECK(count(fs2, "dhcp.slow_lease") == 1);
    CHECK(count(fs2, "dhcp.multiple_servers") == 0);

    // min_count just over the one NAK seen: silent.
    Run strict({"dhcp.nak.min_count=2"});
    strict->publish(nak);
    CHECK(count(strict.finish(), "dhcp.nak") == 0);
}

TEST_CASE("dhcp.no_offer: a server answering others is an exhausted pool, no answer at all is no server") {
    DhcpExchange stuck = exchange(DhcpOutcome::NoOffer, 7, 20);
    stuck.discovers = 4;
    {
        Run run;
        run->publish(stuck);
        auto fs = run.finish();
        REQUIRE(count(fs, "dhcp.no_offer") == 1);
        CHECK(get(fs, "dhcp.no_offer")->title.starts_with("No DHCP server answered"));
    }
    Run run;
    DhcpExchange served = exchange(DhcpOutcome::Leased, 3, 1);
    DhcpServerReply srv;
    srv.server_id = lan(53);
    srv.first_type = DhcpType::Offer;
    srv.offered = lan(100);
    srv.prefix_len = 16;
    served.servers = {srv};
    run->publish(served);
    srv.offered = lan(102);
    served.servers = {srv};
    run->publish(served);
    run->publish(stuck);
    auto fs = run.finish();
    REQUIRE(count(fs, "dhcp.no_offer") == 1);
    const auto& f = *get(fs, "dhcp.no_offer");
    CHECK(has_host(f, "10.9.0.53"));          // the server whose pool ran out
    CHECK(has_host(f, "02:00:00:00:00:07"));  // the client left without
    CHECK(f.title.find("pool exhausted on 10.9.0.53 (offered 10.9.0.100..10.9.0.102) in 10.9.0.0/16") != std::string::npos);
}

TEST_CASE("dhcp.slow_lease: one late answer is a notice, a client left retrying a warning") {
    auto slow_run = [](double seconds, std::uint32_t discovers, std::vector<std::string> sets = {}) {
        Run run(sets);
        DhcpExchange e = exchange(DhcpOutcome::Leased, 3, 9);
        e.time_to_lease = seconds;
        e.discovers = discovers;
        e.requests = 1;
        run->publish(e);
        auto fs = run.finish();
        REQUIRE(count(fs, "dhcp.slow_lease") == 1);
        return get(fs, "dhcp.slow_lease")->severity;
    };
    CHECK(slow_run(3.2, 1) == Severity::Notice);    // ping-before-offer
    CHECK(slow_run(3.2, 2) == Severity::Warning);   // the client sent DISCOVER again
    CHECK(slow_run(12.0, 1) == Severity::Warning);  // over warning_s
    CHECK(slow_run(3.2, 1, {"dhcp.slow_lease.warning_s=3"}) == Severity::Warning);
    // A severity the user chose is kept.
    CHECK(slow_run(3.2, 1, {"dhcp.slow_lease.severity=error"}) == Severity::Error);
}
