// The network picture (src/network): subnets from DHCP, ARP and --set,
// gateways from off-link traffic, proxy-ARP, and the rules that consult it
// (addr.wrong_netmask), plus the grouping of findings by cause.
#include <doctest/doctest.h>

#include "network/network_model.hpp"
#include "rules/grouping.hpp"
#include "rules_helpers.hpp"

using namespace rt;

namespace {

DhcpExchange lease(IpAddress server, IpAddress offered, int prefix, IpAddress router, std::uint64_t frame) {
    DhcpExchange e;
    e.outcome = DhcpOutcome::Leased;
    e.first_frame = frame;
    e.last_frame = frame + 3;
    DhcpServerReply s;
    s.server_id = server;
    s.source = server;
    s.first_type = DhcpType::Offer;
    s.offered = offered;
    s.prefix_len = prefix;
    s.router = router;
    s.dns[0] = server;
    e.servers.push_back(s);
    e.leased_ip = offered;
    return e;
}

IpPacketSeen packet(MacAddress src_mac, IpAddress src, IpAddress dst, std::uint64_t frame) {
    IpPacketSeen e;
    e.where = {0, frame};
    e.src = src;
    e.dst = dst;
    e.eth_src = src_mac;
    e.has_eth = true;
    e.ip_proto = 6;
    return e;
}

const ArpObservation::Op Req = ArpObservation::Op::Request, Rep = ArpObservation::Op::Reply;

}  // namespace

TEST_CASE("network: a DHCP-learned /16 LAN; ARP inside it is fine, outside it is a wrong netmask") {
    Run run;
    const IpAddress srv = ip4(10, 20, 0, 2), gw = ip4(10, 20, 0, 1);
    run->publish(lease(srv, ip4(10, 20, 7, 9), 16, gw, 1));
    CHECK(run->network().learned_prefix(ip4(10, 20, 200, 3)) == 16);
    CHECK(run->network().learned_prefix(ip4(10, 21, 0, 3)) == -1);
    // A host ARPs for its gateway (answered) and for a peer in another /24 of the /16.
    run->publish(arp(Req, mac(7), ip4(10, 20, 7, 9), gw, 1, 10));
    run->publish(arp(Rep, mac(1), gw, ip4(10, 20, 7, 9), 1, 11));
    run->publish(arp(Req, mac(7), ip4(10, 20, 7, 9), ip4(10, 20, 200, 3), 2, 12));
    // Another host ARPs for an address outside the /16 that nobody answers.
    run->publish(arp(Req, mac(8), ip4(10, 20, 8, 8), ip4(10, 30, 1, 1), 3, 13));
    const NetworkPicture p = run->network().picture();
    REQUIRE(!p.subnets.empty());
    CHECK(subnet_str(p.subnets[0].network, p.subnets[0].prefix_len) == "10.20.0.0/16");
    CHECK(p.subnets[0].source == "DHCP option 1 from 10.20.0.2");
    CHECK(p.subnets[0].gateway == gw);
    REQUIRE(p.dhcp_servers.size() == 1);
    CHECK(p.dhcp_servers[0] == srv);
    bool gw_listed = false;
    for (const PictureGateway& g : p.gateways) gw_listed = gw_listed || g.address == gw;
    CHECK(gw_listed);
    auto fs = run.finish();
    REQUIRE(count(fs, "addr.wrong_netmask") == 1);
    CHECK(has_host(*get(fs, "addr.wrong_netmask"), "10.20.8.8"));
    CHECK(get(fs, "addr.wrong_netmask")->evidence.frames.at(0).frame == 13);
}

