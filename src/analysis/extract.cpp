#include "analysis/extract.hpp"

#include <algorithm>
#include <cstring>

namespace netdx {

namespace {

// Bytes [off, off+n) of a layer, or null when they were not captured.
const std::uint8_t* span_at(const Packet& pkt, const Layer& l, std::size_t off, std::size_t n) {
    if (static_cast<std::size_t>(l.offset) + off + n > pkt.bytes.size()) return nullptr;
    return pkt.bytes.data() + l.offset + off;
}

void copy_mac(MacAddress& m, const std::uint8_t* p) { std::memcpy(m.data(), p, 6); }

void arp_event(const Packet& pkt, const Layer& l, EventBase base, const EventBus& out) {
    const std::uint8_t* p = span_at(pkt, l, 0, 28);
    if (!p || p[0] != 0 || p[1] != 1 || p[2] != 0x08 || p[3] != 0 || p[4] != 6 || p[5] != 4) return;
    ArpObservation e;
    static_cast<EventBase&>(e) = base;
    const std::uint16_t op = static_cast<std::uint16_t>((p[6] << 8) | p[7]);
    e.op = op == 1 ? ArpObservation::Op::Request : op == 2 ? ArpObservation::Op::Reply : ArpObservation::Op::Other;
    copy_mac(e.sender_mac, p + 8);
    e.sender_ip = IpAddress::v4(p + 14);
    copy_mac(e.target_mac, p + 18);
    e.target_ip = IpAddress::v4(p + 24);
    MacAddress dst;
    ethernet_addresses(pkt, e.eth_src, dst);
    e.probe = std::memcmp(p + 14, "\0\0\0\0", 4) == 0;
    e.gratuitous = !e.probe && std::memcmp(p + 14, p + 24, 4) == 0;
    out.publish(e);
}

// The first quoted IP header after layer index `i` and the transport after it.
void quoted_header(const Packet& pkt, std::size_t i, IcmpError& e) {
    for (std::size_t j = i + 1; j < pkt.layers.size(); ++j) {
        const Layer& q = pkt.layers[j];
        if (!q.quoted) continue;
        if (!e.has_quote && q.proto == Proto::Ipv4) {
            const std::uint8_t* h = span_at(pkt, q, 0, 20);
            if (!h) return;
            e.has_quote = true;
            e.orig_proto = h[9];
            e.orig_src = IpAddress::v4(h + 12);
            e.orig_dst = IpAddress::v4(h + 16);
        } else if (!e.has_quote && q.proto == Proto::Ipv6) {
            const std::uint8_t* h = span_at(pkt, q, 0, 40);
            if (!h) return;
            e.has_quote = true;
            e.orig_proto = h[6];
            e.orig_src = IpAddress::v6(h + 8);
            e.orig_dst = IpAddress::v6(h + 24);
        } else if (e.has_quote && (q.proto == Proto::Tcp || q.proto == Proto::Udp)) {
            e.orig_proto = q.proto == Proto::Tcp ? 6 : 17;
            if (const std::uint8_t* t = span_at(pkt, q, 0, 4)) {
                e.orig_sport = static_cast<std::uint16_t>((t[0] << 8) | t[1]);
                e.orig_dport = static_cast<std::uint16_t>((t[2] << 8) | t[3]);
            }
            if (q.proto == Proto::Tcp)
                if (const std::uint8_t* t = span_at(pkt, q, 13, 1)) e.orig_tcp_syn = (t[0] & 0x12) == 0x02;
            return;
        } else if (e.has_quote) {
            return;
        }
    }
}

void icmp_event(const Packet& pkt, std::size_t i, EventBase base, const EventBus& out) {
    const Layer& l = pkt.layers[i];
    const std::uint8_t* p = span_at(pkt, l, 0, 8);
    if (!p) return;
    const bool v6 = l.proto == Proto::Icmpv6;
    const std::uint8_t type = p[0], code = p[1];
    if (!v6 && type == 8) {
        EchoRequest e;
        static_cast<EventBase&>(e) = base;
        e.src = pkt.net.src;
        e.dst = pkt.net.dst;
        out.publish(e);
        return;
    }
    if (v6 && type == 128) {
        EchoRequest e;
        static_cast<EventBase&>(e) = base;
        e.src = pkt.net.src;
        e.dst = pkt.net.dst;
        out.publish(e);
        return;
    }
    IcmpError e;
    static_cast<EventBase&>(e) = base;
    e.version = v6 ? 6 : 4;
    e.type = type;
    e.code = code;
    if (!v6) {
        if (type == 3) e.kind = IcmpError::Kind::Unreachable;
        else if (type == 11) e.kind = IcmpError::Kind::TimeExceeded;
        else return;
        if (type == 3 && code == 4) e.mtu = static_cast<std::uint32_t>((p[6] << 8) | p[7]);
    } else {
        if (type == 1) e.kind = IcmpError::Kind::Unreachable;
        else if (type == 2) e.kind = IcmpError::Kind::PacketTooBig;
        else if (type == 3) e.kind = IcmpError::Kind::TimeExceeded;
        else return;
        if (type == 2) e.mtu = (std::uint32_t(p[4]) << 24) | (p[5] << 16) | (p[6] << 8) | p[7];
    }
    e.reporter = pkt.net.src;
    e.reported_to = pkt.net.dst;
    quoted_header(pkt, i, e);
    out.publish(e);
}

void ndp_event(const Packet& pkt, const Layer& l, EventBase base, const EventBus& out) {
    const std::uint8_t* p = span_at(pkt, l, 0, 24);
    if (!p || (p[0] != 135 && p[0] != 136)) return;
    NdpObservation e;
    static_cast<EventBase&>(e) = base;
    e.kind = p[0] == 135 ? NdpObservation::Kind::Solicitation : NdpObservation::Kind::Advertisement;
    e.src = pkt.net.src;
    e.target = IpAddress::v6(p + 8);
    e.solicited = e.kind == NdpObservation::Kind::Advertisement && (p[4] & 0x40);
    e.dad = e.kind == NdpObservation::Kind::Solicitation && e.src.family == 6 &&
            std::all_of(e.src.bytes.begin(), e.src.bytes.end(), [](std::uint8_t b) { return b == 0; });
    // Link-layer address option: source (1) on NS, target (2) on NA.
    const std::uint8_t want = e.kind == NdpObservation::Kind::Solicitation ? 1 : 2;
    const std::size_t end = std::min<std::size_t>(pkt.limit ? pkt.limit : pkt.bytes.size(), pkt.bytes.size());
    std::size_t pos = l.offset + 24;
    while (pos + 8 <= end) {
        const std::uint8_t type = pkt.bytes[pos];
        const std::size_t len = pkt.bytes[pos + 1] * 8u;
        if (len == 0 || pos + len > end) break;
        if (type == want) {
            copy_mac(e.lladdr, pkt.bytes.data() + pos + 2);
            e.has_lladdr = true;
            break;
        }
        pos += len;
    }
    if (!e.has_lladdr) {
        MacAddress dst;
        e.has_lladdr = ethernet_addresses(pkt, e.lladdr, dst);
    }
    out.publish(e);
}

// Does a Router Advertisement carry a prefix for SLAAC (RFC 4861 4.6.2, A flag)?
// The first on-link prefix (L flag) goes to `prefix`/`prefix_len` for the network picture.
bool ra_has_autoconf_prefix(const Packet& pkt, const Layer& l, IpAddress& prefix, std::uint8_t& prefix_len) {
    const std::size_t end = std::min<std::size_t>(pkt.limit ? pkt.limit : pkt.bytes.size(), pkt.bytes.size());
    std::size_t pos = l.offset + 16;  // options follow the 16-byte RA header
    while (pos + 8 <= end) {
        const std::size_t len = pkt.bytes[pos + 1] * 8u;
        if (len == 0 || pos + len > end) break;
        if (pkt.bytes[pos] == 3 && len >= 32) {
            if ((pkt.bytes[pos + 3] & 0x80) && prefix.family == 0 && pkt.bytes[pos + 2] <= 128) {
                prefix = IpAddress::v6(pkt.bytes.data() + pos + 16);
                prefix_len = pkt.bytes[pos + 2];
            }
            if (pkt.bytes[pos + 3] & 0x40) return true;
        }
        pos += len;
    }
    return false;
}

}  // namespace

bool ethernet_addresses(const Packet& pkt, MacAddress& src, MacAddress& dst) {
    if (pkt.layers.empty() || pkt.layers[0].proto != Proto::Eth) return false;
    const std::uint8_t* p = span_at(pkt, pkt.layers[0], 0, 12);
    if (!p) return false;
    copy_mac(dst, p);
    copy_mac(src, p + 6);
    return true;
}

void extract_packet_events(const Packet& pkt, std::uint32_t file, const EventBus& out) {
    EventBase base;
    base.where = FrameRef{file, pkt.number};
    base.ts = pkt.ts.seconds();
    for (std::size_t i = 0; i < pkt.layers.size(); ++i) {
        const Layer& l = pkt.layers[i];
        if (l.quoted) break;
        if (l.proto == Proto::Arp) arp_event(pkt, l, base, out);
        else if (l.proto == Proto::Icmp || l.proto == Proto::Icmpv6) {
            if (l.proto == Proto::Icmpv6) ndp_event(pkt, l, base, out);
            icmp_event(pkt, i, base, out);
            break;
        }
    }
    const NetSummary& n = pkt.net;
    if (n.src.family == 0) return;
    IpPacketSeen ip;
    static_cast<EventBase&>(ip) = base;
    ip.src = n.src;
    ip.dst = n.dst;
    ip.has_eth = ethernet_addresses(pkt, ip.eth_src, ip.eth_dst);
    ip.ip_proto = n.ip_proto;
    ip.has_ports = n.has_ports;
    ip.src_port = n.src_port;
    ip.dst_port = n.dst_port;
    ip.wirelen = pkt.wirelen;
    for (const Layer& l : pkt.layers) {
        if (l.quoted || l.proto != Proto::Icmpv6) continue;
        if (const std::uint8_t* t = span_at(pkt, l, 0, 1)) {
            ip.icmp6_type = *t;
            ip.ra_autoconf_prefix = *t == 134 && ra_has_autoconf_prefix(pkt, l, ip.ra_prefix, ip.ra_prefix_len);
        }
        break;
    }
    out.publish(ip);
    if (n.ip_proto == 6 && n.has_ports && !n.fragment && (n.tcp_flags & 0x12) == 0x02) {
        SynSeen s;
        static_cast<EventBase&>(s) = base;
        s.src = n.src;
        s.dst = n.dst;
        s.src_port = n.src_port;
        s.dst_port = n.dst_port;
        out.publish(s);
    }
}

}  // namespace netdx
