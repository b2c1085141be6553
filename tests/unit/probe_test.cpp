// The pure parts of `netdx probe` and `netdx doctor`: target and type parsing,
// resolver agreement, what each probe result means as findings (ids, grouping,
// the rule configuration), and how a -w capture's findings join the report.
// The probes themselves run in network namespaces (tests/cli/probe_cli.sh).
#include <doctest/doctest.h>

#include "probe/doctor_report.hpp"
#include "probe/dns_probe.hpp"
#include "probe/host_lookup.hpp"
#include "probe/netif.hpp"
#include "probe/services.hpp"
#include "probe/verdicts.hpp"

using namespace netdx;

namespace {

DnsServerResult answered(const std::string& server, unsigned rcode, std::vector<std::string> data) {
    DnsServerResult s;
    s.server = server;
    s.outcome = DnsOutcome::Answered;
    s.rcode = rcode;
    s.matching = std::move(data);
    return s;
}

std::vector<std::string> ids(const std::vector<Finding>& v) {
    std::vector<std::string> out;
    for (const Finding& f : v) out.emplace_back(f.def->id);
    return out;
}

}  // namespace

TEST_CASE("HOST:PORT targets") {
    std::string host;
    std::uint16_t port = 0;
    CHECK(split_host_port("files.example:445", host, port));
    CHECK(host == "files.example");
    CHECK(port == 445);
    CHECK(split_host_port("[2001:db8::1]:631", host, port));
    CHECK(host == "2001:db8::1");
    CHECK(port == 631);
    CHECK_FALSE(split_host_port("2001:db8::1", host, port));  // IPv6 needs brackets with a port
    CHECK_FALSE(split_host_port("host", host, port));
    CHECK_FALSE(split_host_port("host:0", host, port));
    CHECK_FALSE(split_host_port("host:65536", host, port));
    CHECK_FALSE(split_host_port(":80", host, port));
    CHECK_FALSE(split_host_port("host:80x", host, port));
}

TEST_CASE("record types, rcodes, reverse names, services") {
    CHECK(parse_dns_type("A") == 1);
    CHECK(parse_dns_type("aaaa") == 28);
    CHECK(parse_dns_type("MX") == 15);
    CHECK(parse_dns_type("TYPE65") == 65);
    CHECK_FALSE(parse_dns_type("TYPE70000"));
    CHECK_FALSE(parse_dns_type("NOPE"));
    CHECK(dns_type_text(16) == "TXT");
    CHECK(dns_type_text(65280) == "TYPE65280");
    CHECK(rcode_text(3) == "NXDOMAIN");
    CHECK(reverse_name("192.0.2.10") == "10.2.0.192.in-addr.arpa");
    CHECK(reverse_name("2001:db8::1")->starts_with("1.0.0.0."));
    CHECK(reverse_name("2001:db8::1")->ends_with("8.b.d.0.1.0.0.2.ip6.arpa"));
    CHECK_FALSE(reverse_name("not.an.address"));
    CHECK(service_name(445) == "file share (SMB)");
    CHECK(service_name(9100) == "printer (raw/JetDirect)");
    CHECK(service_name(1).empty());
    CHECK(is_link_local_v4(*parse_ip("169.254.3.4")));
    CHECK_FALSE(is_link_local_v4(*parse_ip("10.0.0.1")));
}

TEST_CASE("resolver agreement: existence matters, differing addresses do not") {
    DnsProbeResult r;
    r.name = "www.example";
    r.servers = {answered("10.0.0.1", 0, {"192.0.2.1"}), answered("10.0.0.2", 0, {"192.0.2.1"})};
    CHECK(dns_agreement(r) == DnsAgreement::Agree);
    r.servers[1].matching = {"192.0.2.9"};
    CHECK(dns_agreement(r) == DnsAgreement::DifferentData);
    r.servers[1] = answered("10.0.0.2", 3, {});
    CHECK(dns_agreement(r) == DnsAgreement::Disagree);
    r.servers[1] = answered("10.0.0.2", 0, {});  // NODATA against an address
    CHECK(dns_agreement(r) == DnsAgreement::Disagree);
    r.servers[1] = answered("10.0.0.2", 2, {});  // SERVFAIL is judged on its own, not as disagreement
    CHECK(dns_agreement(r) == DnsAgreement::Agree);
}

TEST_CASE("DNS results become one finding per cause") {
    RuleConfig config;
    Verdicts v(config);
    DnsProbeResult r;
    r.name = "x.example";
    DnsServerResult t1, t2;
    t1.server = "10.0.0.1";
    t1.outcome = DnsOutcome::Timeout;
    t2.server = "10.0.0.2";
    t2.outcome = DnsOutcome::Refused;
    r.servers = {t1, t2, answered("10.0.0.3", 2, {}), answered("10.0.0.4", 0, {"192.0.2.1"})};
    v.dns_results(r);
    REQUIRE(ids(v.findings()) == std::vector<std::string>{"dns.unanswered", "dns.servfail"});
    CHECK(v.findings()[0].hosts == std::vector<std::string>{"10.0.0.1", "10.0.0.2"});

    Verdicts none(config);
    DnsProbeResult empty;
    empty.name = "x";
    none.dns_results(empty);
    CHECK(ids(none.findings()) == std::vector<std::string>{"dns.no_resolver"});
}