TEST_CASE("network: a /23 from DHCP; the second /24 of it is on-link, the next one is not") {
    Run run;
    run->publish(lease(ip4(192, 168, 4, 1), ip4(192, 168, 4, 10), 23, ip4(192, 168, 4, 1), 1));
    CHECK(run->network().learned_prefix(ip4(192, 168, 5, 20)) == 23);
    run->publish(arp(Req, mac(3), ip4(192, 168, 4, 10), ip4(192, 168, 5, 20), 1, 5));
    CHECK(count(run.finish(), "addr.wrong_netmask") == 0);

    Run run2;
    run2->publish(lease(ip4(192, 168, 4, 1), ip4(192, 168, 4, 10), 23, ip4(192, 168, 4, 1), 1));
    run2->publish(arp(Req, mac(3), ip4(192, 168, 4, 10), ip4(192, 168, 6, 1), 1, 5));
    CHECK(count(run2.finish(), "addr.wrong_netmask") == 1);
}

TEST_CASE("network: without DHCP a /24 is assumed, but a target answering ARP itself is on the link") {
    // Two subnets on one link: 10.9.0.0/24 and 10.9.1.0/24 hosts talk directly.
    Run run;
    run->publish(arp(Req, mac(3), lan(30), ip4(10, 9, 1, 5), 1, 2));
    run->publish(arp(Rep, mac(4), ip4(10, 9, 1, 5), lan(30), 1, 3));
    CHECK(run->network().on_link(ip4(10, 9, 1, 5)));
    CHECK(count(run.finish(), "addr.wrong_netmask") == 0);
    // Unanswered: the sender's netmask is too wide.
    Run run2;
    run2->publish(arp(Req, mac(3), lan(30), ip4(10, 9, 1, 5), 1, 2));
    CHECK(count(run2.finish(), "addr.wrong_netmask") == 1);
}

TEST_CASE("network: proxy-ARP answers do not make a target on-link") {
    Run run;
    // The router's MAC answers for five addresses of other subnets.
    for (unsigned i = 0; i < 5; ++i)
        run->publish(arp(Rep, mac(1), ip4(10, 9, 5 + i, 1), lan(30), 1, 10 + i));
    CHECK_FALSE(run->network().on_link(ip4(10, 9, 5, 1)));
    run->publish(arp(Req, mac(3), lan(30), ip4(10, 9, 5, 1), 2, 20));
    auto fs = run.finish();
    REQUIRE(count(fs, "addr.wrong_netmask") == 1);
    CHECK(has_host(*get(fs, "addr.wrong_netmask"), "10.9.0.30"));
}

TEST_CASE("network: the gateway is the MAC carrying off-link addresses; hosts, resolvers and servers") {
    Run run;
    const MacAddress gw_mac = mac(1);
    run->publish(arp(Rep, gw_mac, lan(1), lan(30), 0, 1));
    run->publish(arp(Req, mac(30), lan(30), lan(1), 0, 2));
    for (unsigned i = 0; i < 20; ++i) run->publish(packet(gw_mac, ip4(203, 0, 113, i + 1), lan(30), 10 + i));
    run->publish(packet(mac(30), lan(30), ip4(203, 0, 113, 1), 40));
    run->publish(dns(lan(30), lan(53), "example.com", 1, 50, 0, 0.01));
    run->publish(conn(lan(30), ip4(203, 0, 113, 1), 443, ConnAttempt::Outcome::Established, 2, 60));
    CHECK(run->network().is_gateway_mac(gw_mac));
    CHECK_FALSE(run->network().is_gateway_mac(mac(30)));
    const NetworkPicture p = run->network().picture();
    REQUIRE(p.gateways.size() == 1);
    CHECK(p.gateways[0].address == lan(1));
    CHECK(p.gateways[0].offlink_addresses == 20);
    REQUIRE(!p.subnets.empty());
    CHECK(subnet_str(p.subnets[0].network, p.subnets[0].prefix_len) == "10.9.0.0/24");
    CHECK(p.subnets[0].source.find("ARP") != std::string::npos);
    CHECK(p.hosts_on_link == 2);
    REQUIRE(p.resolvers.size() == 1);
    CHECK(p.resolvers[0].address == lan(53));
    REQUIRE(p.servers.size() == 1);
    CHECK(p.servers[0].ports == std::vector<std::uint16_t>{443});
    CHECK(p.clients == 1);
}

