// Display filters: every operator, precedence, multi-valued fields as tshark
// 4.0 treats them, literals of every type, slices, and the errors (column,
// what was expected, "did you mean").
#include <doctest/doctest.h>

#include <string>

#include "dns_msg_builder.hpp"
#include "filter/display_filter.hpp"
#include "filter/field_types.hpp"
#include "flow/tcp_analysis.hpp"

using namespace netdx;
using namespace netdx::test;

namespace {

bool m(const char* text, const Decoded& d) {
    DisplayFilter f(text);
    CaptureClock clock;
    clock.first = clock.previous = d.pkt.ts;
    clock.started = true;
    return f.matches(d.pkt, clock);
}

// The one-line error a filter gives, or "" when it compiles.
std::string err(const char* text) {
    try {
        DisplayFilter f(text);
    } catch (const filter::FilterError& e) {
        return e.what();
    }
    return "";
}

int col(const char* text) {
    try {
        DisplayFilter f(text);
    } catch (const filter::FilterError& e) {
        return e.column();
    }
    return 0;
}

// 10.0.0.1:40000 -> 10.0.0.53:53, a DNS query for example.com,
// from 00:0c:29:11:22:33 to 02:77:00:00:00:53.
Decoded dns_query() {
    Msg q;
    q.header(0x1a2b, 0x0100, 1, 0).name("example.com").u16(1).u16(1);
    auto pdu = Tins::EthernetII("02:77:00:00:00:53", "00:0c:29:11:22:33") / Tins::IP("10.0.0.53", "10.0.0.1") /
               Tins::UDP(53, 40000) / Tins::RawPDU(q.b);
    return decode(pdu);
}

Decoded dns_nxdomain() {
    Msg r;
    r.header(0x1a2b, 0x8183, 1, 0).name("nope.example.com").u16(1).u16(1);
    return dns_udp(r, "10.0.0.53", "10.0.0.1", 53, 40000);
}

// A TCP SYN 2001:db8::1:51000 -> 2001:db8::2:443.
Decoded syn6() {
    Tins::TCP tcp(443, 51000);
    tcp.flags(Tins::TCP::SYN);
    return decode(Tins::EthernetII("02:00:00:00:00:02", "02:00:00:00:00:01") / Tins::IPv6("2001:db8::2", "2001:db8::1") /
                  tcp);
}

}  // namespace

TEST_CASE("filter: field types cover every field netdx knows") {
    for (const auto& ref : Registry::get().fields()) {
        INFO(ref.field->name);
        CHECK(filter::field_type(ref.field->name) != filter::FieldType::Unknown);
    }
}

TEST_CASE("filter: protocols alone and field presence") {
    const Decoded q = dns_query();
    CHECK(m("dns", q));
    CHECK(m("udp", q));
    CHECK(m("ip", q));
    CHECK(m("frame", q));
    CHECK_FALSE(m("tcp", q));
    CHECK_FALSE(m("ipv6", q));
    CHECK(m("dns.qry.name", q));
    CHECK_FALSE(m("tcp.port", q));
    CHECK_FALSE(m("dns.flags.rcode && dns.a", q));
}

TEST_CASE("filter: == != < <= > >= on integers (decimal, hex, octal)") {
    const Decoded q = dns_query();
    CHECK(m("udp.dstport == 53", q));
    CHECK(m("udp.dstport eq 0x35", q));
    CHECK(m("udp.dstport == 065", q));
    CHECK_FALSE(m("udp.dstport == 54", q));
    CHECK(m("udp.dstport != 54", q));
    CHECK(m("udp.dstport ne 54", q));
    CHECK(m("udp.dstport < 54", q));
    CHECK_FALSE(m("udp.dstport < 53", q));
    CHECK(m("udp.dstport <= 53", q));
    CHECK(m("udp.dstport le 53", q));
    CHECK(m("udp.srcport > 39999", q));
    CHECK_FALSE(m("udp.srcport gt 40000", q));
    CHECK(m("udp.srcport >= 40000", q));
    CHECK(m("udp.srcport ge 40000", q));
    CHECK(m("ip.ttl lt 255", q));
    CHECK(m("53 == udp.dstport", q));      // literal first
    CHECK(m("39999 < udp.srcport", q));
}

