// IPv4 and IPv6 fragment reassembly: order, overlaps, bounds, timeouts.
#include <doctest/doctest.h>

#include "flow_helpers.hpp"
#include "flow/ip_defrag.hpp"

using namespace netdx;

namespace {

// Owns the bytes of one decoded frame.
struct Frame {
    std::vector<std::uint8_t> bytes;
    Packet pkt;
    Frame(std::vector<std::uint8_t> b, double t = 0) : bytes(std::move(b)) {
        pkt.linktype = 101;
        pkt.ts.sec = static_cast<std::int64_t>(t);
        pkt.bytes = Bytes(bytes.data(), bytes.size());
        pkt.caplen = pkt.wirelen = static_cast<std::uint32_t>(bytes.size());
        decode_packet(pkt);
    }
};

// An IPv4 fragment of a UDP datagram: payload bytes [off, off+len) of `whole`.
std::vector<std::uint8_t> v4_frag(const std::vector<std::uint8_t>& whole, std::size_t off, std::size_t len, bool more,
                                  std::uint16_t id = 7) {
    Tins::IP ip("10.0.0.2", "10.0.0.1");
    ip.id(id);
    ip.protocol(17);
    ip.fragment_offset(static_cast<Tins::small_uint<13>>(off / 8));
    ip.flags(more ? Tins::IP::MORE_FRAGMENTS : Tins::IP::FLAG_RESERVED);
    ip.flags(more ? Tins::IP::MORE_FRAGMENTS : static_cast<Tins::IP::Flags>(0));
    ip /= Tins::RawPDU(std::vector<std::uint8_t>(whole.begin() + static_cast<long>(off),
                                                 whole.begin() + static_cast<long>(off + len)));
    return ip.serialize();
}

std::vector<std::uint8_t> udp_datagram() {
    Tins::UDP udp(53, 1234);
    udp /= Tins::RawPDU(std::vector<std::uint8_t>(100, 'z'));
    return udp.serialize();  // 108 bytes
}

}  // namespace

TEST_CASE("IPv4 fragments out of order reassemble into a datagram that decodes to UDP") {
    const auto whole = udp_datagram();
    IpDefrag d;
    std::vector<std::uint8_t> out;
    Frame b(v4_frag(whole, 56, whole.size() - 56, false));
    Frame a(v4_frag(whole, 0, 56, true));
    REQUIRE(b.pkt.net.fragment);
    CHECK_FALSE(d.add(b.pkt, out));
    REQUIRE(d.add(a.pkt, out));
    CHECK(out.size() == 20 + whole.size());
    Frame r(out);
    CHECK_FALSE(r.pkt.net.fragment);
    CHECK(r.pkt.net.has_ports);
    CHECK(r.pkt.net.dst_port == 53);
    CHECK(d.stats().reassembled == 1);
    CHECK(d.in_progress() == 0);
    CHECK(d.buffered() == 0);
}

TEST_CASE("overlapping fragments are counted, conflicting ones apart") {
    auto whole = udp_datagram();
    IpDefrag d;
    std::vector<std::uint8_t> out;
    Frame a(v4_frag(whole, 0, 64, true));
    auto changed = whole;
    changed[60] ^= 0xff;
    Frame b(v4_frag(changed, 56, whole.size() - 56, false));
    CHECK_FALSE(d.add(a.pkt, out));
    REQUIRE(d.add(b.pkt, out));
    CHECK(d.stats().overlaps == 1);
    CHECK(d.stats().conflicting_overlaps == 1);
    CHECK(out[20 + 60] == whole[60]);  // the first copy wins
}

TEST_CASE("incomplete datagrams time out and the count of datagrams is bounded") {
    const auto whole = udp_datagram();
    DefragConfig cfg;
    cfg.max_datagrams = 4;
    cfg.timeout = 30;
    IpDefrag d(cfg);
    std::vector<std::uint8_t> out;
    for (std::uint16_t id = 0; id < 10; ++id) {
        Frame a(v4_frag(whole, 0, 56, true, id));
        d.add(a.pkt, out);
        CHECK(d.in_progress() <= 4);
    }
    CHECK(d.stats().dropped_limit == 6);
    Timestamp later;
    later.sec = 100;
    d.expire(later);
    CHECK(d.in_progress() == 0);
    CHECK(d.stats().timed_out == 4);
    CHECK(d.buffered() == 0);
}

TEST_CASE("a full table gives up the datagram added to least recently") {
    const auto whole = udp_datagram();
    DefragConfig cfg;
    cfg.max_datagrams = 4;
    IpDefrag d(cfg);
    std::vector<std::uint8_t> out;
    for (std::uint16_t id = 0; id < 4; ++id) {
        Frame a(v4_frag(whole, 0, 56, true, id));
        d.add(a.pkt, out);
    }
    Frame again(v4_frag(whole, 0, 56, true, 0));  // datagram 0 is now the most recent
    d.add(again.pkt, out);
    Frame fifth(v4_frag(whole, 0, 56, true, 4));
    d.add(fifth.pkt, out);
    CHECK(d.stats().dropped_limit == 1);
    // 0 was kept (it completes); 1 was given up (its last fragment starts a new one).
    Frame end0(v4_frag(whole, 56, whole.size() - 56, false, 0));
    CHECK(d.add(end0.pkt, out));
    Frame end1(v4_frag(whole, 56, whole.size() - 56, false, 1));
    CHECK_FALSE(d.add(end1.pkt, out));
    CHECK(d.in_progress() == 4);  // 2, 3, 4 and the new 1 (room left by 0)
    CHECK(d.in_progress() == 4);
}

TEST_CASE("IPv6 fragments reassemble and the next header is restored") {
    const auto whole = udp_datagram();
    auto frag6 = [&](std::size_t off, std::size_t len, bool more) {
        Tins::IPv6 ip("2001:db8::2", "2001:db8::1");
        Tins::IPv6::ext_header eh(44, 0, nullptr);  // placeholder, replaced below
        (void)eh;
        ip.next_header(44);
        std::vector<std::uint8_t> fh(8, 0);
        fh[0] = 17;
        const std::uint16_t om = static_cast<std::uint16_t>(off | (more ? 1 : 0));
        fh[2] = static_cast<std::uint8_t>(om >> 8);
        fh[3] = static_cast<std::uint8_t>(om);
        fh[7] = 9;  // id
        fh.insert(fh.end(), whole.begin() + static_cast<long>(off), whole.begin() + static_cast<long>(off + len));
        ip /= Tins::RawPDU(fh);
        auto bytes = ip.serialize();
        bytes[6] = 44;  // fragment header follows
        return bytes;
    };
    IpDefrag d;
    std::vector<std::uint8_t> out;
    Frame a(frag6(0, 48, true));
    Frame b(frag6(48, whole.size() - 48, false));
    REQUIRE(a.pkt.net.fragment);
    CHECK_FALSE(d.add(a.pkt, out));
    REQUIRE(d.add(b.pkt, out));
    Frame r(out);
    CHECK(r.pkt.net.ip_proto == 17);
    CHECK(r.pkt.net.dst_port == 53);
}
