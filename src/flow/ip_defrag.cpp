#include "flow/ip_defrag.hpp"

#include <algorithm>
#include <cstring>

#include "flow/flow_table.hpp"

namespace netdx {

std::size_t IpDefrag::KeyHash::operator()(const Key& k) const noexcept {
    std::uint64_t h = 1469598103934665603ull;
    auto mix = [&h](const std::uint8_t* p, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) { h ^= p[i]; h *= 1099511628211ull; }
    };
    mix(k.src.data(), 16);
    mix(k.dst.data(), 16);
    const std::uint8_t tail[6] = {static_cast<std::uint8_t>(k.id), static_cast<std::uint8_t>(k.id >> 8),
                                  static_cast<std::uint8_t>(k.id >> 16), static_cast<std::uint8_t>(k.id >> 24),
                                  k.family, k.proto};
    mix(tail, 6);
    return static_cast<std::size_t>(h);
}

namespace {

struct FragView {
    std::uint32_t offset = 0;      // byte offset of this piece in the datagram payload
    bool more = false;
    Bytes payload;
    Bytes header;                  // the part that precedes the fragmentable payload
    std::uint32_t nh_offset = 0;   // IPv6: next-header byte to rewrite, within header
    std::uint8_t nh = 0;
    std::uint32_t id = 0;
    std::uint8_t proto = 0;
};

// The fragment fields of the outermost IP header; false when they were not
// all captured (such a fragment cannot take part in reassembly).
bool read_fragment(const Packet& pkt, FragView& v) {
    const Layer* ip = nullptr;
    for (const Layer& l : pkt.layers) {
        if (l.quoted) continue;
        if (l.proto == Proto::Ipv4 && (l.flags & kLayerFragment)) { ip = &l; break; }
        if (l.proto == Proto::Ipv6Fragment && (l.flags & kLayerFragment)) { ip = &l; break; }
    }
    if (!ip) return false;
    const std::uint8_t* b = pkt.bytes.data();
    const std::size_t cap = pkt.bytes.size();
    if (ip->proto == Proto::Ipv4) {
        if (ip->offset + 20u > cap) return false;
        const std::uint8_t* h = b + ip->offset;
        const std::uint32_t ihl = (h[0] & 0x0f) * 4u;
        const std::uint32_t total = load_be16(h + 2);
        if (ihl < 20 || total < ihl || ip->offset + total > cap) return false;
        const std::uint16_t frag = load_be16(h + 6);
        v.offset = (frag & 0x1fffu) * 8u;
        v.more = frag & 0x2000;
        v.id = load_be16(h + 4);
        v.proto = h[9];
        v.header = Bytes{h, ihl};
        v.payload = Bytes{h + ihl, total - ihl};
        return true;
    }
    // IPv6: the fixed header is the first IPv6 layer; the fragment header is `ip`.
    const Layer* v6 = pkt.layers.find(Proto::Ipv6);
    if (!v6 || v6->quoted || v6->offset + 40u > cap || ip->offset + 8u > cap || ip == pkt.layers.begin()) return false;
    const std::uint8_t* h6 = b + v6->offset;
    const std::uint32_t end = v6->offset + 40u + load_be16(h6 + 4);
    if (end > cap || end < ip->offset + 8u) return false;
    const std::uint8_t* f = b + ip->offset;
    const std::uint16_t off_m = load_be16(f + 2);
    v.offset = off_m & 0xfff8u;
    v.more = off_m & 1;
    v.id = load_be32(f + 4);
    v.nh = f[0];
    v.proto = f[0];
    v.header = Bytes{h6, ip->offset - v6->offset};
    const Layer& prev = *(ip - 1);
    v.nh_offset = prev.proto == Proto::Ipv6 ? 6u : prev.offset - v6->offset;
    v.payload = Bytes{f + 8, end - (ip->offset + 8u)};
    return true;
}

std::uint16_t ipv4_checksum(const std::uint8_t* p, std::size_t len) {
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i + 1 < len; i += 2) sum += load_be16(p + i);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

}  // namespace

void IpDefrag::drop(std::unordered_map<Key, Datagram, KeyHash>::iterator it) {
    bytes_ -= it->second.payload.size() + it->second.header.size();
    order_.erase(it->second.pos);
    map_.erase(it);
}

