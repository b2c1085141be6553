#include "probe/arp_probe.hpp"

#include <linux/if_ether.h>

#include <algorithm>
#include <cstring>

#include <tins/arp.h>
#include <tins/ethernetII.h>

#include "core/cursor.hpp"
#include "probe/link_socket.hpp"
#include "rules/format.hpp"

namespace netdx {

namespace {

Tins::IPv4Address tins_ip(const IpAddress& a) { return Tins::IPv4Address(ip_str(a)); }

// An ARP reply (or a request, for a probe's conflicting sender) claiming
// `target`: returns the claiming MAC.
bool claims(Bytes frame, const IpAddress& target, const MacAddress& ours, MacAddress& mac) {
    Cursor c(frame);
    c.skip(12);
    if (c.be16() != ETH_P_ARP) return false;
    const std::uint16_t htype = c.be16(), ptype = c.be16();
    const std::uint8_t hlen = c.u8(), plen = c.u8();
    const std::uint16_t op = c.be16();
    if (!c.ok() || htype != 1 || ptype != ETH_P_IP || hlen != 6 || plen != 4 || !c.has(20)) return false;
    std::memcpy(mac.data(), c.here(), 6);
    const IpAddress spa = IpAddress::v4(c.here() + 6);
    if (op != 2 || spa != target || mac == ours) return false;
    return true;
}

}  // namespace

ArpProbeResult arp_probe(const NetInterface& nif, const ArpProbeOptions& o) {
    ArpProbeResult res;
    res.interface = nif.name;
    res.target = o.target;
    res.rfc5227 = o.rfc5227;
    res.started = probe_clock::wall();
    LinkSocket sock(nif, ETH_P_ARP);
    const Tins::HWAddress<6> our_mac(nif.mac.data());
    const Tins::IPv4Address sender = o.rfc5227 ? Tins::IPv4Address("0.0.0.0") : tins_ip(o.sender);
    const std::vector<std::uint8_t> frame = Tins::ARP::make_arp_request(tins_ip(o.target), sender, our_mac).serialize();

    const auto start = probe_clock::now();
    auto next_send = start;
    const auto end = start + std::chrono::milliseconds(o.interval_ms * (o.tries - 1) + o.wait_ms);
    std::vector<std::uint8_t> in;
    while (probe_clock::now() < end) {
        if (res.sent < static_cast<unsigned>(o.tries) && probe_clock::now() >= next_send) {
            if (sock.send(frame)) ++res.sent;
            next_send += std::chrono::milliseconds(o.interval_ms);
        }
        const auto until = res.sent < static_cast<unsigned>(o.tries) ? std::min(next_send, end) : end;
        if (!sock.receive(in, until)) continue;
        MacAddress mac;
        if (!claims(in, o.target, nif.mac, mac)) continue;
        auto it = std::find_if(res.answers.begin(), res.answers.end(), [&](const ArpAnswer& a) { return a.mac == mac; });
        if (it == res.answers.end()) {
            res.answers.push_back({mac, probe_clock::ms_between(start, probe_clock::now()), 0});
            it = res.answers.end() - 1;
        }
        ++it->replies;
        if (o.stop_at_first) break;
    }
    return res;
}

}  // namespace netdx
