// ICMPv6: echo, Neighbor Discovery (NS/NA/RA), errors quoting IPv6.
#include <doctest/doctest.h>

#include "tests/unit/field_helper.hpp"

using namespace netdx;
using namespace netdx::test;
using Tins::ICMPv6;

namespace {

Tins::EthernetII eth() { return Tins::EthernetII("00:11:22:33:44:55", "66:77:88:99:aa:bb"); }

}  // namespace

TEST_CASE("ICMPv6 echo request") {
    ICMPv6 echo(ICMPv6::ECHO_REQUEST);
    echo.identifier(0x1234);
    echo.sequence(7);
    Tins::IPv6 hdr("2001:db8::2", "2001:db8::1");
    hdr.hop_limit(64);
    auto d = decode(eth() / hdr / echo / Tins::RawPDU("abcd"));
    CHECK(stack(d) == "eth:ipv6:icmpv6:data");
    CHECK(info(d) == "Echo (ping) request id=0x1234, seq=7, hop limit=64");
    CHECK(field(d, "icmpv6.type") == "128");
    CHECK(field(d, "icmpv6.echo.identifier") == "4660");
    CHECK(field(d, "icmpv6.echo.sequence_number") == "7");
    CHECK(d.pkt.net.ip_proto == 58);
}

TEST_CASE("neighbor solicitation with a source link-layer address") {
    ICMPv6 ns(ICMPv6::NEIGHBOUR_SOLICIT);
    ns.target_addr("fe80::2");
    ns.source_link_layer_addr("00:11:22:33:44:55");
    auto d = decode(eth() / Tins::IPv6("ff02::1:ff00:2", "fe80::1") / ns);
    CHECK(stack(d) == "eth:ipv6:icmpv6");
    CHECK(info(d) == "Neighbor Solicitation for fe80::2 from 00:11:22:33:44:55");
    CHECK(field(d, "icmpv6.nd.ns.target_address") == "fe80::2");
    CHECK(field(d, "icmpv6.nd.na.target_address") == "");
}

TEST_CASE("neighbor advertisement with flags and a target link-layer address") {
    ICMPv6 na(ICMPv6::NEIGHBOUR_ADVERT);
    na.target_addr("fe80::2");
    na.solicited(1);
    na.override(1);
    na.target_link_layer_addr("00:11:22:33:44:66");
    auto d = decode(eth() / Tins::IPv6("fe80::1", "fe80::2") / na);
    CHECK(info(d) == "Neighbor Advertisement fe80::2 (sol, ovr) is at 00:11:22:33:44:66");
    CHECK(field(d, "icmpv6.nd.na.target_address") == "fe80::2");
}

TEST_CASE("router advertisement") {
    ICMPv6 ra(ICMPv6::ROUTER_ADVERT);
    ra.hop_limit(64);
    ra.router_lifetime(1800);
    ra.source_link_layer_addr("00:11:22:33:44:77");
    auto d = decode(eth() / Tins::IPv6("ff02::1", "fe80::1") / ra);
    CHECK(stack(d) == "eth:ipv6:icmpv6");
    CHECK(info(d) == "Router Advertisement from 00:11:22:33:44:77");
    CHECK(field(d, "icmpv6.type") == "134");
}

TEST_CASE("packet too big quoting IPv6/UDP") {
    auto b = ser(eth() / Tins::IPv6("2001:db8::1", "2001:db8::9") / ICMPv6(ICMPv6::DEST_UNREACHABLE) /
                 Tins::IPv6("2001:db8::2", "2001:db8::1") / Tins::UDP(40001, 40000) / Tins::RawPDU("x"));
    b[54] = 2;  // libtins has no Packet Too Big setter: patch type and MTU
    b[58] = 0;
    b[59] = 0;
    b[60] = 0x05;
    b[61] = 0x00;
    auto d = decode(b);
    CHECK(stack(d) == "eth:ipv6:icmpv6:[ipv6]:[udp]:[data]");
    CHECK(field(d, "icmpv6.mtu") == "1280");
    CHECK(info(d).rfind("Packet Too Big", 0) == 0);
    CHECK(ip(d.pkt.net.src) == "2001:db8::9");
    CHECK_FALSE(d.pkt.net.has_ports);
}

TEST_CASE("destination unreachable quoting IPv6/TCP") {
    auto d = decode(eth() / Tins::IPv6("2001:db8::1", "2001:db8::9") / ICMPv6(ICMPv6::DEST_UNREACHABLE) /
                    Tins::IPv6("2001:db8::2", "2001:db8::1") / Tins::TCP(80, 40000));
    CHECK(stack(d) == "eth:ipv6:icmpv6:[ipv6]:[tcp]");
    CHECK(info(d) == "Destination Unreachable (no route to destination)");
    CHECK(field(d, "ipv6.src") == "2001:db8::9,2001:db8::1");
}

TEST_CASE("truncated ICMPv6: header, echo, ND body") {
    auto echo = ser(eth() / Tins::IPv6("2001:db8::2", "2001:db8::1") / ICMPv6(ICMPv6::ECHO_REQUEST));
    for (std::size_t n = 54; n < 58; ++n)
        CHECK(problem(find(decode_cut(echo, n), Proto::Icmpv6)) == "ICMPv6 header cut before 4 bytes");
    for (std::size_t n = 58; n < 62; ++n)
        CHECK(problem(find(decode_cut(echo, n), Proto::Icmpv6)) == "ICMPv6 message cut before 8 bytes");
    ICMPv6 ns(ICMPv6::NEIGHBOUR_SOLICIT);
    ns.target_addr("fe80::2");
    auto nsb = ser(eth() / Tins::IPv6("ff02::1:ff00:2", "fe80::1") / ns);
    auto d = decode_cut(nsb, 54 + 20);
    CHECK(stack(d) == "eth:ipv6:icmpv6!");
    CHECK(problem(find(d, Proto::Icmpv6)) == "Neighbor Discovery message cut short");
    CHECK(field(d, "icmpv6.nd.ns.target_address") == "");
}
