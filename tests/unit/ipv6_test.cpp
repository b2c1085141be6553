// IPv6: fixed header, extension header chain, fragment header, bad lengths.
#include <doctest/doctest.h>

#include "tests/unit/field_helper.hpp"

using namespace netdx;
using namespace netdx::test;

namespace {

Tins::EthernetII eth() { return Tins::EthernetII("00:11:22:33:44:55", "66:77:88:99:aa:bb"); }

// Ethernet + IPv6 header with the given next header, followed by `rest`
// (extension headers and transport bytes written by the test).
std::vector<std::uint8_t> v6_with(std::uint8_t next_header, const std::vector<std::uint8_t>& rest) {
    Tins::IPv6 ip("2001:db8::2", "2001:db8::1");
    ip.hop_limit(63);
    auto b = ser(eth() / ip);
    b.resize(54);  // drop the padding libtins adds up to the Ethernet minimum
    b[20] = next_header;
    const std::size_t plen = rest.size();
    b[18] = static_cast<std::uint8_t>(plen >> 8);
    b[19] = static_cast<std::uint8_t>(plen);
    b.insert(b.end(), rest.begin(), rest.end());
    return b;
}

std::vector<std::uint8_t> tcp_bytes() { return ser(Tins::TCP(80, 40000)); }

std::vector<std::uint8_t> cat(std::initializer_list<std::vector<std::uint8_t>> parts) {
    std::vector<std::uint8_t> out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

// A generic extension header of 8*(len+1) bytes: next header, length, padding.
std::vector<std::uint8_t> ext(std::uint8_t nh, std::uint8_t len) {
    std::vector<std::uint8_t> h((len + 1u) * 8u, 0);
    h[0] = nh;
    h[1] = len;
    if (h.size() > 2) h[2] = 0x01;  // PadN option
    if (h.size() > 3) h[3] = static_cast<std::uint8_t>(h.size() - 4);
    return h;
}

std::vector<std::uint8_t> frag(std::uint8_t nh, std::uint16_t offset8, bool more, std::uint32_t id) {
    const std::uint16_t om = static_cast<std::uint16_t>((offset8 << 3) | (more ? 1 : 0));
    return {nh,
            0,
            static_cast<std::uint8_t>(om >> 8),
            static_cast<std::uint8_t>(om),
            static_cast<std::uint8_t>(id >> 24),
            static_cast<std::uint8_t>(id >> 16),
            static_cast<std::uint8_t>(id >> 8),
            static_cast<std::uint8_t>(id)};
}

}  // namespace

TEST_CASE("IPv6 header fields") {
    Tins::IPv6 hdr("2001:db8::2", "2001:db8::1");
    hdr.hop_limit(63);
    hdr.traffic_class(0xb8);
    hdr.flow_label(0x12345);
    auto d = decode(eth() / hdr / Tins::UDP(40001, 40000) / Tins::RawPDU("hi"));
    CHECK(stack(d) == "eth:ipv6:udp:data");
    CHECK(field(d, "ipv6.version") == "6");
    CHECK(field(d, "ipv6.tclass") == "0xb8");
    CHECK(field(d, "ipv6.flow") == "0x12345");
    CHECK(field(d, "ipv6.plen") == "10");
    CHECK(field(d, "ipv6.nxt") == "17");
    CHECK(field(d, "ipv6.hlim") == "63");
    CHECK(field(d, "ipv6.src") == "2001:db8::1");
    CHECK(field(d, "ipv6.dst") == "2001:db8::2");
    CHECK(field(d, "ipv6.addr") == "2001:db8::1,2001:db8::2");
    CHECK(field(d, "frame.protocols") == "eth:ethertype:ipv6:udp:data");
    CHECK(d.pkt.net.src.family == 6);
    CHECK(ip(d.pkt.net.src) == "2001:db8::1");
    CHECK(d.pkt.net.ip_proto == 17);
    CHECK(d.pkt.net.ttl == 63);
    CHECK(d.pkt.net.has_ports);
    CHECK_FALSE(d.pkt.net.fragment);
}

TEST_CASE("extension header chain: hop-by-hop, routing, destination options, atomic fragment, TCP") {
    auto b = v6_with(0, cat({ext(43, 0), ext(60, 1), ext(44, 0), frag(6, 0, false, 7), tcp_bytes()}));
    auto d = decode(b);
    CHECK(stack(d) == "eth:ipv6:ipv6.hopopts:ipv6.routing:ipv6.dstopts:ipv6.fraghdr:tcp");
    CHECK(find(d, Proto::Ipv6HopOpts)->length == 8);
    CHECK(find(d, Proto::Ipv6Routing)->length == 16);
    CHECK(find(d, Proto::Ipv6DstOpts)->length == 8);
    CHECK(find(d, Proto::Ipv6Fragment)->length == 8);
    CHECK(find(d, Proto::Tcp)->offset == 54 + 8 + 16 + 8 + 8);
    CHECK(field(d, "ipv6.nxt") == "0");
    CHECK(field(d, "ipv6.hopopts.nxt") == "43");
    CHECK(field(d, "ipv6.routing.nxt") == "60");
    CHECK(field(d, "ipv6.dstopts.nxt") == "44");
    CHECK(field(d, "ipv6.fragment.nxt") == "6");
    CHECK(field(d, "ipv6.fragment.offset") == "0");
    CHECK(field(d, "ipv6.fragment.more") == "0");
    CHECK(field(d, "tcp.dstport") == "80");
    // The summary carries the final upper-layer protocol.
    CHECK(d.pkt.net.ip_proto == 6);
    CHECK_FALSE(d.pkt.net.fragment);
    CHECK(d.pkt.net.dst_port == 80);
    CHECK(info(d).rfind("40000 → 80 [<None>] Seq=0", 0) == 0);  // libtins sets no flags by default
}

TEST_CASE("first fragment: the rest is data and the summary says fragment") {
    auto d = decode(v6_with(44, cat({frag(17, 0, true, 0xdeadbeef), std::vector<std::uint8_t>(32, 0xab)})));
    CHECK(stack(d) == "eth:ipv6:ipv6.fraghdr:data");
    CHECK((find(d, Proto::Ipv6Fragment)->flags & kLayerFragment) != 0);
    CHECK(field(d, "ipv6.fragment.more") == "1");
    CHECK(field(d, "ipv6.fragment.id") == "0xdeadbeef");
    CHECK(field(d, "data.len") == "32");
    CHECK(d.pkt.net.fragment);
    CHECK(d.pkt.net.ip_proto == 17);
    CHECK_FALSE(d.pkt.net.has_ports);
}

TEST_CASE("later fragment: offset in 8-byte units") {
    auto d = decode(v6_with(44, cat({frag(17, 185, false, 1), std::vector<std::uint8_t>(16, 0)})));
    CHECK(stack(d) == "eth:ipv6:ipv6.fraghdr:data");
    CHECK(field(d, "ipv6.fragment.offset") == "185");
    CHECK(d.pkt.net.fragment);
}

TEST_CASE("No Next Header ends the chain") {
    auto d = decode(v6_with(60, cat({ext(59, 0), std::vector<std::uint8_t>(4, 0)})));
    CHECK(stack(d) == "eth:ipv6:ipv6.dstopts");
}

TEST_CASE("an unknown next header is data") {
    auto d = decode(v6_with(253, std::vector<std::uint8_t>(12, 0)));
    CHECK(stack(d) == "eth:ipv6:data");
    CHECK(d.pkt.net.ip_proto == 253);
}

TEST_CASE("an extension header longer than the capture is truncated") {
    // Hop-by-hop claiming 24 bytes with 10 present.
    auto b = v6_with(0, ext(6, 2));
    b.resize(54 + 10);
    auto d = decode(b);
    CHECK(stack(d) == "eth:ipv6:ipv6.hopopts!");
    CHECK(problem(find(d, Proto::Ipv6HopOpts)) == "IPv6 extension header cut short");
    CHECK(info(d).find("[Truncated IPv6: IPv6 extension header cut short]") != std::string::npos);
    // Only the next-header byte.
    auto one = v6_with(43, {6});
    CHECK(stack(decode(one)) == "eth:ipv6:ipv6.routing!");
}

TEST_CASE("a fragment header cut short is truncated") {
    for (std::size_t n = 0; n < 8; ++n) {
        CAPTURE(n);
        auto f = frag(17, 0, true, 1);
        f.resize(n);
        auto d = decode(v6_with(44, f));
        CHECK(stack(d) == "eth:ipv6:ipv6.fraghdr!");
        CHECK(problem(find(d, Proto::Ipv6Fragment)) == "IPv6 fragment header cut short");
    }
}

TEST_CASE("payload length limits the datagram: padding is not payload") {
    auto b = ser(eth() / Tins::IPv6("2001:db8::2", "2001:db8::1") / Tins::UDP(40001, 40000) / Tins::RawPDU("ab"));
    b.insert(b.end(), 20, 0xee);  // trailer
    auto d = decode(b);
    CHECK(stack(d) == "eth:ipv6:udp:data");
    CHECK(field(d, "data.len") == "2");
}

TEST_CASE("payload length zero (jumbogram) leaves the captured length in force") {
    auto b = v6_with(17, ser(Tins::UDP(40001, 40000) / Tins::RawPDU("abcd")));
    b[18] = b[19] = 0;
    auto d = decode(b);
    CHECK(stack(d) == "eth:ipv6:udp:data");
    CHECK(field(d, "data.len") == "4");
}

TEST_CASE("the wrong version is malformed") {
    auto b = v6_with(17, ser(Tins::UDP(40001, 40000)));
    b[14] = 0x45;
    auto d = decode(b);
    CHECK(problem(find(d, Proto::Ipv6)) == "IP version is not 6");
    CHECK(field(d, "udp.srcport") == "40000");
}

TEST_CASE("an IPv6 header cut before 40 bytes is truncated") {
    auto full = ser(eth() / Tins::IPv6("2001:db8::2", "2001:db8::1") / Tins::UDP(40001, 40000));
    for (std::size_t n = 14; n < 54; ++n) {
        CAPTURE(n);
        auto d = decode_cut(full, n);
        CHECK(stack(d) == "eth:ipv6!");
        CHECK(problem(find(d, Proto::Ipv6)) == "IPv6 header cut before 40 bytes");
        CHECK(d.pkt.net.src.family == 0);
    }
}

TEST_CASE("IPv6 over IPv4 (protocol 41) and IPv4 over IPv6") {
    auto six_in_four = decode(eth() / Tins::IP("192.0.2.2", "192.0.2.1") / Tins::IPv6("2001:db8::2", "2001:db8::1") /
                              Tins::UDP(40001, 40000));
    CHECK(stack(six_in_four) == "eth:ip:ipv6:udp");
    CHECK(six_in_four.pkt.net.src.family == 4);
    auto four_in_six = decode(v6_with(4, ser(Tins::IP("10.0.0.2", "10.0.0.1") / Tins::UDP(40001, 40000))));
    CHECK(stack(four_in_six) == "eth:ipv6:ip:udp");
    CHECK(four_in_six.pkt.net.src.family == 6);
}