TEST_CASE("filter: multi-valued fields follow tshark 4.0") {
    const Decoded q = dns_query();  // udp.port = {40000, 53}, ip.addr = {10.0.0.1, 10.0.0.53}
    CHECK(m("udp.port == 53", q));          // any equal
    CHECK(m("ip.addr == 10.0.0.1", q));
    CHECK_FALSE(m("udp.port != 53", q));    // != is "all not equal"
    CHECK(m("udp.port != 80", q));
    CHECK(m("udp.port !== 53", q));         // any_ne
    CHECK(m("udp.port any_ne 53", q));
    CHECK_FALSE(m("udp.port === 53", q));   // all_eq
    CHECK_FALSE(m("udp.port all_eq 53", q));
    CHECK(m("udp.port === 53 || udp.port > 1", q));
    CHECK(m("any udp.port > 40000 || any udp.port == 53", q));
    CHECK_FALSE(m("all udp.port == 53", q));
    CHECK(m("all udp.port >= 53", q));
    CHECK_FALSE(m("all tcp.port >= 0", q));  // all over no value is false
    CHECK_FALSE(m("tcp.port != 80", q));     // != over an absent field is false
    CHECK(m("!(tcp.port == 80)", q));
}

TEST_CASE("filter: in sets with ranges, not in") {
    const Decoded q = dns_query();
    CHECK(m("udp.port in {53, 67}", q));
    CHECK(m("udp.port in {80, 50..60}", q));
    CHECK(m("udp.port in {80, 50 .. 60}", q));
    CHECK_FALSE(m("udp.port in {80, 443, 1..52}", q));
    CHECK(m("ip.addr in {192.168.0.0/16, 10.0.0.0/8}", q));
    CHECK(m("dns.qry.name in {\"a.org\", \"example.com\"}", q));
    CHECK_FALSE(m("udp.port not in {53}", q));
    CHECK(m("udp.port not in {80, 443}", q));
    CHECK(m("tcp.port not in {80}", q));  // `not in` negates `in`: true without TCP
}

TEST_CASE("filter: and or xor not, precedence and parentheses") {
    const Decoded q = dns_query();
    CHECK(m("udp and dns", q));
    CHECK(m("udp && dns", q));
    CHECK_FALSE(m("udp and tcp", q));
    CHECK(m("tcp or dns", q));
    CHECK(m("tcp || dns", q));
    CHECK_FALSE(m("tcp or arp", q));
    CHECK(m("not tcp", q));
    CHECK(m("!tcp", q));
    CHECK_FALSE(m("! udp", q));
    CHECK(m("udp xor tcp", q));
    CHECK_FALSE(m("udp ^^ dns", q));
    // and binds tighter than or: tcp or (udp and dns), not (tcp or udp) and dns
    CHECK(m("tcp or udp and dns", q));
    CHECK(m("udp and dns or tcp", q));
    CHECK_FALSE(m("(tcp or udp) and arp", q));
    CHECK(m("tcp or udp and arp or dns", q));
    // not binds tighter than and/or
    CHECK_FALSE(m("not udp and dns", q));
    CHECK(m("not (udp and tcp)", q));
    CHECK(m("not tcp and not arp", q));
    CHECK(m("((((dns))))", q));
    CHECK(m("not not dns", q));
}

TEST_CASE("filter: addresses, CIDR, IPv6, MACs") {
    const Decoded q = dns_query();
    CHECK(m("ip.src == 10.0.0.1", q));
    CHECK(m("ip.dst == 10.0.0.0/24", q));
    CHECK(m("ip.src == 10.0.0.0/8", q));
    CHECK_FALSE(m("ip.src == 192.168.0.0/16", q));
    CHECK(m("ip.dst > 10.0.0.1", q));
    CHECK(m("eth.src == 00:0c:29:11:22:33", q));
    CHECK(m("eth.src == 00-0c-29-11-22-33", q));
    CHECK(m("eth.src == 000c.2911.2233", q));
    CHECK(m("eth.addr == 02:77:00:00:00:53", q));
    CHECK_FALSE(m("eth.dst == 00:0c:29:11:22:33", q));
    const Decoded s = syn6();
    CHECK(m("ipv6.src == 2001:db8::1", s));
    CHECK(m("ipv6.addr == 2001:db8::/32", s));
    CHECK_FALSE(m("ipv6.addr == 2001:db9::/32", s));
    CHECK(m("ipv6.dst == 2001:db8:0:0::2", s));
}

TEST_CASE("filter: slices") {
    const Decoded q = dns_query();
    CHECK(m("eth.src[0:3] == 00:0c:29", q));     // offset:length
    CHECK(m("eth.src[1-2] == 0c:29", q));        // start-end
    CHECK(m("eth.src[-1] == 33", q));            // from the end
    CHECK(m("eth.src[3:] == 11:22:33", q));      // to the end
    CHECK(m("eth.src[:2] == 00:0c", q));         // from the start
    CHECK(m("eth.src[0:1,5] == 00:33", q));      // several ranges
    CHECK(m("ip.src[0] == 0a", q));
    CHECK(m("frame[12:2] == 08:00", q));         // ethertype
    CHECK(m("dns.qry.name[0:7] == \"example\"", q));
    CHECK_FALSE(m("eth.src[0:3] == 02:77:00", q));
}

