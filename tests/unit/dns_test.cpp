// DNS dissector: fields and info column on crafted messages, every malformed
// name case (loop, forward pointer, pointer past the end, over-long name,
// reserved label type, cut short), record types, EDNS0.
#include <doctest/doctest.h>

#include "dissectors/dns_parse.hpp"
#include "dns_msg_builder.hpp"

using namespace netdx;
using namespace netdx::test;

namespace {

Msg query_a(unsigned id = 0x1a2b) {
    Msg m;
    m.header(id, 0x0100, 1, 0).name("example.com").u16(1).u16(1);
    return m;
}

Msg response_a(unsigned id = 0x1a2b) {
    Msg m;
    m.header(id, 0x8180, 1, 1).name("example.com").u16(1).u16(1);
    m.ptr(12).rr(1, 1, 300).rd_begin().bytes({93, 184, 216, 34}).rd_end();
    return m;
}

}  // namespace

TEST_CASE("dns: standard query") {
    const Decoded d = dns_udp(query_a());
    CHECK(last(d).proto == Proto::Dns);
    CHECK(field(d, "dns.id") == "0x1a2b");
    CHECK(field(d, "dns.flags") == "0x0100");
    CHECK(field(d, "dns.flags.response") == "0");
    CHECK(field(d, "dns.flags.rcode") == "");  // tshark shows the rcode of responses only
    CHECK(field(d, "dns.qry.name") == "example.com");
    CHECK(field(d, "dns.qry.type") == "1");
    CHECK(field(d, "dns.qry.class") == "0x0001");
    CHECK(field(d, "dns.count.answers") == "0");
    CHECK(field(d, "dns.count.labels") == "2");
    CHECK(info(d) == "Standard query 0x1a2b A example.com");
}

TEST_CASE("dns: response with a compressed answer name") {
    const Decoded d = dns_udp(response_a(), "10.0.0.53", "10.0.0.1", 53, 40000);
    CHECK(find(d, Proto::Dns)->status == LayerStatus::Ok);
    CHECK(field(d, "dns.flags.response") == "1");
    CHECK(field(d, "dns.flags.rcode") == "0");
    CHECK(field(d, "dns.a") == "93.184.216.34");
    CHECK(field(d, "dns.resp.name") == "example.com");
    CHECK(field(d, "dns.resp.ttl") == "300");
    CHECK(field(d, "dns.count.answers") == "1");
    CHECK(info(d) == "Standard query response 0x1a2b A example.com A 93.184.216.34");
}

TEST_CASE("dns: NXDOMAIN, CNAME chain and AAAA") {
    Msg nx;
    nx.header(7, 0x8183, 1, 0, 1).name("nope.example").u16(1).u16(1);
    nx.ptr(17).rr(6, 1, 60).rd_begin().name("ns.example").name("admin.example").u32(1).u32(2).u32(3).u32(4).u32(5).rd_end();
    const Decoded d = dns_udp(nx, "10.0.0.53", "10.0.0.1", 53, 40000);
    CHECK(find(d, Proto::Dns)->status == LayerStatus::Ok);
    CHECK(field(d, "dns.flags.rcode") == "3");
    CHECK(field(d, "dns.soa.mname") == "ns.example");
    CHECK(field(d, "dns.soa.rname") == "admin.example");
    CHECK(field(d, "dns.soa.minimum_ttl") == "5");
    CHECK(info(d) == "Standard query response 0x0007 No such name A nope.example SOA ns.example");

    Msg c;
    c.header(8, 0x8180, 1, 2).name("www.example.com").u16(28).u16(1);
    c.ptr(12).rr(5, 1, 60).rd_begin().name("cdn.example.net").rd_end();
    const std::size_t cdn = 12 + 17 + 4 + 12;  // offset of the CNAME target
    c.ptr(static_cast<unsigned>(cdn)).rr(28, 1, 60).rd_begin();
    c.bytes({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}).rd_end();
    const Decoded d2 = dns_udp(c, "10.0.0.53", "10.0.0.1", 53, 40000);
    CHECK(find(d2, Proto::Dns)->status == LayerStatus::Ok);
    CHECK(field(d2, "dns.cname") == "cdn.example.net");
    CHECK(field(d2, "dns.aaaa") == "2001:db8::1");
    CHECK(field(d2, "dns.resp.name") == "www.example.com,cdn.example.net");
    CHECK(info(d2) == "Standard query response 0x0008 AAAA www.example.com CNAME cdn.example.net AAAA 2001:db8::1");
}

