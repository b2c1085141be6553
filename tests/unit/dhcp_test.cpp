// DHCPv4 and DHCPv6 dissectors on crafted messages, malformed options included.
#include <doctest/doctest.h>

#include "dns_msg_builder.hpp"

using namespace netdx;
using namespace netdx::test;

namespace {
Decoded dhcp_udp(const Msg& m, bool from_server = false) {
    return decode(from_server ? udp_packet(m.b, "10.0.0.254", "255.255.255.255", 67, 68)
                              : udp_packet(m.b, "0.0.0.0", "255.255.255.255", 68, 67));
}
}  // namespace

TEST_CASE("dhcp: discover with requested address, hostname and parameter list") {
    const Msg m = dhcp_msg(1, 0x00c0ffee, {53, 1, 1, 50, 4, 192, 168, 1, 77, 12, 4, 'h', 'o', 's', 't', 55, 3, 1, 3, 6});
    const Decoded d = dhcp_udp(m);
    REQUIRE(find(d, Proto::Dhcp) != nullptr);
    CHECK(find(d, Proto::Dhcp)->status == LayerStatus::Ok);
    CHECK(field(d, "dhcp.option.dhcp") == "1");
    CHECK(field(d, "dhcp.id") == "0x00c0ffee");
    CHECK(field(d, "dhcp.ip.your") == "0.0.0.0");
    CHECK(field(d, "dhcp.option.requested_ip_address") == "192.168.1.77");
    CHECK(field(d, "dhcp.option.hostname") == "host");
    CHECK(field(d, "dhcp.option.request_list_item") == "1,3,6");
    CHECK(field(d, "dhcp.hw.mac_addr") == "00:11:22:33:44:42");
    CHECK(field(d, "dhcp.option.type") == "53,50,12,55,255");
    CHECK(info(d) == "DHCP Discover - Transaction ID 0xc0ffee");
}

TEST_CASE("dhcp: offer, ack and nak from a server") {
    const Msg offer = dhcp_msg(2, 7, {53, 1, 2, 54, 4, 10, 0, 0, 254, 51, 4, 0, 0, 0x0e, 0x10, 1, 4, 255, 255, 255, 0,
                                      3, 4, 10, 0, 0, 1, 6, 8, 10, 0, 0, 53, 10, 0, 0, 54}, 0x0a000064);
    const Decoded d = dhcp_udp(offer, true);
    CHECK(field(d, "dhcp.ip.your") == "10.0.0.100");
    CHECK(field(d, "dhcp.option.dhcp_server_id") == "10.0.0.254");
    CHECK(field(d, "dhcp.option.ip_address_lease_time") == "3600");
    CHECK(field(d, "dhcp.option.subnet_mask") == "255.255.255.0");
    CHECK(field(d, "dhcp.option.router") == "10.0.0.1");
    CHECK(field(d, "dhcp.option.domain_name_server") == "10.0.0.53,10.0.0.54");
    CHECK(info(d) == "DHCP Offer    - Transaction ID 0x7");
    const Msg nak = dhcp_msg(2, 7, {53, 1, 6, 56, 9, 'w', 'r', 'o', 'n', 'g', ' ', 'n', 'e', 't'});
    const Decoded n = dhcp_udp(nak, true);
    CHECK(field(n, "dhcp.option.message") == "wrong net");
    CHECK(info(n) == "DHCP NAK      - Transaction ID 0x7");
}

TEST_CASE("dhcp: malformed options are reported") {
    const Decoded a = dhcp_udp(dhcp_msg(1, 1, {53, 2, 1, 1}));
    CHECK(find(a, Proto::Dhcp)->status == LayerStatus::Malformed);
    CHECK(problem(find(a, Proto::Dhcp)) == "DHCP message type option is not 1 byte");
    const Decoded b = dhcp_udp(dhcp_msg(1, 1, {53, 1, 1, 50, 3, 1, 2, 3}));
    CHECK(problem(find(b, Proto::Dhcp)) == "DHCP address option is not 4 bytes");
    Msg c = dhcp_msg(1, 1, {53, 1, 1, 12, 40, 'a'});
    c.b.pop_back();  // no End, and option 12 claims 40 bytes
    const Decoded cd = dhcp_udp(c);
    CHECK(problem(find(cd, Proto::Dhcp)) == "DHCP option runs past the end of its area");
    CHECK(field(cd, "dhcp.option.dhcp") == "1");  // options before the damage still decode
    const Decoded e = dhcp_udp(dhcp_msg(1, 1, {53, 1, 1, 82, 4, 1, 9, 0, 0}));
    CHECK(problem(find(e, Proto::Dhcp)) == "DHCP relay agent sub-option runs past its option");
    Msg s;
    s.bytes({1, 1, 6, 0});
    const Decoded sd = dhcp_udp(s);
    CHECK(problem(find(sd, Proto::Dhcp)) == "BOOTP message shorter than 236 bytes");
}

