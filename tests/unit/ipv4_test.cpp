// IPv4: header fields, checksum, options, fragments, bad lengths.
#include <doctest/doctest.h>

#include "tests/unit/field_helper.hpp"

using namespace netdx;
using namespace netdx::test;

namespace {

Tins::EthernetII eth() { return Tins::EthernetII("00:11:22:33:44:55", "66:77:88:99:aa:bb"); }

std::vector<std::uint8_t> udp_packet() {
    Tins::IP ip("10.0.0.2", "10.0.0.1");
    ip.ttl(61);
    ip.id(0x1234);
    ip.tos(0xb8);  // DSCP 46 (EF), ECN 0
    ip.flags(Tins::IP::DONT_FRAGMENT);
    return ser(eth() / ip / Tins::UDP(40001, 40000) / Tins::RawPDU("hello"));
}

// Recomputes the IPv4 header checksum of the header at `off`.
void fix_checksum(std::vector<std::uint8_t>& b, std::size_t off) {
    const std::size_t ihl = (b[off] & 0x0f) * 4u;
    b[off + 10] = b[off + 11] = 0;
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i < ihl; i += 2) sum += (b[off + i] << 8) | b[off + i + 1];
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    b[off + 10] = static_cast<std::uint8_t>(~sum >> 8);
    b[off + 11] = static_cast<std::uint8_t>(~sum);
}

// Inserts option bytes (a multiple of 4) after the fixed IPv4 header at offset 14.
std::vector<std::uint8_t> with_options(std::vector<std::uint8_t> b, const std::vector<std::uint8_t>& opts) {
    b.insert(b.begin() + 34, opts.begin(), opts.end());
    b[14] = static_cast<std::uint8_t>(0x40 | ((20 + opts.size()) / 4));
    const std::size_t total = ((b[16] << 8) | b[17]) + opts.size();
    b[16] = static_cast<std::uint8_t>(total >> 8);
    b[17] = static_cast<std::uint8_t>(total);
    fix_checksum(b, 14);
    return b;
}

}  // namespace

TEST_CASE("IPv4 header fields") {
    auto d = decode(udp_packet());
    CHECK(stack(d) == "eth:ip:udp:data");
    const Layer* ip4 = find(d, Proto::Ipv4);
    REQUIRE(ip4);
    CHECK(ip4->length == 20);
    CHECK(ip4->flags == 0);
    CHECK(field(d, "ip.version") == "4");
    CHECK(field(d, "ip.hdr_len") == "20");
    CHECK(field(d, "ip.dsfield") == "0xb8");
    CHECK(field(d, "ip.dsfield.dscp") == "46");
    CHECK(field(d, "ip.dsfield.ecn") == "0");
    CHECK(field(d, "ip.len") == "33");
    CHECK(field(d, "ip.id") == "0x1234");
    CHECK(field(d, "ip.flags") == "0x02");
    CHECK(field(d, "ip.flags.df") == "1");
    CHECK(field(d, "ip.flags.mf") == "0");
    CHECK(field(d, "ip.flags.rb") == "0");
    CHECK(field(d, "ip.frag_offset") == "0");
    CHECK(field(d, "ip.ttl") == "61");
    CHECK(field(d, "ip.proto") == "17");
    CHECK(field(d, "ip.checksum.status") == "1");
    CHECK(field(d, "ip.src") == "10.0.0.1");
    CHECK(field(d, "ip.dst") == "10.0.0.2");
    CHECK(field(d, "ip.addr") == "10.0.0.1,10.0.0.2");
    // The summary the flow table and the columns use.
    CHECK(ip(d.pkt.net.src) == "10.0.0.1");
    CHECK(ip(d.pkt.net.dst) == "10.0.0.2");
    CHECK(d.pkt.net.ip_proto == 17);
    CHECK(d.pkt.net.ttl == 61);
    CHECK_FALSE(d.pkt.net.fragment);
    fmt::memory_buffer src, dst;
    append_address_columns(d.pkt, src, dst);
    CHECK(fmt::to_string(src) == "10.0.0.1");
    CHECK(fmt::to_string(dst) == "10.0.0.2");
}