TEST_CASE("dns: record types MX TXT SRV CAA HTTPS DS DNSKEY RRSIG NS PTR and unknown") {
    Msg m;
    m.header(9, 0x8180, 1, 11).name("example.com").u16(255).u16(1);
    m.ptr(12).rr(15, 1, 1).rd_begin().u16(10).name("mx.example.com").rd_end();
    m.ptr(12).rr(16, 1, 1).rd_begin().u8(5).str("hello").u8(3).str("a=b").rd_end();
    m.ptr(12).rr(33, 1, 1).rd_begin().u16(0).u16(5).u16(5060).name("sip.example.com").rd_end();
    m.ptr(12).rr(257, 1, 1).rd_begin().u8(0).u8(5).str("issue").str("ca.example").rd_end();
    m.ptr(12).rr(65, 1, 1).rd_begin().u16(1).name("").u16(1).u16(3).u8(2).str("h2").rd_end();
    m.ptr(12).rr(43, 1, 1).rd_begin().u16(0x1234).u8(13).u8(2).bytes({1, 2, 3, 4}).rd_end();
    m.ptr(12).rr(48, 1, 1).rd_begin().u16(257).u8(3).u8(13).bytes({9, 9, 9, 9, 9, 9, 9, 9}).rd_end();
    m.ptr(12).rr(46, 1, 1).rd_begin().u16(1).u8(13).u8(2).u32(300).u32(0).u32(0).u16(4242).ptr(12).bytes({7, 7, 7}).rd_end();
    m.ptr(12).rr(2, 1, 1).rd_begin().name("ns1.example.com").rd_end();
    m.ptr(12).rr(12, 1, 1).rd_begin().ptr(12).rd_end();
    m.ptr(12).rr(4660, 1, 1).rd_begin().bytes({1, 2, 3}).rd_end();
    const Decoded d = dns_udp(m, "10.0.0.53", "10.0.0.1", 53, 40000);
    REQUIRE(find(d, Proto::Dns)->status == LayerStatus::Ok);
    CHECK(field(d, "dns.mx.preference") == "10");
    CHECK(field(d, "dns.mx.mail_exchange") == "mx.example.com");
    CHECK(field(d, "dns.txt") == "hello,a=b");
    CHECK(field(d, "dns.txt.length") == "5,3");
    CHECK(field(d, "dns.srv.port") == "5060");
    CHECK(field(d, "dns.srv.target") == "sip.example.com");
    CHECK(field(d, "dns.caa.tag") == "issue");
    CHECK(field(d, "dns.caa.value") == "ca.example");
    CHECK(field(d, "dns.svcb.svcpriority") == "1");
    CHECK(field(d, "dns.svcb.targetname") == "<Root>");
    CHECK(field(d, "dns.ds.key_id") == "0x1234");
    CHECK(field(d, "dns.dnskey.flags") == "0x0101");
    CHECK(field(d, "dns.rrsig.key_tag") == "4242");
    CHECK(field(d, "dns.rrsig.signers_name") == "example.com");
    CHECK(field(d, "dns.ns") == "ns1.example.com");
    CHECK(field(d, "dns.ptr.domain_name") == "example.com");
    // The unknown type is kept as its number and data length.
    CHECK(field(d, "dns.resp.type") == "15,16,33,257,65,43,48,46,2,12,4660");
    CHECK(field(d, "dns.resp.len") == "18,10,23,17,10,8,12,23,17,2,3");
    CHECK(info(d) == "Standard query response 0x0009 ANY example.com MX 10 mx.example.com TXT SRV 0 5 5060 "
                     "sip.example.com CAA HTTPS DS DNSKEY RRSIG NS ns1.example.com PTR example.com Unknown (4660)");
}

