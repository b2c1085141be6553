// UDP and TCP headers, every TCP option netdx reads, and bad option lengths.
#include <doctest/doctest.h>

#include "tests/unit/field_helper.hpp"

using namespace netdx;
using namespace netdx::test;
using Tins::TCP;

namespace {

Tins::EthernetII eth() { return Tins::EthernetII("00:11:22:33:44:55", "66:77:88:99:aa:bb"); }
Tins::IP ip4() { return Tins::IP("10.0.0.2", "10.0.0.1"); }

// A TCP header (at offset 34) with the given option bytes, padded to 4.
std::vector<std::uint8_t> tcp_with_options(std::vector<std::uint8_t> opts) {
    while (opts.size() % 4) opts.push_back(1);
    TCP t(80, 40000);
    t.flags(TCP::ACK);
    auto b = ser(eth() / ip4() / t);
    b.resize(54);
    b.insert(b.end(), opts.begin(), opts.end());
    b[46] = static_cast<std::uint8_t>(((20 + opts.size()) / 4) << 4);
    const std::size_t total = b.size() - 14;
    b[16] = static_cast<std::uint8_t>(total >> 8);
    b[17] = static_cast<std::uint8_t>(total);
    return b;
}

}  // namespace

TEST_CASE("UDP header fields and the packet summary") {
    auto d = decode(eth() / ip4() / Tins::UDP(40001, 40000) / Tins::RawPDU("hello"));
    CHECK(stack(d) == "eth:ip:udp:data");
    CHECK(field(d, "udp.srcport") == "40000");
    CHECK(field(d, "udp.dstport") == "40001");
    CHECK(field(d, "udp.port") == "40000,40001");
    CHECK(field(d, "udp.length") == "13");
    CHECK(field(d, "udp.checksum").rfind("0x", 0) == 0);
    CHECK(info(d) == "40000 → 40001 Len=5");
    CHECK(d.pkt.net.has_ports);
    CHECK(d.pkt.net.src_port == 40000);
    CHECK(d.pkt.net.payload_offset == 42);
    CHECK(d.pkt.net.payload_length == 5);
    CHECK(d.pkt.layers[static_cast<std::size_t>(d.pkt.net.l4_layer)].proto == Proto::Udp);
}

TEST_CASE("UDP length below 8 is malformed; a short header truncated") {
    auto b = ser(eth() / ip4() / Tins::UDP(40001, 40000) / Tins::RawPDU("hello"));
    b[38] = 0;
    b[39] = 7;
    auto d = decode(b);
    CHECK(problem(find(d, Proto::Udp)) == "UDP length below 8");
    CHECK(info(d) == "40000 → 40001 Len=0 [Malformed UDP: UDP length below 8]");
    auto cut = decode_cut(b, 40);
    CHECK(stack(cut) == "eth:ip:udp!");
    CHECK(problem(find(cut, Proto::Udp)) == "UDP header cut before 8 bytes");
    CHECK(cut.pkt.net.src_port == 40000);  // the ports were captured
}

TEST_CASE("UDP length shorter than the IP payload limits the payload") {
    auto b = ser(eth() / ip4() / Tins::UDP(40001, 40000) / Tins::RawPDU("hello"));
    b[39] = 10;  // 2 bytes of payload
    auto d = decode(b);
    CHECK(field(d, "data.len") == "2");
}

TEST_CASE("TCP SYN with MSS, SACK_PERM, timestamps and window scale") {
    TCP syn(80, 40000);
    syn.flags(TCP::SYN);
    syn.seq(1000);
    syn.window(64240);
    syn.mss(1460);
    syn.sack_permitted();
    syn.timestamp(12345, 0);
    syn.winscale(7);
    auto d = decode(eth() / ip4() / syn);
    CHECK(stack(d) == "eth:ip:tcp");
    CHECK(find(d, Proto::Tcp)->length == 40);
    CHECK(info(d) == "40000 → 80 [SYN] Seq=1000 Win=64240 Len=0 MSS=1460 SACK_PERM TSval=12345 TSecr=0 WS=128");
    CHECK(field(d, "tcp.hdr_len") == "40");
    CHECK(field(d, "tcp.flags") == "0x0002");
    CHECK(field(d, "tcp.flags.syn") == "1");
    CHECK(field(d, "tcp.flags.ack") == "0");
    CHECK(field(d, "tcp.seq_raw") == "1000");
    CHECK(field(d, "tcp.options.mss_val") == "1460");
    CHECK(field(d, "tcp.options.wscale.shift") == "7");
    CHECK(field(d, "tcp.options.wscale.multiplier") == "128");
    CHECK(field(d, "tcp.options.timestamp.tsval") == "12345");
    CHECK(field(d, "tcp.options.timestamp.tsecr") == "0");
    CHECK(field(d, "tcp.options.sack.count") == "");
    CHECK(field(d, "tcp.len") == "0");
    CHECK(d.pkt.net.tcp_flags == 0x002);
    CHECK(d.pkt.net.tcp_seq == 1000);
    CHECK(d.pkt.net.tcp_window == 64240);
}

