// ARP over Ethernet/IPv4: requests, replies, gratuitous ARP, announcements, probes.
#include <doctest/doctest.h>

#include "tests/unit/field_helper.hpp"

using namespace netdx;
using namespace netdx::test;
using Tins::ARP;

namespace {

const ARP::hwaddress_type kMacA("00:11:22:33:44:55");
const ARP::hwaddress_type kMacB("66:77:88:99:aa:bb");

std::vector<std::uint8_t> with_target_mac(Tins::EthernetII e, const char* tha) {
    e.rfind_pdu<ARP>().target_hw_addr(ARP::hwaddress_type(tha));
    return ser(e);
}

}  // namespace

TEST_CASE("ARP request") {
    auto d = decode(ARP::make_arp_request("10.0.0.2", "10.0.0.1", kMacA));
    CHECK(stack(d) == "eth:arp");
    CHECK(d.pkt.layers[1].length == 28);
    CHECK(info(d) == "Who has 10.0.0.2? Tell 10.0.0.1");
    CHECK(field(d, "arp.hw.type") == "1");
    CHECK(field(d, "arp.proto.type") == "0x0800");
    CHECK(field(d, "arp.hw.size") == "6");
    CHECK(field(d, "arp.proto.size") == "4");
    CHECK(field(d, "arp.opcode") == "1");
    CHECK(field(d, "arp.src.hw_mac") == kMacA.to_string());
    CHECK(field(d, "arp.src.proto_ipv4") == "10.0.0.1");
    CHECK(field(d, "arp.dst.hw_mac") == "00:00:00:00:00:00");
    CHECK(field(d, "arp.dst.proto_ipv4") == "10.0.0.2");
    CHECK(field(d, "arp.isgratuitous") == "");
    CHECK(field(d, "arp.isprobe") == "");
    CHECK(field(d, "frame.protocols") == "eth:ethertype:arp");
    CHECK(protocol_column(d.pkt) == "ARP");
    // ARP has no IP summary.
    CHECK(d.pkt.net.src.family == 0);
}

TEST_CASE("ARP reply") {
    auto d = decode(ARP::make_arp_reply("10.0.0.1", "10.0.0.2", kMacA, kMacB));
    CHECK(stack(d) == "eth:arp");
    CHECK(info(d) == "10.0.0.2 is at 66:77:88:99:aa:bb");
    CHECK(field(d, "arp.opcode") == "2");
    CHECK(field(d, "arp.src.hw_mac") == kMacB.to_string());
    CHECK(field(d, "arp.dst.hw_mac") == kMacA.to_string());
}

TEST_CASE("gratuitous ARP: announcement, request and reply forms") {
    // Sender IP == target IP with no target MAC: an RFC 5227 announcement.
    auto ann = decode(ARP::make_arp_request("10.0.0.1", "10.0.0.1", kMacA));
    CHECK(info(ann) == "ARP Announcement for 10.0.0.1");
    CHECK(field(ann, "arp.isgratuitous") == "1");
    CHECK(field(ann, "arp.isannouncement") == "1");

    auto req = decode(with_target_mac(ARP::make_arp_request("10.0.0.1", "10.0.0.1", kMacA), "ff:ff:ff:ff:ff:ff"));
    CHECK(info(req) == "Gratuitous ARP for 10.0.0.1 (Request)");
    CHECK(field(req, "arp.isgratuitous") == "1");
    CHECK(field(req, "arp.isannouncement") == "");

    auto rep = decode(ARP::make_arp_reply("10.0.0.1", "10.0.0.1", kMacA, kMacA));
    CHECK(info(rep) == "Gratuitous ARP for 10.0.0.1 (Reply)");
    CHECK(field(rep, "arp.isgratuitous") == "1");
    CHECK(field(rep, "arp.isannouncement") == "");
}

TEST_CASE("ARP probe: sender 0.0.0.0 and no target MAC") {
    auto probe = decode(ARP::make_arp_request("10.0.0.5", "0.0.0.0", kMacA));
    CHECK(info(probe) == "Who has 10.0.0.5? (ARP Probe)");
    CHECK(field(probe, "arp.isprobe") == "1");
    CHECK(field(probe, "arp.isgratuitous") == "");
    // With a target MAC it is an ordinary request.
    auto other = decode(with_target_mac(ARP::make_arp_request("10.0.0.5", "0.0.0.0", kMacA), "ff:ff:ff:ff:ff:ff"));
    CHECK(info(other) == "Who has 10.0.0.5? Tell 0.0.0.0");
    CHECK(field(other, "arp.isprobe") == "");
}

TEST_CASE("Ethernet padding after ARP is not part of the ARP layer") {
    auto bytes = ser(ARP::make_arp_request("10.0.0.2", "10.0.0.1", kMacA));
    REQUIRE(bytes.size() == 60);  // libtins pads to the Ethernet minimum
    auto d = decode(bytes);
    CHECK(stack(d) == "eth:arp");
    CHECK(d.pkt.layers[1].length == 28);
}

TEST_CASE("an unknown opcode is malformed but still decoded") {
    auto bytes = ser(ARP::make_arp_request("10.0.0.2", "10.0.0.1", kMacA));
    bytes[14 + 7] = 0;  // opcode 0
    auto d = decode(bytes);
    CHECK(stack(d) == "eth:arp?");
    CHECK(problem(&d.pkt.layers[1]) == "unknown ARP opcode");
    CHECK(info(d) == "ARP opcode 0 [Malformed ARP: unknown ARP opcode]");
    CHECK(field(d, "arp.src.proto_ipv4") == "10.0.0.1");
}

TEST_CASE("non-Ethernet/IPv4 ARP is sized from its length fields and shown without addresses") {
    // Hardware type 6 (IEEE 802), 8-byte hardware addresses, 4-byte protocol addresses.
    std::vector<std::uint8_t> b = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x08, 0x06,
                                   0x00, 0x06, 0x08, 0x00, 0x08, 0x04, 0x00, 0x01};
    b.resize(14 + 8 + 2 * 8 + 2 * 4, 0x01);
    auto d = decode(b);
    CHECK(stack(d) == "eth:arp");
    CHECK(d.pkt.layers[1].length == 32);
    CHECK(info(d) == "ARP");
    CHECK(field(d, "arp.hw.size") == "8");
    CHECK(field(d, "arp.src.hw_mac") == "");
}

TEST_CASE("ARP cut before its addresses is truncated") {
    auto full = ser(ARP::make_arp_request("10.0.0.2", "10.0.0.1", kMacA));
    for (std::size_t n = 14; n < 14 + 28; ++n) {
        CAPTURE(n);
        auto d = decode_cut(full, n);
        CHECK(stack(d) == "eth:arp!");
        CHECK(problem(&d.pkt.layers[1]) == "ARP packet cut before its addresses");
        CHECK(d.pkt.layers[1].length == n - 14);
        CHECK(field(d, "arp.src.proto_ipv4") == "");
        CHECK(info(d).find("[Truncated ARP: ARP packet cut before its addresses]") != std::string::npos);
    }
}
