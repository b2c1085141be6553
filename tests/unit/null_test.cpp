// BSD loopback (DLT_NULL in host order, DLT_LOOP in network order) and raw IP.
#include <doctest/doctest.h>

#include "tests/unit/field_helper.hpp"

using namespace netdx;
using namespace netdx::test;

namespace {

std::vector<std::uint8_t> with(std::vector<std::uint8_t> head, const std::vector<std::uint8_t>& tail) {
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
}

std::vector<std::uint8_t> ipv4_udp() { return ser(Tins::IP("127.0.0.1", "127.0.0.1") / Tins::UDP(40001, 40000)); }
std::vector<std::uint8_t> ipv6_udp() { return ser(Tins::IPv6("::1", "::1") / Tins::UDP(40001, 40000)); }

std::vector<std::uint8_t> le(std::uint32_t v) {
    return {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v >> 16),
            static_cast<std::uint8_t>(v >> 24)};
}
std::vector<std::uint8_t> be(std::uint32_t v) {
    return {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 8),
            static_cast<std::uint8_t>(v)};
}

}  // namespace

TEST_CASE("DLT_NULL family in either byte order") {
    // Written by a little-endian host (the usual case) and by a big-endian one.
    for (const auto& head : {le(2), be(2)}) {
        auto d = decode(with(head, ipv4_udp()), kNull);
        CHECK(stack(d) == "null:ip:udp");
        CHECK(field(d, "null.family") == "2");
        CHECK(d.pkt.layers[0].length == 4);
        CHECK(ip(d.pkt.net.src) == "127.0.0.1");
    }
}

TEST_CASE("DLT_LOOP family in network order, and a host-order one still understood") {
    for (const auto& head : {be(2), le(2)}) {
        auto d = decode(with(head, ipv4_udp()), kLoop);
        CHECK(stack(d) == "null:ip:udp");
        CHECK(field(d, "null.family") == "2");
    }
}

TEST_CASE("each OS's AF_INET6 value leads to IPv6") {
    for (std::uint32_t fam : {10u, 23u, 24u, 28u, 30u}) {
        CAPTURE(fam);
        auto d = decode(with(le(fam), ipv6_udp()), kNull);
        CHECK(stack(d) == "null:ipv6:udp");
        CHECK(field(d, "null.family") == std::to_string(fam));
        auto l = decode(with(be(fam), ipv6_udp()), kLoop);
        CHECK(stack(l) == "null:ipv6:udp");
    }
}

TEST_CASE("an unknown family leaves the payload as data") {
    auto d = decode(with(le(99), {1, 2, 3, 4}), kNull);
    CHECK(stack(d) == "null:data");
    CHECK(field(d, "null.family") == "99");
}

TEST_CASE("a loopback header under 4 bytes is truncated") {
    for (std::size_t n = 0; n < 4; ++n) {
        CAPTURE(n);
        auto d = decode_cut(with(le(2), ipv4_udp()), n, kNull);
        CHECK(stack(d) == "null!");
        CHECK(problem(&d.pkt.layers[0]) == "loopback header shorter than 4 bytes");
        CHECK(field(d, "null.family") == "");
    }
}

TEST_CASE("raw IP: the version nibble picks IPv4 or IPv6") {
    for (int linktype : {12, 14, kRaw}) {
        CAPTURE(linktype);
        auto v4 = decode(ipv4_udp(), linktype);
        CHECK(stack(v4) == "raw:ip:udp");
        CHECK(v4.pkt.layers[0].length == 0);
        CHECK(v4.pkt.layers[1].offset == 0);
        CHECK(field(v4, "frame.protocols") == "raw:ip:udp");
        auto v6 = decode(ipv6_udp(), linktype);
        CHECK(stack(v6) == "raw:ipv6:udp");
        CHECK(ip(v6.pkt.net.src) == "::1");
    }
}

TEST_CASE("raw IP that is neither version is malformed; an empty one truncated") {
    auto bad = decode(std::vector<std::uint8_t>{0x55, 0x01, 0x02}, kRaw);
    CHECK(stack(bad) == "raw?:data");
    CHECK(problem(&bad.pkt.layers[0]) == "raw packet is neither IPv4 nor IPv6");
    CHECK(field(bad, "data.len") == "3");
    auto empty = decode(std::vector<std::uint8_t>{}, kRaw);
    CHECK(stack(empty) == "raw!");
    CHECK(problem(&empty.pkt.layers[0]) == "empty raw IP packet");
}

TEST_CASE("an unsupported link type decodes nothing") {
    auto d = decode(ipv4_udp(), 147);  // DLT_USER0
    CHECK(d.pkt.layers.empty());
    CHECK(info(d) == "");
    CHECK(d.pkt.net.src.family == 0);
}
