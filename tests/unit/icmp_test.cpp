// ICMP: echo, and errors whose quoted IP/UDP or IP/TCP header is decoded as quoted layers.
#include <doctest/doctest.h>

#include "tests/unit/field_helper.hpp"

using namespace netdx;
using namespace netdx::test;

namespace {

Tins::EthernetII eth() { return Tins::EthernetII("00:11:22:33:44:55", "66:77:88:99:aa:bb"); }

}  // namespace

TEST_CASE("ICMP echo request") {
    Tins::ICMP echo(Tins::ICMP::ECHO_REQUEST);
    echo.id(0x1234);
    echo.sequence(1);
    Tins::IP hdr("10.0.0.2", "10.0.0.1");
    hdr.ttl(64);
    auto d = decode(eth() / hdr / echo / Tins::RawPDU("abcd"));
    CHECK(stack(d) == "eth:ip:icmp:data");
    CHECK(info(d) == "Echo (ping) request  id=0x1234, seq=1/256, ttl=64");
    CHECK(field(d, "icmp.type") == "8");
    CHECK(field(d, "icmp.code") == "0");
    CHECK(field(d, "icmp.ident") == "4660");
    CHECK(field(d, "icmp.seq") == "1");
    CHECK(field(d, "icmp.seq_le") == "256");
    CHECK(d.pkt.net.ip_proto == 1);
    CHECK_FALSE(d.pkt.net.has_ports);
    CHECK(protocol_column(d.pkt) == "ICMP");
}

TEST_CASE("destination unreachable quoting IP/UDP: quoted layers, outer summary") {
    Tins::ICMP unreach(Tins::ICMP::DEST_UNREACHABLE);
    unreach.code(3);
    auto d = decode(eth() / Tins::IP("10.0.0.1", "10.0.0.2") / unreach / Tins::IP("10.0.0.2", "10.0.0.1") /
                    Tins::UDP(40001, 40000));
    CHECK(stack(d) == "eth:ip:icmp:[ip]:[udp]");
    CHECK((find(d, Proto::Icmp)->flags & kLayerStartsQuote) != 0);
    CHECK(info(d) == "Destination unreachable (Port unreachable)");
    CHECK(field(d, "icmp.type") == "3");
    CHECK(field(d, "icmp.code") == "3");
    // Both headers' addresses are fields; the summary is the outer packet's.
    CHECK(field(d, "ip.src") == "10.0.0.2,10.0.0.1");
    CHECK(field_of(d, 3, "ip.src") == "10.0.0.1");
    CHECK(field(d, "udp.dstport") == "40001");
    CHECK(ip(d.pkt.net.src) == "10.0.0.2");
    CHECK(d.pkt.net.ip_proto == 1);
    CHECK_FALSE(d.pkt.net.has_ports);
    CHECK(protocol_column(d.pkt) == "ICMP");
}

TEST_CASE("quoted TCP: only the first 8 bytes quoted, truncated but no problem for the packet") {
    Tins::TCP tcp(80, 40000);
    tcp.seq(12345);
    auto inner = ser(Tins::IP("10.0.0.2", "10.0.0.1") / tcp);
    inner.resize(28);  // RFC 792: the IP header plus 64 bits of the datagram
    Tins::ICMP unreach(Tins::ICMP::DEST_UNREACHABLE);
    unreach.code(1);
    auto d = decode(eth() / Tins::IP("10.0.0.1", "10.0.0.2") / unreach / Tins::RawPDU(inner.data(), 28));
    CHECK(stack(d) == "eth:ip:icmp:[ip]:[tcp]!");
    CHECK(field(d, "tcp.srcport") == "40000");
    CHECK(field(d, "tcp.seq_raw") == "12345");
    CHECK(field(d, "tcp.window_size_value") == "");
    // A quoted header's truncation is not the packet's problem.
    CHECK(info(d) == "Destination unreachable (Host unreachable)");
    CHECK_FALSE(d.pkt.net.has_ports);
}

TEST_CASE("fragmentation needed carries the next-hop MTU") {
    Tins::ICMP unreach(Tins::ICMP::DEST_UNREACHABLE);
    unreach.code(4);
    unreach.mtu(1400);
    auto d = decode(eth() / Tins::IP("10.0.0.1", "10.0.0.2") / unreach / Tins::IP("10.0.0.2", "10.0.0.1") /
                    Tins::UDP(40001, 40000));
    CHECK(field(d, "icmp.mtu") == "1400");
    CHECK(info(d) == "Destination unreachable (Fragmentation needed) MTU=1400");
}

TEST_CASE("time exceeded and an error with nothing quoted") {
    Tins::ICMP tx(Tins::ICMP::TIME_EXCEEDED);
    auto d = decode(eth() / Tins::IP("10.0.0.1", "10.0.0.2") / tx / Tins::IP("10.0.0.2", "10.0.0.1") / Tins::UDP(1, 2));
    CHECK(stack(d) == "eth:ip:icmp:[ip]:[udp]");
    CHECK(info(d) == "Time-to-live exceeded (Time to live exceeded in transit)");
    auto bare = ser(eth() / Tins::IP("10.0.0.1", "10.0.0.2") / Tins::ICMP(Tins::ICMP::DEST_UNREACHABLE));
    bare.resize(42);
    CHECK(stack(decode(bare)) == "eth:ip:icmp");
}

TEST_CASE("an ICMP header under 8 bytes is truncated") {
    auto full = ser(eth() / Tins::IP("10.0.0.2", "10.0.0.1") / Tins::ICMP(Tins::ICMP::ECHO_REQUEST));
    for (std::size_t n = 34; n < 42; ++n) {
        CAPTURE(n);
        auto d = decode_cut(full, n);
        CHECK(stack(d) == "eth:ip:icmp!");
        CHECK(info(d) == "ICMP (truncated) [Truncated ICMP: ICMP header cut before 8 bytes]");
        CHECK(field(d, "icmp.ident") == "");
    }
}
