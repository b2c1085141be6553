#include "tui/conversations.hpp"

#include <algorithm>
#include <cstring>

#include "core/format_addr.hpp"

namespace netdx::tui {

namespace {

std::string_view proto_text(std::uint8_t p, std::uint8_t family) {
    switch (p) {
        case 6: return "TCP";
        case 17: return "UDP";
        case 1: return "ICMP";
        case 58: return "ICMPv6";
        default: return family == 0 ? "ETH" : "IP";
    }
}

double since(const Timestamp& a, const Timestamp& b) {
    return static_cast<double>(a.sec - b.sec) + (static_cast<double>(a.nsec) - b.nsec) * 1e-9;
}

}  // namespace

std::size_t Conversations::KeyHash::operator()(const Key& k) const noexcept {
    std::uint64_t h = 1469598103934665603ull;
    auto mix = [&h](const void* p, std::size_t n) {
        const auto* c = static_cast<const std::uint8_t*>(p);
        for (std::size_t i = 0; i < n; ++i) { h ^= c[i]; h *= 1099511628211ull; }
    };
    mix(k.a.data(), k.a.size());
    mix(k.b.data(), k.b.size());
    const std::uint16_t rest[2] = {k.pa, k.pb};
    mix(rest, sizeof rest);
    const std::uint8_t fp[2] = {k.family, k.proto};
    mix(fp, 2);
    return static_cast<std::size_t>(h ^ (h >> 29));
}

void Conversations::note_history(Entry& e, int side, char letter) {
    // One letter per event kind and side: upper case for side A, lower for B.
    const char c = side == 0 ? letter : static_cast<char>(letter - 'A' + 'a');
    if (e.row.history.find(c) == std::string::npos && e.row.history.size() < 16) e.row.history.push_back(c);
}

void Conversations::tcp(Entry& e, int side, const Packet& pkt) {
    const NetSummary& n = pkt.net;
    const std::uint16_t f = n.tcp_flags;
    const bool syn = f & 0x02, ack = f & 0x10, fin = f & 0x01, rst = f & 0x04;
    if (syn && !ack) {
        note_history(e, side, 'S');
        if (!e.syn_seen) { e.syn_seen = true; e.syn_ts = pkt.ts; }
    } else if (syn && ack) {
        note_history(e, side, 'H');
        e.synack_seen = true;
    } else if (ack && e.syn_seen && e.synack_seen && e.row.rtt < 0) {
        e.row.rtt = since(pkt.ts, e.syn_ts);
    }
    if (n.payload_length > 0) note_history(e, side, 'D');
    if (fin) { note_history(e, side, 'F'); e.fin[side] = true; }
    if (rst) { note_history(e, side, 'R'); e.row.closed = true; }
    if (e.fin[0] && e.fin[1]) e.row.closed = true;

    // A segment carrying data that ends at or below what this side already
    // sent is a retransmission (tshark's finer cases are the flow table's job).
    Dir& d = e.dir[side];
    std::uint32_t seglen = n.payload_length + (syn ? 1 : 0) + (fin ? 1 : 0);
    if (seglen == 0) return;
    const std::uint32_t end = n.tcp_seq + seglen;
    if (d.seq_known && static_cast<std::int32_t>(end - d.max_end) <= 0 && !rst) ++e.row.retrans;
    if (!d.seq_known || static_cast<std::int32_t>(end - d.max_end) > 0) { d.max_end = end; d.seq_known = true; }
}

std::uint64_t Conversations::add(const Packet& pkt) {
    const NetSummary& n = pkt.net;
    Key k;
    int side = 0;
    std::array<std::uint8_t, 16> s{}, d{};
    std::uint16_t ps = 0, pd = 0;
    if (n.src.family != 0) {
        k.family = n.src.family;
        s = n.src.bytes;
        d = n.dst.bytes;
        k.proto = n.ip_proto;
        if (n.has_ports) { ps = n.src_port; pd = n.dst_port; }
    } else {
        const Layer* eth = pkt.layers.find(Proto::Eth);
        if (!eth || pkt.bytes.size() < eth->offset + 12u) return 0;
        const auto* p = reinterpret_cast<const std::uint8_t*>(pkt.bytes.data()) + eth->offset;
        std::memcpy(d.data(), p, 6);
        std::memcpy(s.data(), p + 6, 6);
    }
    // Canonical order: the smaller (address, port) is side A.
    const bool swap = std::tie(s, ps) > std::tie(d, pd);
    k.a = swap ? d : s;
    k.b = swap ? s : d;
    k.pa = swap ? pd : ps;
    k.pb = swap ? ps : pd;
    side = swap ? 1 : 0;

    auto it = table_.find(k);
    if (it == table_.end()) {
        if (table_.size() >= max_ && !lru_.empty()) {
            table_.erase(lru_.back());
            lru_.pop_back();
            ++evicted_;
        }
        lru_.push_front(k);
        Entry e;
        e.lru = lru_.begin();
        ConvRow& r = e.row;
        r.id = next_id_++;
        r.proto = proto_text(k.proto, k.family);
        r.first = pkt.ts;
        r.has_ports = n.has_ports && k.family != 0;
        r.port_a = k.pa;
        r.port_b = k.pb;
        if (k.family != 0) {
            r.addr_a.family = r.addr_b.family = k.family;
            r.addr_a.bytes = k.a;
            r.addr_b.bytes = k.b;
        } else {
            fmt::memory_buffer ma, mb;
            append_mac(ma, k.a.data());
            append_mac(mb, k.b.data());
            r.mac_a.assign(ma.data(), ma.size());
            r.mac_b.assign(mb.data(), mb.size());
        }
        it = table_.emplace(k, std::move(e)).first;
    } else if (it->second.lru != lru_.begin()) {
        lru_.splice(lru_.begin(), lru_, it->second.lru);
    }
    Entry& e = it->second;
    e.row.packets[side] += 1;
    e.row.bytes[side] += pkt.wirelen;
    e.row.last = pkt.ts;
    if (k.family != 0 && k.proto == 6 && n.has_ports) tcp(e, side, pkt);
    return e.row.id;
}

std::uint64_t Conversations::live(const Timestamp& now) const {
    std::uint64_t n = 0;
    for (const auto& [k, e] : table_)
        if (!e.row.closed && since(now, e.row.last) < 60.0) ++n;
    return n;
}

void Conversations::snapshot(std::vector<ConvRow>& out) {
    out.clear();
    out.reserve(table_.size());
    for (auto& [k, e] : table_) {
        // Average over the conversation's own (capture) time: meaningful for
        // a replayed file as well as live; one-packet flows have no rate.
        const double span = since(e.row.last, e.row.first);
        e.row.rate = span > 0 ? static_cast<double>(e.row.bytes[0] + e.row.bytes[1]) / span : 0;
        out.push_back(e.row);
    }
}

}  // namespace netdx::tui