TEST_CASE("TCP states map to analyze's rule ids; the configuration applies") {
    RuleConfig config;
    REQUIRE(config.apply_set("conn.refused.severity=error").empty());
    REQUIRE(config.apply_set("conn.unanswered_syn.enabled=false").empty());
    Verdicts v(config);
    auto res = [](std::uint16_t port, TcpState s) {
        TcpProbeResult r;
        r.target = {"192.0.2.5", port};
        r.address = *parse_ip("192.0.2.5");
        r.state = s;
        return r;
    };
    v.tcp_results({res(80, TcpState::Open), res(8080, TcpState::Refused), res(8081, TcpState::Refused),
                   res(445, TcpState::Filtered), res(9100, TcpState::Refused), res(22, TcpState::Filtered),
                   res(25, TcpState::NoRoute)});
    const auto got = ids(v.findings());
    CHECK(got == std::vector<std::string>{"conn.file_share_unreachable", "conn.host_unreachable",
                                          "conn.printer_unreachable", "conn.refused"});
    for (const Finding& f : v.findings())
        if (f.def->id == "conn.refused") {
            CHECK(f.severity == Severity::Error);
            CHECK(f.flows.size() == 2);
            CHECK(f.title.find("(and 1 more)") != std::string::npos);
        }
}

TEST_CASE("ARP answers: a duplicate needs two MACs, or any other MAC for our address") {
    RuleConfig config;
    ArpProbeResult r;
    r.target = *parse_ip("10.0.0.5");
    r.answers.push_back({{2, 0, 0, 0, 0, 1}, 0.5, 1});
    Verdicts a(config);
    a.arp_answers(r, false);
    CHECK(a.findings().empty());
    Verdicts b(config);
    b.arp_answers(r, true);
    CHECK(ids(b.findings()) == std::vector<std::string>{"arp.duplicate_ip"});
    r.answers.push_back({{2, 0, 0, 0, 0, 2}, 0.7, 1});
    Verdicts c(config);
    c.arp_answers(r, false);
    REQUIRE(ids(c.findings()) == std::vector<std::string>{"arp.duplicate_ip"});
    CHECK(c.findings()[0].hosts.size() == 3);
}

TEST_CASE("DHCP: no offer only when one is wanted; several servers always") {
    RuleConfig config;
    DhcpProbeResult r;
    Verdicts quiet(config);
    quiet.dhcp_offers(r, false);
    CHECK(quiet.findings().empty());
    Verdicts want(config);
    want.dhcp_offers(r, true);
    CHECK(ids(want.findings()) == std::vector<std::string>{"dhcp.no_offer"});
    DhcpOffer o1, o2;
    o1.server_id = *parse_ip("10.0.0.1");
    o2.source = *parse_ip("10.0.0.66");
    r.offers = {o1, o2};
    Verdicts two(config);
    two.dhcp_offers(r, true);
    CHECK(ids(two.findings()) == std::vector<std::string>{"dhcp.multiple_servers"});
}

TEST_CASE("a -w capture's findings: repeats become evidence, the path check's own probes are left out") {
    RuleConfig config;
    Verdicts v(config);
    v.raise("arp.duplicate_ip", "dup", "", 1);
    DoctorReport rep;
    rep.findings = v.take();
    rep.sent_ttl_probes = true;
    auto capture_finding = [](const char* id, std::uint64_t frame) {
        Finding f;
        f.def = find_def(id);
        f.evidence.add({0, frame});
        f.hosts = {"02:00:00:00:00:09"};
        return f;
    };
    CaptureFindings cap;
    merge_capture(rep,
                  {capture_finding("arp.gratuitous_conflict", 7), capture_finding("icmp.time_exceeded", 9),
                   capture_finding("dns.slow", 11)},
                  cap);
    CHECK(cap.merged == 1);
    CHECK(cap.own_probes == 1);
    REQUIRE(ids(cap.findings) == std::vector<std::string>{"dns.slow"});
    REQUIRE(rep.findings.size() == 1);
    CHECK(rep.findings[0].evidence.total == 1);
    CHECK(rep.findings[0].evidence.frames[0].frame == 7);
    CHECK(rep.findings[0].hosts == std::vector<std::string>{"02:00:00:00:00:09"});
}

TEST_CASE("a -w capture finding about another host stays a finding of its own") {
    RuleConfig config;
    Verdicts v(config);
    Finding* mine = v.raise("conn.refused", "refused", "", 1);
    REQUIRE(mine);
    mine->hosts = {"192.0.2.5"};
    DoctorReport rep;
    rep.findings = v.take();
    Finding other;
    other.def = find_def("conn.refused");
    other.hosts = {"198.51.100.9", "192.0.2.77"};
    other.evidence.add({0, 3});
    Finding same = other;
    same.hosts = {"192.0.2.5", "192.0.2.77"};
    CaptureFindings cap;
    merge_capture(rep, {other, same}, cap);
    CHECK(cap.merged == 1);
    REQUIRE(cap.findings.size() == 1);
    CHECK(cap.findings[0].hosts.front() == "198.51.100.9");
    CHECK(rep.findings[0].evidence.total == 1);
}