TEST_CASE("a bad header checksum is flagged, not treated as malformed") {
    auto b = udp_packet();
    b[24] ^= 0x5a;
    auto d = decode(b);
    CHECK(stack(d) == "eth:ip:udp:data");
    CHECK((find(d, Proto::Ipv4)->flags & kLayerChecksumBad) != 0);
    CHECK(field(d, "ip.checksum.status") == "0");
    CHECK(field(d, "ip.checksum") == fmt::format("0x{:02x}{:02x}", b[24], b[25]));
}

TEST_CASE("IPv4 options are part of the header") {
    // Router Alert (RFC 2113): type 148, length 4, value 0.
    auto d = decode(with_options(udp_packet(), {0x94, 0x04, 0x00, 0x00}));
    CHECK(stack(d) == "eth:ip:udp:data");
    CHECK(find(d, Proto::Ipv4)->length == 24);
    CHECK(field(d, "ip.hdr_len") == "24");
    CHECK(field(d, "ip.checksum.status") == "1");
    CHECK(find(d, Proto::Udp)->offset == 14 + 24);
    CHECK(field(d, "udp.srcport") == "40000");
    // NOPs and an end-of-list are fine too.
    auto nops = decode(with_options(udp_packet(), {0x01, 0x01, 0x01, 0x00}));
    CHECK(stack(nops) == "eth:ip:udp:data");
}

TEST_CASE("an IPv4 option whose length does not fit is malformed") {
    // Record Route claiming 39 bytes in an 8-byte option area.
    auto d = decode(with_options(udp_packet(), {0x07, 0x27, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00}));
    CHECK(stack(d) == "eth:ip?:udp:data");
    CHECK(problem(find(d, Proto::Ipv4)) == "bad IPv4 option length");
    CHECK(info(d).find("[Malformed IPv4: bad IPv4 option length]") != std::string::npos);
    // Length below 2 and an option cut at its length byte.
    CHECK(stack(decode(with_options(udp_packet(), {0x07, 0x01, 0x00, 0x00}))) == "eth:ip?:udp:data");
    CHECK(stack(decode(with_options(udp_packet(), {0x01, 0x01, 0x01, 0x07}))) == "eth:ip?:udp:data");
}

TEST_CASE("first fragment: payload is data, the summary says fragment") {
    Tins::IP ip("10.0.0.2", "10.0.0.1");
    ip.flags(Tins::IP::MORE_FRAGMENTS);
    ip.id(0x1234);
    auto d = decode(eth() / ip / Tins::UDP(40001, 40000) / Tins::RawPDU(std::string(40, 'x')));
    CHECK(stack(d) == "eth:ip:data");
    const Layer* ip4 = find(d, Proto::Ipv4);
    CHECK((ip4->flags & kLayerFragment) != 0);
    CHECK(d.pkt.net.fragment);
    CHECK_FALSE(d.pkt.net.has_ports);
    CHECK(d.pkt.net.ip_proto == 17);
    CHECK(field(d, "ip.flags.mf") == "1");
    CHECK(field(d, "ip.frag_offset") == "0");
    CHECK(field(d, "data.len") == "48");
    // tshark names the protocol ("proto=UDP 17"); netdx prints the number only.
    const std::string i = info(d);
    CHECK(i.rfind("Fragmented IP protocol (proto=", 0) == 0);
    CHECK(i.find("17, off=0, ID=1234)") != std::string::npos);
}