TEST_CASE("dns: EDNS0 OPT with client subnet and cookie, extended rcode") {
    Msg m;
    m.header(10, 0x8180, 1, 0, 0, 1).name("example.com").u16(1).u16(1);
    // ext rcode 1 (<<4 = 16 BADVERS), version 0, DO bit.
    m.name("").u16(41).u16(1232).u32(0x01008000).rd_begin();
    m.u16(8).u16(7).u16(1).u8(24).u8(0).bytes({192, 0, 2});
    m.u16(10).u16(16).bytes({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    m.rd_end();
    const Decoded d = dns_udp(m, "10.0.0.53", "10.0.0.1", 53, 40000);
    REQUIRE(find(d, Proto::Dns)->status == LayerStatus::Ok);
    CHECK(field(d, "dns.rr.udp_payload_size") == "1232");
    CHECK(field(d, "dns.resp.z.do") == "1");
    CHECK(field(d, "dns.resp.ext_rcode") == "0x01");
    CHECK(field(d, "dns.opt.code") == "8,10");
    CHECK(field(d, "dns.opt.client.netmask") == "24");
    CHECK(field(d, "dns.opt.client.addr4") == "192.0.2.0");
    CHECK(field(d, "dns.opt.cookie.client") == "0102030405060708");
    CHECK(field(d, "dns.opt.cookie.server") == "090a0b0c0d0e0f10");
    CHECK(field(d, "dns.flags.rcode") == "0");
    CHECK(field(d, "netdx.dns.rcode") == "16");
    CHECK(field(d, "dns.resp.class") == "");  // OPT's class is the payload size
    CHECK(info(d) == "Standard query response 0x000a A example.com OPT");
}

TEST_CASE("dns: malformed EDNS0 options") {
    Msg m;
    m.header(11, 0x0100, 1, 0, 0, 1).name("example.com").u16(1).u16(1);
    m.name("").u16(41).u16(1232).u32(0).rd_begin().u16(10).u16(5).bytes({1, 2, 3, 4, 5}).rd_end();
    const Decoded d = dns_udp(m);
    CHECK(find(d, Proto::Dns)->status == LayerStatus::Malformed);
    CHECK(problem(find(d, Proto::Dns)) == "EDNS0 cookie of impossible length");
    Msg o;
    o.header(12, 0x0100, 1, 0, 0, 1).name("example.com").u16(1).u16(1);
    o.name("").u16(41).u16(1232).u32(0).rd_begin().u16(3).u16(40).bytes({1, 2}).rd_end();
    CHECK(problem(find(dns_udp(o), Proto::Dns)) == "EDNS0 option runs past the OPT record");
}

TEST_CASE("dns: compression pointer loop (self) is malformed") {
    Msg m;
    m.header(1, 0x0100, 1, 0).ptr(12).u16(1).u16(1);
    const Decoded d = dns_udp(m);
    CHECK(find(d, Proto::Dns)->status == LayerStatus::Malformed);
    CHECK(problem(find(d, Proto::Dns)) == "DNS name compression pointer loop");
    CHECK(field(d, "dns.qry.name") == "");
    CHECK(info(d).find("[Malformed DNS: DNS name compression pointer loop]") != std::string::npos);
}

TEST_CASE("dns: compression loop through a backward pointer is malformed") {
    // Answer name at offset 29: label "a" then a pointer back to 29 itself.
    Msg m;
    m.header(1, 0x8180, 1, 1).name("example.com").u16(1).u16(1);
    REQUIRE(m.b.size() == 29);
    m.u8(1).str("a").ptr(29).rr(1, 1, 1).rd_begin().bytes({1, 2, 3, 4}).rd_end();
    const Decoded d = dns_udp(m, "10.0.0.53", "10.0.0.1", 53, 40000);
    CHECK(problem(find(d, Proto::Dns)) == "DNS name compression pointer loop");
    // Two names pointing at each other.
    Msg p;
    p.header(1, 0x0100, 2, 0).u8(1).str("x").ptr(16);  // 12: "x" -> 16 (forward, inside the message)
    p.u16(1).u16(1);
    const Decoded d2 = dns_udp(p);
    CHECK(problem(find(d2, Proto::Dns)) == "DNS name compression pointer points forward");
}

TEST_CASE("dns: forward pointer and pointer past the end are malformed") {
    Msg f;
    f.header(1, 0x0100, 1, 0).ptr(20).u16(1).u16(1).name("example.com");
    CHECK(problem(find(dns_udp(f), Proto::Dns)) == "DNS name compression pointer points forward");
    Msg e;
    e.header(1, 0x0100, 1, 0).ptr(0x3fff).u16(1).u16(1);
    CHECK(problem(find(dns_udp(e), Proto::Dns)) == "DNS name compression pointer past the end of the message");
}

TEST_CASE("dns: over-long names and reserved label types are malformed") {
    Msg m;
    m.header(1, 0x0100, 1, 0);
    const std::string label(63, 'x');
    for (int i = 0; i < 5; ++i) m.u8(63).str(label);  // 320 bytes > 255
    m.u8(0).u16(1).u16(1);
    const Decoded d = dns_udp(m);
    CHECK(find(d, Proto::Dns)->status == LayerStatus::Malformed);
    CHECK(problem(find(d, Proto::Dns)) == "DNS name longer than 255 bytes");
    // Exactly 255 bytes is allowed: 3 x (1+63) + (1+61) + 1.
    Msg ok;
    ok.header(1, 0x0100, 1, 0);
    for (int i = 0; i < 3; ++i) ok.u8(63).str(label);
    ok.u8(61).str(std::string(61, 'y')).u8(0).u16(1).u16(1);
    CHECK(find(dns_udp(ok), Proto::Dns)->status == LayerStatus::Ok);
    // Over-long only through compression.
    Msg c;
    c.header(1, 0x0100, 2, 0);
    for (int i = 0; i < 3; ++i) c.u8(63).str(label);
    c.u8(0).u16(1).u16(1);
    c.u8(63).str(label).ptr(12).u16(1).u16(1);
    CHECK(problem(find(dns_udp(c), Proto::Dns)) == "DNS name longer than 255 bytes");
    Msg r;
    r.header(1, 0x0100, 1, 0).u8(0x80).u8(0).u16(1).u16(1);
    CHECK(problem(find(dns_udp(r), Proto::Dns)) == "DNS name uses a reserved label type");
}

TEST_CASE("dns: short messages: malformed when whole, truncated when the capture cut them") {
    Msg m = query_a();
    m.b.resize(m.b.size() - 8);  // the name runs off the end of a complete datagram
    const Decoded d = dns_udp(m);
    CHECK(find(d, Proto::Dns)->status == LayerStatus::Malformed);
    CHECK(problem(find(d, Proto::Dns)) == "DNS name cut short");

    const std::vector<std::uint8_t> full = udp_packet(response_a().b, "10.0.0.53", "10.0.0.1", 53, 40000);
    const Decoded cut = decode_cut(full, full.size() - 3);
    CHECK(find(cut, Proto::Dns)->status == LayerStatus::Truncated);
    CHECK(problem(find(cut, Proto::Dns)) == "DNS record cut short");
    CHECK(field(cut, "dns.qry.name") == "example.com");  // what came before still decodes

    Msg h;
    h.u16(1).u16(0x0100);
    CHECK(problem(find(dns_udp(h), Proto::Dns)) == "DNS header cut before 12 bytes");

    Msg a;  // A record with 3 bytes of data
    a.header(1, 0x8180, 1, 1).name("example.com").u16(1).u16(1).ptr(12).rr(1, 1, 1).rd_begin().bytes({1, 2, 3}).rd_end();
    CHECK(problem(find(dns_udp(a, "10.0.0.53", "10.0.0.1", 53, 40000), Proto::Dns)) == "DNS A record data is not 4 bytes");

    Msg n;  // CNAME whose name runs past its rdata
    n.header(1, 0x8180, 1, 1).name("example.com").u16(5).u16(1).ptr(12).rr(5, 1, 1).u16(2).u8(3).str("abc").u8(0);
    CHECK(problem(find(dns_udp(n, "10.0.0.53", "10.0.0.1", 53, 40000), Proto::Dns)) == "DNS name runs past the record data");
}

TEST_CASE("dns: every prefix of a message decodes without crashing") {
    Msg m;
    m.header(9, 0x8180, 1, 2, 0, 1).name("www.example.com").u16(1).u16(1);
    m.ptr(12).rr(5, 1, 60).rd_begin().name("cdn.example.net").rd_end();
    m.ptr(45).rr(1, 1, 60).rd_begin().bytes({1, 2, 3, 4}).rd_end();
    m.name("").u16(41).u16(1232).u32(0).rd_begin().u16(8).u16(7).u16(1).u8(24).u8(0).bytes({192, 0, 2}).rd_end();
    for (std::size_t n = 0; n <= m.b.size(); ++n) {
        Msg p;
        p.b.assign(m.b.begin(), m.b.begin() + static_cast<std::ptrdiff_t>(n));
        const Decoded d = dns_udp(p, "10.0.0.53", "10.0.0.1", 53, 40000);
        (void)info(d);
        for (const auto& f : Registry::get().fields())
            if (f.proto == Proto::Dns) (void)field(d, f.field->name);
    }
}

TEST_CASE("dns: mDNS and LLMNR are recognised") {
    Msg q;
    q.header(0, 0, 1, 0).name("_ipp._tcp.local").u16(12).u16(0x0001);
    const Decoded d = dns_udp(q, "10.0.0.5", "224.0.0.251", 5353, 5353);
    REQUIRE(find(d, Proto::Mdns) != nullptr);
    CHECK(field(d, "frame.protocols") == "eth:ethertype:ip:udp:mdns");
    CHECK(protocol_column(d.pkt) == "MDNS");
    CHECK(info(d) == "Standard query 0x0000 PTR _ipp._tcp.local, \"QM\" question");
    Msg r;
    r.header(0, 0x8400, 0, 1).name("host.local").rr(1, 0x8001, 120).rd_begin().bytes({10, 0, 0, 7}).rd_end();
    const Decoded d2 = dns_udp(r, "10.0.0.7", "224.0.0.251", 5353, 5353);
    CHECK(info(d2) == "Standard query response 0x0000 A, cache flush 10.0.0.7");
    CHECK(field(d2, "dns.resp.cache_flush") == "1");
    CHECK(field(d2, "dns.resp.class") == "0x0001");
    const Decoded l = dns_udp(query_a(0x4242), "10.0.0.5", "224.0.0.252", 50000, 5355);
    CHECK(field(l, "dns.qry.name") == "example.com");
    CHECK(field(l, "frame.protocols") == "eth:ethertype:ip:udp:llmnr");
    CHECK(protocol_column(l.pkt) == "LLMNR");
    CHECK(info(l) == "Standard query 0x4242 A example.com");
}

TEST_CASE("dns: names with control bytes are escaped") {
    Msg m;
    m.header(1, 0x0100, 1, 0).u8(3).bytes({'a', 0x1b, 'b'}).u8(0).u16(1).u16(1);
    const Decoded d = dns_udp(m);
    CHECK(field(d, "dns.qry.name") == "a\\x1bb");
    CHECK(info(d) == "Standard query 0x0001 A a\\x1bb");
}

TEST_CASE("dns: read_name keeps its promises directly") {
    // Chain of backward pointers: 3 hops, each strictly earlier.
    Msg m;
    m.name("com");                 // 0
    m.u8(7).str("example").ptr(0); // 5
    m.u8(3).str("www").ptr(5);     // 15
    m.ptr(15);                     // 21
    dns::Name n;
    std::size_t next = 0;
    const Bytes b(m.b.data(), m.b.size());
    REQUIRE(dns::read_name(b, 21, &n, next) == dns::NameError::None);
    CHECK(n.view() == "www.example.com");
    CHECK(next == 23);
    CHECK(n.labels == 3);
}
