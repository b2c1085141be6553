// addr.link_local_only for IPv6: an fe80-only host soliciting unanswered on a
// link where other hosts have global addresses; silent in the ordinary cases.
#include <doctest/doctest.h>

#include "rules_helpers.hpp"

using namespace rt;

namespace {
IpAddress v6(std::uint8_t first, std::uint8_t second, std::uint8_t last) {
    std::uint8_t b[16] = {first, second};
    b[15] = last;
    return IpAddress::v6(b);
}
IpAddress ll(std::uint8_t last) { return v6(0xfe, 0x80, last); }
IpAddress ula(std::uint8_t last) { return v6(0xfd, 0x77, last); }

IpPacketSeen pkt(MacAddress m, IpAddress src, IpAddress dst, double ts, std::uint64_t frame) {
    IpPacketSeen e;
    e.src = src;
    e.dst = dst;
    e.eth_src = m;
    e.has_eth = true;
    e.ts = ts;
    e.where = {0, frame};
    return e;
}
IpPacketSeen router_solicit(MacAddress m, IpAddress src, double ts, std::uint64_t frame) {
    IpPacketSeen e = pkt(m, src, v6(0xff, 0x02, 2), ts, frame);
    e.ip_proto = 58;
    e.icmp6_type = 133;
    return e;
}
IpPacketSeen dhcpv6_solicit(MacAddress m, IpAddress src, double ts, std::uint64_t frame) {
    IpPacketSeen e = pkt(m, src, v6(0xff, 0x02, 2), ts, frame);
    e.ip_proto = 17;
    e.has_ports = true;
    e.src_port = 546;
    e.dst_port = 547;
    return e;
}

// Host 1 (fe80 only) solicits `rs` routers and `dhcp` DHCPv6 servers; host 2
// talks from a ULA address when `peer_global`.
std::vector<Finding> link(int rs, int dhcp, bool peer_global, std::vector<std::string> sets = {},
                          bool prefix_ra = false) {
    Run run(std::move(sets));
    std::uint64_t fr = 1;
    run->publish(pkt(mac(2), ll(2), v6(0xff, 0x02, 0x16), 0, fr++));
    if (peer_global) run->publish(pkt(mac(2), ula(2), ula(3), 0.1, fr++));
    for (int i = 0; i < rs; ++i) run->publish(router_solicit(mac(1), ll(1), 1 + i, fr++));
    for (int i = 0; i < dhcp; ++i) run->publish(dhcpv6_solicit(mac(1), ll(1), 1.5 + i, fr++));
    if (prefix_ra) {
        IpPacketSeen ra = pkt(mac(9), ll(9), v6(0xff, 0x02, 1), 5, fr++);
        ra.ip_proto = 58;
        ra.icmp6_type = 134;
        ra.ra_autoconf_prefix = true;
        run->publish(ra);
    }
    return run.finish();
}
}  // namespace

TEST_CASE("addr.link_local_only (IPv6): solicitations just under and over min_solicits") {
    CHECK(count(link(1, 0, true), "addr.link_local_only") == 0);
    auto fs = link(1, 1, true);
    REQUIRE(count(fs, "addr.link_local_only") == 1);
    const Finding* f = get(fs, "addr.link_local_only");
    CHECK(has_host(*f, "fe80::1"));
    CHECK(has_host(*f, "02:00:00:00:00:01"));
    CHECK(f->evidence.total == 2);
    CHECK(count(link(2, 0, true), "addr.link_local_only") == 1);
    CHECK(count(link(2, 0, true, {"addr.link_local_only.min_solicits=3"}), "addr.link_local_only") == 0);
}

TEST_CASE("addr.link_local_only (IPv6): the contrast and the missing answer are required") {
    // An IPv4-only LAN: every host solicits, nobody has IPv6: not a fault by default.
    CHECK(count(link(3, 3, false), "addr.link_local_only") == 0);
    CHECK(count(link(3, 3, false, {"addr.link_local_only.need_global_peers=0"}), "addr.link_local_only") == 1);
    // A router offered a prefix: the host had what it needed.
    CHECK(count(link(3, 3, true, {}, true), "addr.link_local_only") == 0);
    // The soliciting host uses a global address too: an ordinary IPv6 host.
    Run run;
    run->publish(pkt(mac(2), ula(2), ula(3), 0, 1));
    for (int i = 0; i < 3; ++i) run->publish(router_solicit(mac(1), ll(1), 1 + i, 2 + static_cast<std::uint64_t>(i)));
    run->publish(pkt(mac(1), ula(1), ula(2), 5, 9));
    CHECK(count(run.finish(), "addr.link_local_only") == 0);
    // DHCPv6 gave it an address (the Reply may precede its first global packet).
    Run dhcp;
    dhcp->publish(pkt(mac(2), ula(2), ula(3), 0, 1));
    for (int i = 0; i < 3; ++i) dhcp->publish(dhcpv6_solicit(mac(1), ll(1), 1 + i, 2 + static_cast<std::uint64_t>(i)));
    Dhcpv6Exchange ex;
    ex.client = ll(1);
    ex.addresses.push_back(ula(1));
    dhcp->publish(ex);
    CHECK(count(dhcp.finish(), "addr.link_local_only") == 0);
}

TEST_CASE("addr.link_local_only: IPv4 169.254 hosts still reported") {
    Run run;
    IpPacketSeen e;
    e.src = ip4(169, 254, 3, 4);
    e.dst = ip4(169, 254, 255, 255);
    e.eth_src = mac(5);
    e.has_eth = true;
    e.where = {0, 1};
    run->publish(e);
    CHECK(count(run.finish(), "addr.link_local_only") == 1);
}
