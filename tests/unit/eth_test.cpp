// Ethernet II, 802.3 + LLC/SNAP, 802.1Q and 802.1ad (QinQ) tags.
#include <doctest/doctest.h>

#include "tests/unit/field_helper.hpp"

using namespace netdx;
using namespace netdx::test;

namespace {

Tins::EthernetII eth() { return Tins::EthernetII("00:11:22:33:44:55", "66:77:88:99:aa:bb"); }

std::vector<std::uint8_t> udp_packet() {
    return ser(eth() / Tins::IP("10.0.0.2", "10.0.0.1") / Tins::UDP(40001, 40000) / Tins::RawPDU("hello"));
}

}  // namespace

TEST_CASE("Ethernet II carrying IPv4/UDP") {
    auto d = decode(udp_packet());
    CHECK(stack(d) == "eth:ip:udp:data");
    CHECK(field(d, "eth.dst") == "00:11:22:33:44:55");
    CHECK(field(d, "eth.src") == "66:77:88:99:aa:bb");
    CHECK(field(d, "eth.addr") == "00:11:22:33:44:55,66:77:88:99:aa:bb");
    CHECK(field(d, "eth.type") == "0x0800");
    CHECK(field(d, "eth.len") == "");
    CHECK(field(d, "frame.protocols") == "eth:ethertype:ip:udp:data");
    CHECK(d.pkt.layers[0].length == 14);
    CHECK(d.pkt.layers[1].offset == 14);
    CHECK_FALSE(d.pkt.net.has_vlan);
}

TEST_CASE("an unknown ethertype leaves the payload as data") {
    auto bytes = udp_packet();
    bytes[12] = 0x88;
    bytes[13] = 0xb5;  // local experimental ethertype
    auto d = decode(bytes);
    CHECK(stack(d) == "eth:data");
    CHECK(field(d, "eth.type") == "0x88b5");
    CHECK(field(d, "data.len") == std::to_string(bytes.size() - 14));
    CHECK(info(d) == "Ethernet");
}

TEST_CASE("an Ethernet header shorter than 14 bytes is truncated") {
    for (std::size_t n : {0u, 1u, 6u, 12u, 13u}) {
        CAPTURE(n);
        auto d = decode_cut(udp_packet(), n);
        REQUIRE(d.pkt.layers.size() == 1);
        CHECK(stack(d) == "eth!");
        CHECK(problem(&d.pkt.layers[0]) == "Ethernet header shorter than 14 bytes");
        CHECK(d.pkt.layers[0].length == n);
        CHECK(info(d).find("[Truncated Ethernet: Ethernet header shorter than 14 bytes]") != std::string::npos);
    }
    // The addresses that were captured are still readable.
    auto d = decode_cut(udp_packet(), 12);
    CHECK(field(d, "eth.src") == "66:77:88:99:aa:bb");
    CHECK(field(d, "eth.type") == "");
}

TEST_CASE("a type/length between 1501 and 1535 is malformed") {
    auto bytes = udp_packet();
    bytes[12] = 0x05;
    bytes[13] = 0xdd;  // 1501
    auto d = decode(bytes);
    CHECK(stack(d) == "eth?:data");
    CHECK(problem(&d.pkt.layers[0]) == "type/length field between 1501 and 1535");
    CHECK(field(d, "eth.type") == "");
    CHECK(field(d, "eth.len") == "");
}

TEST_CASE("802.3 length field with an LLC header") {
    // STP BPDU: 802.3 length 38, LLC DSAP/SSAP 0x42, UI control.
    std::vector<std::uint8_t> b = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x00, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
                                   0x00, 0x26, 0x42, 0x42, 0x03};
    b.resize(14 + 38, 0);
    auto d = decode(b);
    CHECK(stack(d) == "eth:llc:data");
    CHECK(field(d, "eth.len") == "38");
    CHECK(field(d, "eth.type") == "");
    CHECK(field(d, "llc.dsap") == "0x42");
    CHECK(field(d, "llc.control") == "0x03");
    CHECK(d.pkt.layers[1].length == 3);
    CHECK(field(d, "frame.protocols") == "eth:llc:data");
}

