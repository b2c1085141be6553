// SSH in the packet view (dissectors/ssh.cpp): identification lines, cleartext
// binary packets read only when the segment is made of whole plausible ones,
// the rest "Encrypted packet", wire bytes escaped.
#include <doctest/doctest.h>

#include "field_helper.hpp"

using namespace netdx::test;
using Tins::RawPDU;
using Tins::TCP;

namespace {

Decoded segment(std::uint16_t dport, std::uint16_t sport, const std::string& payload) {
    TCP t(dport, sport);
    t.flags(TCP::ACK | TCP::PSH);
    return decode(Tins::EthernetII() / Tins::IP("10.0.0.9", "10.0.0.2") / t / RawPDU(payload));
}

void put32(std::string& b, std::size_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(char(v >> s));
}

// One binary packet padded to a multiple of 8, as RFC 4253 6 wants.
std::string packet(const std::string& payload) {
    std::size_t pad = 8 - (payload.size() + 5) % 8;
    if (pad < 4) pad += 8;
    std::string b;
    put32(b, payload.size() + pad + 1);
    b.push_back(char(pad));
    return b + payload + std::string(pad, '\0');
}

}  // namespace

TEST_CASE("ssh display: identification lines from each side") {
    auto c = segment(22, 40000, "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
    CHECK(stack(c).find("ssh") != std::string::npos);
    CHECK(info(c) == "Client: Protocol (SSH-2.0-OpenSSH_9.2p1 Debian-2)");
    CHECK(field(c, "ssh.protocol") == "SSH-2.0-OpenSSH_9.2p1 Debian-2");
    CHECK(field(c, "ssh.message_code").empty());
    auto s = segment(40000, 22, std::string("SSH-2.0-evil\x1b[2J\r\n"));
    CHECK(info(s) == "Server: Protocol (SSH-2.0-evil\\x1b[2J)");
}

TEST_CASE("ssh display: cleartext packets, several in one segment; anything else is encrypted") {
    std::string kex(1, char(20));
    kex += std::string(16, 'c');
    for (int i = 0; i < 10; ++i) put32(kex, 0);
    kex += std::string(5, '\0');
    auto k = segment(40000, 22, packet(kex));
    CHECK(info(k) == "Server: Key Exchange Init");
    CHECK(field(k, "ssh.message_code") == "20");
    CHECK(field(k, "ssh.packet_length") == "68");  // 1 + 62 payload + 5 padding
    CHECK(field(k, "ssh.padding_length") == "5");
    auto two = segment(40000, 22, packet(kex) + packet(std::string(1, char(21))));
    CHECK(info(two) == "Server: Key Exchange Init, New Keys");
    CHECK(field(two, "ssh.message_code") == "20,21");
    // A KEXINIT cut by the segment end, and random bytes: not read as cleartext.
    const std::string cut = packet(kex).substr(0, 40);
    CHECK(info(segment(22, 40000, cut)) == "Client: Encrypted packet (len=40)");
    CHECK(info(segment(22, 40000, std::string("\x8a\x01\x22\x90\x11\x22\x33\x44", 8))) ==
          "Client: Encrypted packet (len=8)");
    // packet_length above 35000 is never cleartext.
    std::string big;
    put32(big, 40004);
    big.push_back(4);
    CHECK(info(segment(22, 40000, big)) == "Client: Encrypted packet (len=5)");
}
