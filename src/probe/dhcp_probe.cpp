#include "probe/dhcp_probe.hpp"

#include <linux/if_ether.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <random>

#include <tins/dhcp.h>
#include <tins/ethernetII.h>
#include <tins/ip.h>
#include <tins/udp.h>

#include "core/cursor.hpp"
#include "core/escape.hpp"
#include "dissectors/dhcp_parse.hpp"
#include "probe/link_socket.hpp"

namespace netdx {

namespace {

constexpr std::uint16_t kServerPort = 67, kClientPort = 68;

std::vector<std::uint8_t> discover_frame(const MacAddress& mac, std::uint32_t xid) {
    const Tins::HWAddress<6> hw(mac.data());
    Tins::DHCP dhcp;
    dhcp.opcode(Tins::BootP::BOOTREQUEST);
    dhcp.htype(1);
    dhcp.hlen(6);
    dhcp.xid(xid);
    dhcp.padding(0x8000);  // libtins' name for the flags field: broadcast the answer
    dhcp.chaddr(hw);
    dhcp.type(Tins::DHCP::DISCOVER);
    const std::uint8_t wanted[] = {1, 3, 6, 15, 51, 54};
    dhcp.add_option(Tins::DHCP::option(Tins::DHCP::DHCP_PARAMETER_REQUEST_LIST, sizeof wanted, wanted));
    dhcp.end();
    Tins::EthernetII pkt = Tins::EthernetII(Tins::HWAddress<6>::broadcast, hw) /
                           Tins::IP("255.255.255.255", "0.0.0.0") / Tins::UDP(kServerPort, kClientPort) / dhcp;
    return pkt.serialize();
}

std::vector<IpAddress> addresses(const std::uint8_t* d, std::uint8_t len) {
    std::vector<IpAddress> out;
    for (std::uint8_t i = 0; i + 4 <= len; i += 4) out.push_back(IpAddress::v4(d + i));
    return out;
}

// The BOOTP payload of an IPv4/UDP frame to the client port, or empty.
Bytes bootp_payload(Bytes frame, IpAddress& src) {
    Cursor c(frame);
    c.skip(12);
    if (c.be16() != ETH_P_IP) return {};
    const std::size_t ip_off = c.offset();
    const std::uint8_t vihl = c.u8();
    if ((vihl >> 4) != 4) return {};
    const std::size_t ihl = (vihl & 0xf) * 4u;
    c.skip(1);
    const std::uint16_t total = c.be16();
    c.skip(2);
    const std::uint16_t frag = c.be16();
    c.skip(1);
    const std::uint8_t proto = c.u8();
    c.skip(2);
    if (!c.ok() || proto != 17 || (frag & 0x3fff) || ihl < 20 || !c.has(8)) return {};
    src = IpAddress::v4(c.here());
    if (ip_off + total > frame.size() || total < ihl + 8) return {};
    Cursor u(frame.subspan(ip_off + ihl, total - ihl));
    u.skip(2);
    const std::uint16_t dport = u.be16(), ulen = u.be16();
    if (!u.ok() || dport != kClientPort || ulen < 8 || ulen > total - ihl) return {};
    return frame.subspan(ip_off + ihl + 8, ulen - 8u);
}

bool parse_offer(Bytes m, std::uint32_t xid, DhcpOffer& o) {
    Cursor c(m);
    const std::uint8_t op = c.u8();
    c.skip(3);
    const std::uint32_t mxid = c.be32();
    c.skip(8);
    if (!c.ok() || op != 2 || mxid != xid || !dhcp::has_cookie(m)) return false;
    o.offered = IpAddress::v4(m.data() + 16);
    int type = -1;
    dhcp::walk_options(m, [&](std::uint8_t code, const std::uint8_t* d, std::uint8_t len, dhcp::Area) {
        switch (code) {
            case 53: if (len == 1) type = d[0]; break;
            case 54: if (len == 4) o.server_id = IpAddress::v4(d); break;
            case 1:
                if (len == 4) {
                    const std::uint32_t mask = load_be32(d);
                    const int ones = std::popcount(mask);
                    o.prefix = (ones == 32 || (mask << ones) == 0) ? ones : -1;
                }
                break;
            case 3: o.routers = addresses(d, len); break;
            case 6: o.dns_servers = addresses(d, len); break;
            case 15: o.domain = escaped({reinterpret_cast<const char*>(d), len}); break;
            case 51: if (len == 4) o.lease_s = static_cast<long>(load_be32(d)); break;
            default: break;
        }
        return true;
    });
    return type == 2;  // OFFER
}

}  // namespace

DhcpProbeResult dhcp_probe(const NetInterface& nif, const DhcpProbeOptions& opts) {
    DhcpProbeResult res;
    res.interface = nif.name;
    res.client_mac = nif.mac;
    res.started = probe_clock::wall();
    std::random_device rd;
    res.xid = rd();
    LinkSocket sock(nif, ETH_P_IP);
    const std::vector<std::uint8_t> frame = discover_frame(nif.mac, res.xid);
    const auto start = probe_clock::now();
    const auto end = start + std::chrono::milliseconds(opts.wait_ms);
    auto resend = start + std::chrono::milliseconds(opts.resend_ms);
    if (sock.send(frame)) ++res.discovers;
    std::vector<std::uint8_t> in;
    while (probe_clock::now() < end) {
        const bool may_resend = res.offers.empty() && res.discovers < 2 && resend < end;
        if (may_resend && probe_clock::now() >= resend) {
            if (sock.send(frame)) ++res.discovers;
            continue;
        }
        if (!sock.receive(in, may_resend ? resend : end)) continue;
        IpAddress src;
        const Bytes m = bootp_payload(in, src);
        DhcpOffer o;
        if (m.empty() || !parse_offer(m, res.xid, o)) continue;
        std::memcpy(o.server_mac.data(), in.data() + 6, 6);
        o.source = src;
        o.ms = probe_clock::ms_between(start, probe_clock::now());
        auto same = std::find_if(res.offers.begin(), res.offers.end(), [&](const DhcpOffer& x) {
            return x.server() == o.server() && x.server_mac == o.server_mac;
        });
        if (same != res.offers.end()) ++same->copies;
        else res.offers.push_back(std::move(o));
    }
    return res;
}

}  // namespace netdx