TEST_CASE("LLC SNAP hands over to the ethertype it carries") {
    std::vector<std::uint8_t> b = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
                                   0x00, 0x00, 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00};
    auto ip = ser(Tins::IP("10.0.0.2", "10.0.0.1") / Tins::UDP(40001, 40000));
    b.insert(b.end(), ip.begin(), ip.end());
    b[12] = 0;
    b[13] = static_cast<std::uint8_t>(b.size() - 14);
    auto d = decode(b);
    CHECK(stack(d) == "eth:llc:ip:udp");
    CHECK(d.pkt.layers[1].length == 8);
    CHECK(field(d, "ip.src") == "10.0.0.1");
}

TEST_CASE("an LLC header cut short is truncated") {
    std::vector<std::uint8_t> b = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
                                   0x00, 0x26, 0x42, 0x42};
    auto d = decode(b);
    CHECK(stack(d) == "eth:llc!");
    CHECK(problem(&d.pkt.layers[1]) == "LLC header shorter than 3 bytes");
}

TEST_CASE("802.1Q tag") {
    Tins::Dot1Q tag(100);
    tag.priority(5);
    auto d = decode(eth() / tag / Tins::IP("10.0.0.2", "10.0.0.1") / Tins::UDP(40001, 40000));
    CHECK(stack(d) == "eth:vlan:ip:udp");
    CHECK(field(d, "eth.type") == "0x8100");
    CHECK(field(d, "vlan.id") == "100");
    CHECK(field(d, "vlan.priority") == "5");
    CHECK(field(d, "vlan.dei") == "0");
    CHECK(field(d, "vlan.etype") == "0x0800");
    CHECK(field(d, "frame.protocols") == "eth:ethertype:vlan:ethertype:ip:udp");
    CHECK(d.pkt.net.has_vlan);
    CHECK(d.pkt.net.vlan == 100);
    CHECK(ip(d.pkt.net.src) == "10.0.0.1");
    CHECK(d.pkt.layers[2].offset == 18);
}

TEST_CASE("802.1ad QinQ: two tags, the outer one is the packet's VLAN") {
    std::vector<std::uint8_t> b = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
                                   0x88, 0xa8, 0x20, 0x64,   // S-tag: PCP 1, VID 100
                                   0x81, 0x00, 0x10, 0xc8,   // C-tag: DEI 1, VID 200
                                   0x86, 0xdd};
    auto v6 = ser(Tins::IPv6("2001:db8::2", "2001:db8::1") / Tins::UDP(40001, 40000));
    b.insert(b.end(), v6.begin(), v6.end());
    auto d = decode(b);
    CHECK(stack(d) == "eth:vlan:vlan:ipv6:udp");
    CHECK(field(d, "eth.type") == "0x88a8");
    CHECK(field(d, "vlan.id") == "100,200");
    CHECK(field(d, "vlan.priority") == "1,0");
    CHECK(field(d, "vlan.dei") == "0,1");
    CHECK(field(d, "vlan.etype") == "0x8100,0x86dd");
    CHECK(d.pkt.net.vlan == 100);
    CHECK(ip(d.pkt.net.dst) == "2001:db8::2");
}

TEST_CASE("a VLAN tag cut short is truncated, the Ethernet layer stands") {
    auto full = ser(eth() / Tins::Dot1Q(7) / Tins::IP("10.0.0.2", "10.0.0.1"));
    for (std::size_t n = 14; n < 18; ++n) {
        CAPTURE(n);
        auto d = decode_cut(full, n);
        CHECK(stack(d) == "eth:vlan!");
        CHECK(problem(&d.pkt.layers[1]) == "VLAN tag shorter than 4 bytes");
        CHECK_FALSE(d.pkt.net.has_vlan);
    }
    auto d = decode_cut(full, 16);
    CHECK(field(d, "vlan.id") == "7");
    CHECK(field(d, "vlan.etype") == "");
}

TEST_CASE("many stacked tags stop at the layer stack limit without failing") {
    std::vector<std::uint8_t> b = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x81, 0x00};
    for (int i = 0; i < 100; ++i) {
        b.push_back(0x00);
        b.push_back(static_cast<std::uint8_t>(i));
        b.push_back(0x81);
        b.push_back(0x00);
    }
    auto d = decode(b);
    CHECK(d.pkt.layers.size() == LayerStack::kMax);
    CHECK(d.pkt.net.vlan == 0);
    CHECK_FALSE(field(d, "vlan.id").empty());
}
