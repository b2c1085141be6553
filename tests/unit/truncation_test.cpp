// Every good packet cut at every length 0..n: decoding never reads past the cut
// (the bytes are an exact-size heap copy, so ASan builds catch any over-read),
// no layer claims bytes beyond it, the layers before the cut stay as they were,
// and the layer whose header the cut falls in is the last one, marked truncated.
#include <doctest/doctest.h>

#include "tests/unit/field_helper.hpp"

using namespace netdx;
using namespace netdx::test;

namespace {

struct Sample {
    const char* name;
    std::vector<std::uint8_t> bytes;
    int linktype;
};

std::vector<Sample> samples() {
    using namespace Tins;
    EthernetII eth("00:11:22:33:44:55", "66:77:88:99:aa:bb");
    TCP syn(80, 40000);
    syn.flags(TCP::SYN);
    syn.mss(1460);
    syn.sack_permitted();
    syn.timestamp(7, 0);
    syn.winscale(7);
    TCP sack(8081, 40000);  // no dissector on 8081: the payload stays data
    sack.flags(TCP::ACK);
    sack.sack({1, 2, 3, 4});
    ICMP unreach(ICMP::DEST_UNREACHABLE);
    unreach.code(3);
    ICMPv6 ns(ICMPv6::NEIGHBOUR_SOLICIT);
    ns.target_addr("fe80::2");
    ICMPv6 echo6(ICMPv6::ECHO_REQUEST);
    std::vector<std::uint8_t> sll = {0, 0, 0, 1, 0, 6, 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0, 0x08, 0x00};
    auto ip_udp = (IP("10.0.0.2", "10.0.0.1") / UDP(40001, 40000)).serialize();
    sll.insert(sll.end(), ip_udp.begin(), ip_udp.end());
    std::vector<std::uint8_t> null = {2, 0, 0, 0};
    null.insert(null.end(), ip_udp.begin(), ip_udp.end());
    return {
        {"tcp syn with options", (eth / IP("10.0.0.2", "10.0.0.1") / syn).serialize(), kEthernet},
        {"tcp sack", (eth / IP("10.0.0.2", "10.0.0.1") / sack / RawPDU("data")).serialize(), kEthernet},
        {"vlan udp", (eth / Dot1Q(5) / IP("10.0.0.2", "10.0.0.1") / UDP(40001, 40000) / RawPDU("xy")).serialize(), kEthernet},
        {"icmp error quoting udp", (eth / IP("10.0.0.1", "10.0.0.2") / unreach / IP("10.0.0.2", "10.0.0.1") / UDP(40001, 40000)).serialize(), kEthernet},
        {"arp", ARP::make_arp_request("10.0.0.2", "10.0.0.1", "00:11:22:33:44:55").serialize(), kEthernet},
        {"ipv6 icmpv6 echo", (eth / IPv6("2001:db8::2", "2001:db8::1") / echo6 / RawPDU("ping")).serialize(), kEthernet},
        {"ipv6 ns", (eth / IPv6("ff02::1:ff00:2", "fe80::1") / ns).serialize(), kEthernet},
        {"ipv6 tcp raw", (IPv6("2001:db8::2", "2001:db8::1") / syn).serialize(), kRaw},
        {"sll udp", sll, kSll},
        {"null udp", null, kNull},
    };
}

}  // namespace

TEST_CASE("cutting a good packet at every length") {
    const Registry& reg = Registry::get();
    for (Sample& s : samples()) {
        CAPTURE(s.name);
        // libtins pads Ethernet frames to 60 bytes; the padding is not a header.
        auto full = decode(s.bytes, s.linktype);
        for (const Layer& l : full.pkt.layers) REQUIRE(l.status == LayerStatus::Ok);
        for (std::size_t n = 0; n <= s.bytes.size(); ++n) {
            CAPTURE(n);
            auto cut = decode_cut(s.bytes, n, s.linktype);
            const LayerStack& got = cut.pkt.layers;
            for (const Layer& l : got) CHECK(l.offset + l.length <= n);
            // Everything that reads a decoded packet survives it.
            info(cut);
            for (const Registry::FieldRef& ref : reg.fields()) field(cut.pkt, ref.field->name);

            // The full decode's layer whose header contains the cut.
            const Layer* inside = nullptr;
            std::size_t index = 0;
            for (std::size_t i = 0; i < full.pkt.layers.size(); ++i) {
                const Layer& l = full.pkt.layers[i];
                if (l.proto == Proto::Data) continue;  // payload, not a header
                // Raw IP has no header of its own but needs the version byte.
                if (l.offset <= n && n < l.offset + std::max<std::uint32_t>(l.length, 1)) {
                    inside = &l;
                    index = i;
                    break;
                }
            }
            if (!inside) {
                for (const Layer& l : got) CHECK(l.status == LayerStatus::Ok);
                continue;
            }
            // ICMP errors quote only what is there: a cut right at the quote leaves none.
            if (index > 0 && (full.pkt.layers[index - 1].flags & kLayerStartsQuote) && n == inside->offset) {
                CHECK(got.size() == index);
                continue;
            }
            REQUIRE(got.size() == index + 1);
            for (std::size_t i = 0; i < index; ++i) {
                CHECK(got[i].proto == full.pkt.layers[i].proto);
                CHECK(got[i].offset == full.pkt.layers[i].offset);
                CHECK(got[i].length == full.pkt.layers[i].length);
                CHECK(got[i].status == LayerStatus::Ok);
            }
            const Layer& deepest = got[index];
            CHECK(deepest.proto == inside->proto);
            CHECK(deepest.status == LayerStatus::Truncated);
            CHECK(deepest.problem != nullptr);
            if (!deepest.quoted) CHECK(info(cut).find("[Truncated ") != std::string::npos);
        }
    }
}
