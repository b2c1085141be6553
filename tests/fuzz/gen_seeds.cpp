// Writes the seed corpus (one packet per file, after the byte that names its
// link type; see fuzz_decode.cpp) with libtins. The files are
// committed in tests/fuzz/seeds/; rerun after adding a case:
//   ./build/tests/fuzz/fuzz-gen-seeds tests/fuzz/seeds
#include <tins/tins.h>

#include <fstream>
#include <string>

using namespace Tins;

namespace {

void write(const std::string& dir, const std::string& name, std::uint8_t link_type, std::vector<std::uint8_t> b,
           std::vector<std::uint8_t> prefix = {}) {
    prefix.insert(prefix.begin(), link_type);
    prefix.insert(prefix.end(), b.begin(), b.end());
    std::ofstream(dir + "/" + name, std::ios::binary).write(reinterpret_cast<const char*>(prefix.data()),
                                                           static_cast<std::streamsize>(prefix.size()));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    const std::string dir = argv[1];
    EthernetII eth("00:11:22:33:44:55", "66:77:88:99:aa:bb");
    TCP syn(80, 40000);
    syn.flags(TCP::SYN);
    syn.mss(1460);
    syn.sack_permitted();
    syn.timestamp(1, 0);
    syn.winscale(7);
    write(dir, "eth_tcp_syn", 1, (eth / IP("10.0.0.2", "10.0.0.1") / syn).serialize());
    TCP ack(80, 40000);
    ack.flags(TCP::ACK);
    ack.sack({100, 200, 300, 400});
    write(dir, "eth_tcp_sack", 1, (eth / IP("10.0.0.2", "10.0.0.1") / ack / RawPDU("GET / HTTP/1.1\r\n")).serialize());
    write(dir, "eth_vlan_udp", 1, (eth / Dot1Q(100) / IP("10.0.0.2", "10.0.0.1") / UDP(40001, 53) / RawPDU("abc")).serialize());
    ICMP unreach(ICMP::DEST_UNREACHABLE);
    unreach.code(3);
    write(dir, "eth_icmp_unreach", 1, (eth / IP("10.0.0.1", "10.0.0.2") / unreach / IP("10.0.0.2", "10.0.0.1") / UDP(40001, 40000)).serialize());
    ICMP echo(ICMP::ECHO_REQUEST);
    write(dir, "eth_icmp_echo", 1, (eth / IP("10.0.0.2", "10.0.0.1") / echo / RawPDU("ping")).serialize());
    write(dir, "eth_arp", 1, ARP::make_arp_request("10.0.0.2", "10.0.0.1", "00:11:22:33:44:55").serialize());
    ICMPv6 ns(ICMPv6::NEIGHBOUR_SOLICIT);
    ns.target_addr("fe80::2");
    ns.source_link_layer_addr("00:11:22:33:44:55");
    write(dir, "eth_icmpv6_ns", 1, (eth / IPv6("ff02::1:ff00:2", "fe80::1") / ns).serialize());
    ICMPv6 unreach6(ICMPv6::DEST_UNREACHABLE);
    write(dir, "eth_icmpv6_unreach", 1, (eth / IPv6("2001:db8::1", "2001:db8::9") / unreach6 / IPv6("2001:db8::2", "2001:db8::1") / TCP(80, 40000)).serialize());
    write(dir, "raw_ipv6_udp", 101, (IPv6("2001:db8::2", "2001:db8::1") / UDP(40001, 40000) / RawPDU("x")).serialize());
    write(dir, "null_ipv4_tcp", 0, (IP("127.0.0.1", "127.0.0.1") / TCP(80, 40000)).serialize(), {2, 0, 0, 0});
    write(dir, "sll_ipv4_udp", 113, (IP("10.0.0.2", "10.0.0.1") / UDP(40001, 40000)).serialize(),
          {0, 0, 0, 1, 0, 6, 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0, 0x08, 0x00});
    return 0;
}