TEST_CASE("later fragment: offset in bytes, no transport header looked for") {
    Tins::IP ip("10.0.0.2", "10.0.0.1");
    ip.fragment_offset(185);  // 1480 bytes
    ip.id(0xabcd);
    ip.protocol(6);
    auto d = decode(eth() / ip / Tins::RawPDU(std::string(24, 'x')));
    CHECK(stack(d) == "eth:ip:data");
    CHECK(d.pkt.net.fragment);
    CHECK(field(d, "ip.frag_offset") == "185");  // 8-byte units, as tshark 4.0
    CHECK(field(d, "ip.flags.mf") == "0");
    CHECK(info(d).find("off=1480, ID=abcd)") != std::string::npos);
}

TEST_CASE("IHL below 5 is malformed") {
    auto b = udp_packet();
    for (std::uint8_t ihl = 0; ihl < 5; ++ihl) {
        CAPTURE(int(ihl));
        b[14] = static_cast<std::uint8_t>(0x40 | ihl);
        auto d = decode(b);
        CHECK(stack(d) == "eth:ip?");
        CHECK(problem(find(d, Proto::Ipv4)) == "IPv4 header length below 20 bytes");
        CHECK(field(d, "ip.hdr_len") == std::to_string(ihl * 4));
    }
}

TEST_CASE("IHL beyond the captured bytes: options cut short") {
    auto b = ser(eth() / Tins::IP("10.0.0.2", "10.0.0.1"));
    b[14] = 0x4f;  // 60-byte header, only 20 captured
    auto d = decode(b);
    CHECK(stack(d) == "eth:ip!");
    CHECK(problem(find(d, Proto::Ipv4)) == "IPv4 options cut short");
    CHECK(field(d, "ip.src") == "10.0.0.1");
}

TEST_CASE("total length smaller than the header is malformed") {
    auto b = udp_packet();
    b[16] = 0;
    b[17] = 19;
    fix_checksum(b, 14);
    auto d = decode(b);
    const Layer* ip4 = find(d, Proto::Ipv4);
    CHECK(ip4->status == LayerStatus::Malformed);
    CHECK(problem(ip4) == "IPv4 total length smaller than its header");
}

TEST_CASE("total length limits the datagram: Ethernet padding is not payload") {
    auto b = ser(eth() / Tins::IP("10.0.0.2", "10.0.0.1") / Tins::UDP(40001, 40000) / Tins::RawPDU("ab"));
    REQUIRE(b.size() == 60);  // padded to the Ethernet minimum
    auto d = decode(b);
    CHECK(stack(d) == "eth:ip:udp:data");
    CHECK(field(d, "data.len") == "2");
    CHECK(d.pkt.net.payload_length == 2);
}

TEST_CASE("the wrong version number is malformed, the header still decoded") {
    auto b = udp_packet();
    b[14] = 0x65;
    auto d = decode(b);
    CHECK(problem(find(d, Proto::Ipv4)) == "IP version is not 4");
    CHECK(field(d, "ip.version") == "6");
    CHECK(field(d, "udp.dstport") == "40001");
}

TEST_CASE("IP in IP: the outer header is the packet's summary") {
    auto d = decode(eth() / Tins::IP("192.0.2.2", "192.0.2.1") / Tins::IP("10.0.0.2", "10.0.0.1") /
                    Tins::UDP(40001, 40000));
    CHECK(stack(d) == "eth:ip:ip:udp");
    CHECK(field(d, "ip.src") == "192.0.2.1,10.0.0.1");
    CHECK(ip(d.pkt.net.src) == "192.0.2.1");
    CHECK(d.pkt.net.ip_proto == 4);
    // The ports come from the one transport header.
    CHECK(d.pkt.net.src_port == 40000);
}

TEST_CASE("an IPv4 header cut before 20 bytes is truncated") {
    auto full = udp_packet();
    for (std::size_t n = 14; n < 34; ++n) {
        CAPTURE(n);
        auto d = decode_cut(full, n);
        CHECK(stack(d) == "eth:ip!");
        CHECK(problem(find(d, Proto::Ipv4)) == "IPv4 header cut before 20 bytes");
        CHECK(d.pkt.net.src.family == 0);
    }
}