TEST_CASE("network: --set network.subnets and network.gateways override the picture") {
    Run run({"network.subnets=10.9.0.0/16", "network.gateways=10.9.0.254"});
    CHECK(run->network().learned_prefix(ip4(10, 9, 3, 3)) == 16);
    run->publish(arp(Req, mac(3), lan(30), ip4(10, 9, 3, 3), 1, 2));
    CHECK(count(run.finish(), "addr.wrong_netmask") == 0);
    const NetworkPicture p = run->network().picture();
    REQUIRE(!p.subnets.empty());
    CHECK(p.subnets[0].source == "--set");
    bool gw = false;
    for (const PictureGateway& g : p.gateways) gw = gw || g.address == ip4(10, 9, 0, 254);
    CHECK(gw);
    RuleConfig c;
    CHECK_FALSE(c.apply_set("network.subnets=10.9.0.0").empty());
    CHECK_FALSE(c.apply_set("network.subnets=10.9.0.0/33").empty());
    CHECK_FALSE(c.apply_set("network.gateways=not-an-ip").empty());
    CHECK_FALSE(c.apply_set("network.colour=blue").empty());
    CHECK(c.load_toml_text("[network]\nsubnets = [\"10.20.0.0/16\"]\n", "t").empty());
    CHECK(c.network_subnets() == "10.20.0.0/16");
}

TEST_CASE("grouping: refusals on one port by many off-link servers are one finding; a few stay apart") {
    auto refused = [](Run& run, unsigned servers) {
        for (unsigned i = 0; i < servers; ++i) {
            const IpAddress s = ip4(198, 51, 100, 10 + i);
            run->publish(conn(lan(30), s, 443, ConnAttempt::Outcome::Refused, i, 100 + 10 * i));
            run->publish(conn(lan(31), s, 443, ConnAttempt::Outcome::Established, i + 0.5, 105 + 10 * i));
        }
    };
    Run run;
    run->publish(arp(Req, mac(30), lan(30), lan(1), 0, 1));
    refused(run, 6);
    auto fs = run.finish();
    REQUIRE(count(fs, "conn.refused") == 1);
    const Finding& g = *get(fs, "conn.refused");
    CHECK(cases_of(g) == 6);
    CHECK(g.title.find("port 443") != std::string::npos);
    CHECK(g.evidence.total >= 6);
    CHECK(g.evidence.frames.size() >= 6);  // frames from several of the grouped cases
    bool refused_sum = false;
    for (const Figure& f : g.figures) refused_sum = refused_sum || (f.name == "refused" && f.value == 6);
    CHECK(refused_sum);

    Run few;
    refused(few, kMinGroup - 1);
    CHECK(count(few.finish(), "conn.refused") == kMinGroup - 1);
}

TEST_CASE("memory budget: a table that cannot grow refuses keys and says which and what is missing") {
    RuleConfig c;
    auto feed = [](Engine& e) {
        for (unsigned i = 0; i < 4000; ++i)
            e.publish(conn(lan(30), ip4(198, 51, 100 + i / 250, i % 250), 443, ConnAttempt::Outcome::Refused, i, 10 + 2 * i));
    };
    Engine small(c, 64 * 1024);
    feed(small);
    const std::vector<TableLimit> lim = small.limits();
    REQUIRE(!lim.empty());
    const TableLimit* services = nullptr;
    for (const TableLimit& l : lim)
        if (l.table == "conn.*: services (server, port)") services = &l;
    REQUIRE(services != nullptr);
    CHECK(services->refused > 0);
    CHECK(services->peak + services->refused == 4000);
    CHECK(services->missing.find("further services") != std::string::npos);
    CHECK(small.limit_drops() >= services->refused);
    CHECK(small.budget().peak() <= small.budget().limit());

    Engine big(c);  // the default budget
    feed(big);
    CHECK(big.limits().empty());
    CHECK(big.budget().used() > 0);
}