bool IpDefrag::add(const Packet& pkt, std::vector<std::uint8_t>& out) {
    ++stats_.fragments;
    FragView v;
    if (!read_fragment(pkt, v)) {
        ++stats_.malformed;
        return false;
    }
    const std::uint32_t from = v.offset, to = v.offset + static_cast<std::uint32_t>(v.payload.size());
    if (to > 65535) {
        ++stats_.malformed;
        return false;
    }
    Key k;
    k.src = pkt.net.src.bytes;
    k.dst = pkt.net.dst.bytes;
    k.family = pkt.net.src.family;
    k.id = v.id;
    k.proto = v.proto;
    auto it = map_.find(k);
    if (it == map_.end()) {
        if (map_.size() >= cfg_.max_datagrams) {
            // Make room by giving up the datagram added to least recently.
            ++stats_.dropped_limit;
            drop(map_.find(order_.front()));
        }
        it = map_.emplace(k, Datagram{}).first;
        it->second.pos = order_.insert(order_.end(), k);
    } else {
        order_.splice(order_.end(), order_, it->second.pos);
    }
    Datagram& d = it->second;
    d.last = pkt.ts;
    // Overlaps with what is already here.
    for (const Range& r : d.have) {
        const std::uint32_t a = std::max(r.from, from), b = std::min(r.to, to);
        if (a >= b) continue;
        ++stats_.overlaps;
        if (std::memcmp(d.payload.data() + a, v.payload.data() + (a - from), b - a) != 0)
            ++stats_.conflicting_overlaps;
    }
    if (!v.more) {
        if (d.have_last && d.total != to) ++stats_.malformed;
        d.have_last = true;
        d.total = to;
    }
    if (to > d.payload.size()) {
        const std::size_t grow = to - d.payload.size();
        if (bytes_ + grow > cfg_.max_bytes) {
            ++stats_.dropped_limit;
            drop(it);
            return false;
        }
        bytes_ += grow;
        d.payload.resize(to);
    }
    // First copy wins on overlap (most stacks keep the earlier data).
    std::vector<Range> added{{from, to}};
    for (const Range& r : d.have) {
        std::vector<Range> next;
        for (const Range& p : added) {
            if (r.to <= p.from || r.from >= p.to) { next.push_back(p); continue; }
            if (p.from < r.from) next.push_back({p.from, r.from});
            if (r.to < p.to) next.push_back({r.to, p.to});
        }
        added.swap(next);
    }
    for (const Range& p : added) {
        std::memcpy(d.payload.data() + p.from, v.payload.data() + (p.from - from), p.to - p.from);
        d.have.push_back(p);
    }
    if (from == 0 && !d.have_first) {
        d.have_first = true;
        d.header.assign(v.header.begin(), v.header.end());
        bytes_ += d.header.size();
        d.nh_offset = v.nh_offset;
        d.nh = v.nh;
    }
    if (!d.have_first || !d.have_last) return false;
    // Complete when the pieces cover [0, total) without a hole.
    std::sort(d.have.begin(), d.have.end(), [](const Range& a, const Range& b) { return a.from < b.from; });
    std::uint32_t covered = 0;
    for (const Range& r : d.have) {
        if (r.from > covered) return false;
        covered = std::max(covered, r.to);
    }
    if (covered < d.total) return false;

    out.assign(d.header.begin(), d.header.end());
    payload_offset_ = d.header.size();
    out.insert(out.end(), d.payload.begin(), d.payload.begin() + d.total);
    if (k.family == 4) {
        const std::size_t len = out.size();
        out[2] = static_cast<std::uint8_t>(len >> 8);
        out[3] = static_cast<std::uint8_t>(len);
        out[6] = out[7] = 0;
        out[10] = out[11] = 0;
        const std::uint16_t sum = ipv4_checksum(out.data(), d.header.size());
        out[10] = static_cast<std::uint8_t>(sum >> 8);
        out[11] = static_cast<std::uint8_t>(sum);
    } else {
        // Without the fragment header the previous header names the payload.
        const std::size_t plen = out.size() - 40;
        out[4] = static_cast<std::uint8_t>(plen >> 8);
        out[5] = static_cast<std::uint8_t>(plen);
        if (d.nh_offset < d.header.size()) out[d.nh_offset] = d.nh;
    }
    ++stats_.reassembled;
    drop(it);
    return true;
}

void IpDefrag::expire(const Timestamp& now) {
    // From the least recently added to, stopping at the first one still in
    // time: a scan of the whole table ran each time the second changed, and
    // timestamps that jump back and forth change it on every packet. Where
    // time went backwards, a datagram behind a fresher one waits its turn.
    while (!order_.empty()) {
        auto it = map_.find(order_.front());
        if (seconds_between(now, it->second.last) <= cfg_.timeout) break;
        ++stats_.timed_out;
        drop(it);
    }
}

}  // namespace netdx