TEST_CASE("TCP SACK blocks and payload length") {
    TCP ack(8081, 40000);  // a port no dissector binds: the payload stays data
    ack.flags(TCP::ACK | TCP::PSH);
    ack.seq(5);
    ack.ack_seq(9);
    ack.sack({100, 200, 300, 400});
    auto d = decode(eth() / ip4() / ack / Tins::RawPDU("payload"));
    CHECK(stack(d) == "eth:ip:tcp:data");
    CHECK(info(d).find("[PSH, ACK] Seq=5 Ack=9") != std::string::npos);
    CHECK(info(d).find("Len=7 SLE=100 SRE=200 SLE=300 SRE=400") != std::string::npos);
    CHECK(field(d, "tcp.options.sack.count") == "2");
    CHECK(field(d, "tcp.len") == "7");
    CHECK(field(d, "tcp.flags") == "0x0018");
    CHECK(d.pkt.net.tcp_ack == 9);
    CHECK(d.pkt.net.payload_length == 7);
}

TEST_CASE("bad TCP option lengths are malformed") {
    struct Case { const char* what; std::vector<std::uint8_t> opts; };
    for (const auto& [what, opts] : {Case{"MSS of length 3", {2, 3, 5}},
                                     Case{"length 0", {8, 0}},
                                     Case{"length 1", {3, 1}},
                                     Case{"length past the header", {8, 10, 0, 0}},
                                     Case{"kind without length byte", {1, 1, 1, 2}},
                                     Case{"window scale of length 4", {3, 4, 7, 0}},
                                     Case{"SACK not a multiple of 8", {5, 6, 0, 0, 0, 0}},
                                     Case{"SACK_PERM with a body", {4, 3, 0}},
                                     Case{"timestamps of length 6", {8, 6, 0, 0, 0, 0}}}) {
        CAPTURE(what);
        auto d = decode(tcp_with_options(opts));
        CHECK(stack(d) == "eth:ip:tcp?");
        CHECK(problem(find(d, Proto::Tcp)) == "bad TCP option length");
        CHECK(info(d).find("[Malformed TCP: bad TCP option length]") != std::string::npos);
    }
    // NOPs, an end of list and an unknown option of good length are fine.
    CHECK(stack(decode(tcp_with_options({1, 1, 0, 0}))) == "eth:ip:tcp");
    CHECK(stack(decode(tcp_with_options({30, 4, 0, 0}))) == "eth:ip:tcp");
}

TEST_CASE("TCP data offset below 5 is malformed, options past the capture truncated") {
    auto b = tcp_with_options({});
    b[46] = 0x40;
    auto d = decode(b);
    CHECK(stack(d) == "eth:ip:tcp?");
    CHECK(problem(find(d, Proto::Tcp)) == "TCP header length below 20 bytes");
    auto opts = tcp_with_options({2, 4, 5, 0xb4, 1, 1, 4, 2});
    auto cut = decode_cut(opts, 58);
    CHECK(stack(cut) == "eth:ip:tcp!");
    CHECK(problem(find(cut, Proto::Tcp)) == "TCP options cut short");
    CHECK(field(cut, "tcp.options.mss_val") == "");
    CHECK(field(cut, "tcp.srcport") == "40000");
}

TEST_CASE("a TCP header cut before 20 bytes is truncated") {
    auto full = ser(eth() / ip4() / TCP(80, 40000));
    for (std::size_t n = 34; n < 54; ++n) {
        CAPTURE(n);
        auto d = decode_cut(full, n);
        CHECK(stack(d) == "eth:ip:tcp!");
        CHECK(problem(find(d, Proto::Tcp)) == "TCP header cut before 20 bytes");
        CHECK(d.pkt.net.has_ports == (n >= 38));
    }
}
