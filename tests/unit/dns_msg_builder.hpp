#pragma once
// Byte builders for DNS, DHCP and DHCPv6 test messages, and a wrapper that
// puts a payload into Ethernet/IP/UDP (or TCP) so the full decoder runs.
#include <tins/tins.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "field_helper.hpp"

namespace netdx::test {

struct Msg {
    std::vector<std::uint8_t> b;
    Msg& u8(unsigned v) { b.push_back(static_cast<std::uint8_t>(v)); return *this; }
    Msg& u16(unsigned v) { u8(v >> 8); return u8(v & 0xff); }
    Msg& u32(std::uint32_t v) { u16(v >> 16); return u16(v & 0xffff); }
    Msg& bytes(std::initializer_list<unsigned> v) { for (unsigned x : v) u8(x); return *this; }
    Msg& str(std::string_view s) { for (char c : s) u8(static_cast<unsigned char>(c)); return *this; }
    // Uncompressed name in wire form ("" is the root).
    Msg& name(std::string_view n) {
        while (!n.empty()) {
            const auto dot = n.find('.');
            const std::string_view label = n.substr(0, dot);
            u8(static_cast<unsigned>(label.size()));
            str(label);
            if (dot == std::string_view::npos) break;
            n.remove_prefix(dot + 1);
        }
        return u8(0);
    }
    Msg& ptr(unsigned off) { return u16(0xc000 | off); }
    Msg& header(unsigned id, unsigned flags, unsigned qd, unsigned an, unsigned ns = 0, unsigned ar = 0) {
        return u16(id).u16(flags).u16(qd).u16(an).u16(ns).u16(ar);
    }
    // An RR after its owner name: type, class, ttl, then rdata given by the caller
    // through rr_data (which patches the length).
    Msg& rr(unsigned type, unsigned cls, std::uint32_t ttl) { return u16(type).u16(cls).u32(ttl); }
    std::size_t mark_ = 0;
    Msg& rd_begin() { mark_ = b.size(); return u16(0); }
    Msg& rd_end() {
        const std::size_t len = b.size() - mark_ - 2;
        b[mark_] = static_cast<std::uint8_t>(len >> 8);
        b[mark_ + 1] = static_cast<std::uint8_t>(len & 0xff);
        return *this;
    }
};

inline std::vector<std::uint8_t> udp_packet(const std::vector<std::uint8_t>& payload, const char* src, const char* dst,
                                            std::uint16_t sport, std::uint16_t dport) {
    Tins::EthernetII eth = Tins::EthernetII("00:00:00:00:00:02", "00:00:00:00:00:01") /
                           Tins::IP(dst, src) / Tins::UDP(dport, sport) / Tins::RawPDU(payload);
    return eth.serialize();
}

inline std::vector<std::uint8_t> udp6_packet(const std::vector<std::uint8_t>& payload, const char* src, const char* dst,
                                             std::uint16_t sport, std::uint16_t dport) {
    Tins::EthernetII eth = Tins::EthernetII("00:00:00:00:00:02", "00:00:00:00:00:01") /
                           Tins::IPv6(dst, src) / Tins::UDP(dport, sport) / Tins::RawPDU(payload);
    return eth.serialize();
}

inline std::vector<std::uint8_t> tcp_packet(const std::vector<std::uint8_t>& payload, const char* src, const char* dst,
                                            std::uint16_t sport, std::uint16_t dport, bool syn = false) {
    Tins::TCP tcp(dport, sport);
    if (syn) tcp.flags(Tins::TCP::SYN);
    else tcp.flags(Tins::TCP::PSH | Tins::TCP::ACK);
    Tins::EthernetII eth = Tins::EthernetII("00:00:00:00:00:02", "00:00:00:00:00:01") / Tins::IP(dst, src) / tcp;
    if (!payload.empty()) eth /= Tins::RawPDU(payload);
    return eth.serialize();
}

inline Decoded dns_udp(const Msg& m, const char* src = "10.0.0.1", const char* dst = "10.0.0.53",
                       std::uint16_t sport = 40000, std::uint16_t dport = 53) {
    return decode(udp_packet(m.b, src, dst, sport, dport));
}

// A BOOTP/DHCP message: fixed header, cookie, then `options` (End added).
inline Msg dhcp_msg(unsigned op, std::uint32_t xid, const std::vector<unsigned>& options, std::uint32_t yiaddr = 0,
                    const std::uint8_t mac_last = 0x42) {
    Msg m;
    m.u8(op).u8(1).u8(6).u8(0).u32(xid).u16(0).u16(0).u32(0).u32(yiaddr).u32(0).u32(0);
    m.bytes({0x00, 0x11, 0x22, 0x33, 0x44, mac_last});
    for (int i = 0; i < 10 + 64 + 128; ++i) m.u8(0);
    m.u32(0x63825363);
    for (unsigned o : options) m.u8(o);
    m.u8(255);
    return m;
}

}  // namespace netdx::test