TEST_CASE("filter: strings: ==, contains, matches, escapes") {
    const Decoded q = dns_query();
    CHECK(m("dns.qry.name == \"example.com\"", q));
    CHECK(m("dns.qry.name == example.com", q));  // unquoted, read as the field's type
    CHECK_FALSE(m("dns.qry.name == \"Example.com\"", q));
    CHECK(m("dns.qry.name contains \"ample\"", q));
    CHECK(m("dns.qry.name contains \"\\x61mple\"", q));
    CHECK_FALSE(m("dns.qry.name contains \"xyz\"", q));
    CHECK(m("dns.qry.name matches \"^ex[a-z]+\\\\.com$\"", q));
    CHECK(m("dns.qry.name ~ \"(?i)EXAMPLE\"", q));
    CHECK_FALSE(m("dns.qry.name matches \"^com\"", q));
    CHECK(m("dns.qry.name > \"a\"", q));
    CHECK(m("frame contains \"example\"", q));
    CHECK(m("udp contains 07:65:78:61", q));     // bytes of the UDP layer: length-prefixed label
    CHECK(m("eth.src contains 29:11", q));
    CHECK_FALSE(m("eth.src contains 29:12", q));
}

TEST_CASE("filter: booleans, field against field") {
    const Decoded s = syn6();
    CHECK(m("tcp.flags.syn == 1", s));
    CHECK(m("tcp.flags.syn == True", s));
    CHECK(m("tcp.flags.ack == False", s));
    CHECK(m("tcp.flags.syn", s));  // present even when 0: a field, not its value
    CHECK(m("tcp.flags == 0x002", s));
    CHECK(m("tcp.srcport > tcp.dstport", s));
    CHECK_FALSE(m("tcp.srcport == tcp.dstport", s));
    CHECK(m("tcp.srcport != tcp.dstport", s));
    const Decoded r = dns_nxdomain();
    CHECK(m("dns.flags.rcode != 0", r));
    CHECK(m("dns.flags.rcode == 3", r));
    CHECK_FALSE(m("dns.flags.rcode != 0", dns_query()));
}

TEST_CASE("filter: labels without a value (tcp.analysis.*) are present or not") {
    Decoded s = syn6();
    TcpSegmentInfo seg;
    s.pkt.tcp_analysis = &seg;
    CHECK_FALSE(m("tcp.analysis.retransmission", s));
    CHECK(m("!tcp.analysis.retransmission", s));
    seg.flags = kTcpRetransmission;
    CHECK(m("tcp.analysis.retransmission", s));
    CHECK(m("tcp.analysis.flags && tcp.analysis.retransmission || dns.flags.rcode != 0", s));
    CHECK_FALSE(m("tcp.analysis.duplicate_ack", s));
    seg.flags = kTcpDuplicateAck;
    CHECK(m("tcp.analysis.duplicate_ack", s));
    CHECK_FALSE(m("tcp.analysis.retransmission", s));
}

TEST_CASE("filter: errors name the column and what was expected") {
    CHECK(err("dns.qname == \"x\"") == "unknown field \"dns.qname\" at column 1; did you mean \"dns.qry.name\"?");
    CHECK(col("udp && tcp.prot == 1") == 8);
    CHECK(err("udp && tcp.prot == 1").find("did you mean \"tcp.port\"?") != std::string::npos);
    CHECK(err("udp.port == 53 && (udp ||)") ==
          "unexpected \")\" at column 26; expected a field, a protocol, \"not\" or \"(\"");
    CHECK(err("(udp") == "unexpected end of filter at column 5; expected \")\", \"and\" or \"or\"");
    CHECK(err("udp udp").find("at column 5; expected \"and\", \"or\" or the end of the filter") != std::string::npos);
    CHECK(err("") .find("empty filter") == 0);
    CHECK(col("udp.port ==") == 12);
    CHECK(err("dns.qry.name == \"x").find("closing quote") != std::string::npos);
    CHECK(col("dns.qry.name == \"x") == 17);
    CHECK(err("ip.ttl == 64.0") ==
          "\"64.0\" is not a valid number at column 11; it is compared with ip.ttl (unsigned integer)");
    CHECK(col("ip.src == 10.0.0.300") == 11);
    CHECK(col("eth.src == 00:0c:29") == 12);
    CHECK(col("udp.port in {53 67}") == 17);
    CHECK(col("udp.port in {53,") == 17);
    CHECK(err("1").find("neither a field nor a protocol") != std::string::npos);
    CHECK(col("udp.port contains 5") == 10);
    CHECK(col("ip.ttl[0:1] == 01") == 7);
    CHECK(col("eth.src[a] == 01") == 9);
    CHECK(col("tcp.analysis.retransmission == 1") == 1);
    CHECK(col("dns.qry.name matches \"(\"") == 22);
    CHECK(col("udp.port # 5") == 10);
    CHECK(err("ip.src == eth.src").find("cannot compare") == 0);
}
