// The DNS heuristic for flows on ports not bound to DNS: real queries from a
// recorded capture pass, responses and other protocols do not.
#include <doctest/doctest.h>
#include <pcap/pcap.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>

#include "dissectors/decode.hpp"
#include "dns/dns_heuristic.hpp"
#include "dns_msg_builder.hpp"

using namespace netdx;
using namespace netdx::test;

namespace {

Bytes as_bytes(std::string_view s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }

}  // namespace

TEST_CASE("dns heuristic: every query of dns-lookups.pcap passes, no response does") {
    // $CAPTURES, or the captures/ next to this source (meson runs tests from the build dir).
    const char* env = std::getenv("CAPTURES");
    const std::string dir = env ? env : (std::filesystem::path(__FILE__).parent_path() / "../../captures").string();
    char err[PCAP_ERRBUF_SIZE];
    pcap_t* p = pcap_open_offline((dir + "/dns-lookups.pcap").c_str(), err);
    REQUIRE(p != nullptr);
    int queries = 0, responses = 0;
    pcap_pkthdr* h = nullptr;
    const u_char* data = nullptr;
    while (pcap_next_ex(p, &h, &data) == 1) {
        Packet pkt;
        pkt.linktype = pcap_datalink(p);
        pkt.caplen = h->caplen;
        pkt.wirelen = h->len;
        pkt.bytes = Bytes{data, h->caplen};
        decode_packet(pkt);
        const Layer* dns = pkt.layers.find(Proto::Dns);
        if (dns == nullptr || pkt.net.ip_proto != 17) continue;
        const Bytes msg = pkt.bytes.subspan(dns->offset, dns->length);
        const bool response = msg.size() > 2 && (msg[2] & 0x80);
        CHECK(looks_like_dns_query(msg) == !response);
        (response ? responses : queries) += 1;
    }
    pcap_close(p);
    CHECK(queries > 10);
    CHECK(responses > 10);
}

TEST_CASE("dns heuristic: the TCP form needs a prefix covering exactly one query") {
    Msg q;
    q.header(0x1234, 0x0100, 1, 0).name("example.com").u16(1).u16(1);
    Msg framed;
    framed.u16(static_cast<unsigned>(q.b.size()));
    for (std::uint8_t b : q.b) framed.u8(b);
    CHECK(looks_like_dns_query(Bytes{q.b.data(), q.b.size()}));
    CHECK(looks_like_dns_tcp_query(Bytes{framed.b.data(), framed.b.size()}));
    CHECK_FALSE(looks_like_dns_tcp_query(Bytes{framed.b.data(), framed.b.size() - 1}));
    CHECK_FALSE(looks_like_dns_query(Bytes{q.b.data(), q.b.size() - 1}));
}

TEST_CASE("dns heuristic: rejects unknown classes, two questions, names with odd bytes") {
    Msg chaos;
    chaos.header(1, 0x0100, 1, 0).name("example.com").u16(1).u16(2);  // class CS
    CHECK_FALSE(looks_like_dns_query(Bytes{chaos.b.data(), chaos.b.size()}));
    Msg two;
    two.header(1, 0x0100, 2, 0).name("a.example").u16(1).u16(1).name("b.example").u16(1).u16(1);
    CHECK_FALSE(looks_like_dns_query(Bytes{two.b.data(), two.b.size()}));
    Msg odd;
    odd.header(1, 0x0100, 1, 0).name("ex ample.com").u16(1).u16(1);
    CHECK_FALSE(looks_like_dns_query(Bytes{odd.b.data(), odd.b.size()}));
}

TEST_CASE("dns heuristic: rejects HTTP, TLS and random bytes") {
    CHECK_FALSE(looks_like_dns_query(as_bytes("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n")));
    CHECK_FALSE(looks_like_dns_tcp_query(as_bytes("POST /x HTTP/1.1\r\nContent-Length: 0\r\n\r\n")));
    // The start of a TLS 1.2 ClientHello record (type 22, version 3.1, length, handshake type 1).
    const std::uint8_t tls[] = {0x16, 0x03, 0x01, 0x00, 0x2f, 0x01, 0x00, 0x00, 0x2b, 0x03, 0x03, 0x11, 0x22, 0x33,
                                0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, 0x01,
                                0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
                                0x10, 0x11, 0x12, 0x13, 0x00, 0x00, 0x02, 0x13, 0x01};
    CHECK_FALSE(looks_like_dns_query(Bytes{tls, sizeof tls}));
    CHECK_FALSE(looks_like_dns_tcp_query(Bytes{tls, sizeof tls}));
    std::mt19937 rng(2024);
    int accepted = 0;
    std::vector<std::uint8_t> buf;
    for (int i = 0; i < 20000; ++i) {
        buf.resize(12 + rng() % 100);
        for (auto& b : buf) b = static_cast<std::uint8_t>(rng());
        accepted += looks_like_dns_query(Bytes{buf.data(), buf.size()}) ? 1 : 0;
        accepted += looks_like_dns_tcp_query(Bytes{buf.data(), buf.size()}) ? 1 : 0;
    }
    CHECK(accepted == 0);
}