TEST_CASE("dhcp: option overload continues in the file field") {
    Msg m = dhcp_msg(2, 9, {53, 1, 5, 52, 1, 1});
    // file field at 108: hostname option then End.
    const std::vector<std::uint8_t> file = {12, 3, 'f', 'o', 'o', 255};
    std::copy(file.begin(), file.end(), m.b.begin() + 108);
    const Decoded d = dhcp_udp(m, true);
    CHECK(find(d, Proto::Dhcp)->status == LayerStatus::Ok);
    CHECK(field(d, "dhcp.option.hostname") == "foo");
    CHECK(field(d, "dhcp.file") == "");  // it holds options, not a name
    CHECK(field(d, "dhcp.option.option_overload") == "1");
}

TEST_CASE("dhcp: every prefix decodes without crashing") {
    const Msg m = dhcp_msg(1, 3, {53, 1, 3, 50, 4, 1, 2, 3, 4, 82, 6, 1, 1, 9, 2, 2, 7, 55, 2, 1, 3});
    for (std::size_t n = 0; n <= m.b.size(); ++n) {
        Msg p;
        p.b.assign(m.b.begin(), m.b.begin() + static_cast<std::ptrdiff_t>(n));
        const Decoded d = dhcp_udp(p);
        (void)info(d);
        for (const auto& f : Registry::get().fields())
            if (f.proto == Proto::Dhcp) (void)field(d, f.field->name);
    }
}

TEST_CASE("dhcpv6: solicit and a reply with NoAddrsAvail") {
    Msg s;
    s.u8(1).bytes({0x12, 0x34, 0x56});
    s.u16(1).u16(10).u16(3).u16(1).bytes({0, 0x11, 0x22, 0x33, 0x44, 0x55});  // CID DUID-LL
    s.u16(3).u16(12).u32(1).u32(0).u32(0);                                     // IA_NA, no addresses
    const Decoded d = decode(udp6_packet(s.b, "fe80::1", "ff02::1:2", 546, 547));
    REQUIRE(find(d, Proto::Dhcpv6) != nullptr);
    CHECK(find(d, Proto::Dhcpv6)->status == LayerStatus::Ok);
    CHECK(field(d, "dhcpv6.msgtype") == "1");
    CHECK(field(d, "dhcpv6.xid") == "0x123456");
    CHECK(field(d, "dhcpv6.option.type") == "1,3");
    CHECK(info(d) == "Solicit XID: 0x123456 CID: 00030001001122334455 ");

    Msg r;
    r.u8(7).bytes({0x12, 0x34, 0x56});
    r.u16(1).u16(10).u16(3).u16(1).bytes({0, 0x11, 0x22, 0x33, 0x44, 0x55});
    r.u16(3).u16(12 + 4 + 2 + 4).u32(1).u32(0).u32(0);
    r.u16(13).u16(6).u16(2).str("none");
    const Decoded rd = decode(udp6_packet(r.b, "fe80::fe", "fe80::1", 547, 546));
    CHECK(field(rd, "dhcpv6.status_code") == "2");
    CHECK(field(rd, "dhcpv6.status_message") == "none");
    CHECK(field(rd, "dhcpv6.option.type") == "1,3,13");

    Msg bad;
    bad.u8(7).bytes({0, 0, 1}).u16(3).u16(4).u32(1);  // IA_NA shorter than its 12 fixed bytes
    CHECK(problem(find(decode(udp6_packet(bad.b, "fe80::fe", "fe80::1", 547, 546)), Proto::Dhcpv6)) ==
          "DHCPv6 IA option shorter than its fixed part");
}
