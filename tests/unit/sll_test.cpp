// Linux cooked capture v1 (DLT_LINUX_SLL) and v2 (DLT_LINUX_SLL2).
#include <doctest/doctest.h>

#include "tests/unit/field_helper.hpp"

using namespace netdx;
using namespace netdx::test;

namespace {

std::vector<std::uint8_t> with(std::vector<std::uint8_t> head, const std::vector<std::uint8_t>& tail) {
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
}

std::vector<std::uint8_t> ipv4_udp() { return ser(Tins::IP("10.0.0.2", "10.0.0.1") / Tins::UDP(40001, 40000)); }
std::vector<std::uint8_t> ipv6_tcp() { return ser(Tins::IPv6("2001:db8::2", "2001:db8::1") / Tins::TCP(80, 40000)); }

// v1: packet type, ARPHRD type, address length, 8 address bytes, protocol.
std::vector<std::uint8_t> sll1(std::uint16_t protocol) {
    return {0x00, 0x04, 0x00, 0x01, 0x00, 0x06, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x00,
            static_cast<std::uint8_t>(protocol >> 8), static_cast<std::uint8_t>(protocol)};
}
// v2: protocol, reserved, interface index, ARPHRD type, packet type, address length, 8 address bytes.
std::vector<std::uint8_t> sll2(std::uint16_t protocol) {
    return {static_cast<std::uint8_t>(protocol >> 8), static_cast<std::uint8_t>(protocol), 0x00, 0x00,
            0x00, 0x00, 0x00, 0x03, 0x00, 0x01, 0x00, 0x06, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x00};
}

}  // namespace

TEST_CASE("SLL v1 carrying IPv4") {
    CHECK(Registry::get().for_link_type(kSll) == Proto::Sll);
    CHECK(Registry::get().for_link_type(kSll2) == Proto::Sll);
    auto d = decode(with(sll1(0x0800), ipv4_udp()), kSll);
    CHECK(stack(d) == "sll:ip:udp");
    CHECK(d.pkt.layers[0].length == 16);
    CHECK(field(d, "sll.pkttype") == "4");
    CHECK(field(d, "sll.hatype") == "1");
    CHECK(field(d, "sll.halen") == "6");
    CHECK(field(d, "sll.src.eth") == "00:11:22:33:44:55");
    CHECK(field(d, "sll.etype") == "0x0800");
    CHECK(field(d, "frame.protocols") == "sll:ethertype:ip:udp");
    CHECK(ip(d.pkt.net.src) == "10.0.0.1");
    CHECK(d.pkt.net.dst_port == 40001);
}

TEST_CASE("SLL v1 without a 6-byte address shows no MAC") {
    auto head = sll1(0x0800);
    head[5] = 0;  // address length 0 (e.g. the "any" device on a tunnel)
    auto d = decode(with(head, ipv4_udp()), kSll);
    CHECK(stack(d) == "sll:ip:udp");
    CHECK(field(d, "sll.halen") == "0");
    CHECK(field(d, "sll.src.eth") == "");
}

TEST_CASE("SLL v1 protocol 0x0004 is 802.2 LLC, small unknown values are data") {
    auto llc = decode(with(sll1(0x0004), {0x42, 0x42, 0x03, 0x00, 0x00}), kSll);
    CHECK(stack(llc) == "sll:llc:data");
    auto other = decode(with(sll1(0x0001), {0x01, 0x02, 0x03}), kSll);
    CHECK(stack(other) == "sll:data");
}

TEST_CASE("SLL v1 cut short is truncated") {
    for (std::size_t n = 0; n < 16; ++n) {
        CAPTURE(n);
        auto d = decode_cut(with(sll1(0x0800), ipv4_udp()), n, kSll);
        CHECK(stack(d) == "sll!");
        CHECK(problem(&d.pkt.layers[0]) == "Linux cooked header shorter than 16 bytes");
    }
}

TEST_CASE("SLL v2 carrying IPv6") {
    auto d = decode(with(sll2(0x86dd), ipv6_tcp()), kSll2);
    CHECK(stack(d) == "sll:ipv6:tcp");
    CHECK(d.pkt.layers[0].proto == Proto::Sll);
    CHECK(d.pkt.layers[0].length == 20);
    CHECK(field(d, "sll.etype") == "0x86dd");
    CHECK(field(d, "sll.ifindex") == "3");
    CHECK(field(d, "sll.hatype") == "1");
    CHECK(field(d, "sll.pkttype") == "0");
    CHECK(field(d, "sll.halen") == "6");
    CHECK(field(d, "sll.src.eth") == "00:11:22:33:44:55");
    CHECK(ip(d.pkt.net.dst) == "2001:db8::2");
    CHECK(d.pkt.net.dst_port == 80);
}

TEST_CASE("SLL v2 cut short is truncated") {
    for (std::size_t n = 0; n < 20; ++n) {
        CAPTURE(n);
        auto d = decode_cut(with(sll2(0x0800), ipv4_udp()), n, kSll2);
        CHECK(stack(d) == "sll!");
        CHECK(problem(&d.pkt.layers[0]) == "Linux cooked v2 header shorter than 20 bytes");
    }
}

TEST_CASE("v1-only fields are absent from v2 and the reverse") {
    auto v1 = decode(with(sll1(0x0800), ipv4_udp()), kSll);
    CHECK(field(v1, "sll.ifindex") == "");
    auto v2 = decode(with(sll2(0x0800), ipv4_udp()), kSll2);
    CHECK(field(v2, "sll.ifindex") == "3");
}
