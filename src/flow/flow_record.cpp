#include "flow/flow_record.hpp"

#include <algorithm>
#include <cstring>

#include "flow/flow_table.hpp"

namespace netdx {

FlowRecord FlowRecord::of(const Flow& f) {
    FlowRecord r;
    r.key = f.key;
    r.orig = f.orig;
    r.id = f.id;
    r.stream = f.tcp ? static_cast<std::int64_t>(f.tcp->stream) : -1;
    r.dir[0] = f.dir[0];
    r.dir[1] = f.dir[1];
    r.first = f.first;
    r.last = f.last;
    r.state = f.state;
    r.end = f.end;
    std::copy(std::begin(f.history), std::end(f.history), r.history);
    r.history[sizeof r.history - 1] = '\0';
    r.handshake_rtt = f.handshake_rtt;
    r.rtt_samples = f.rtt_samples;
    r.rtt_sum = f.rtt_sum;
    r.rtt_min = f.rtt_min;
    r.rtt_max = f.rtt_max;
    std::copy(std::begin(f.flag_counts), std::end(f.flag_counts), r.flag_counts);
    return r;
}

double FlowRecord::duration() const { return seconds_between(last, first); }

namespace {

// Header bits of a packed record (first byte); the second byte holds the
// state (low nibble) and the end reason (high nibble).
enum : std::uint8_t {
    kOrigB = 1u << 2,  // bits 0-1: address family code
    kHasVlan = 1u << 3,
    kHasStream = 1u << 4,
    kHasHandshakeRtt = 1u << 5,
    kHasRttSamples = 1u << 6,
    kHasFlagCounts = 1u << 7,
};

// Bound on one encoded record: 2 header bytes, 32 address bytes, 10-byte
// varints for every integer, 8 bytes per double, 24 history bytes.
constexpr std::size_t kMaxRecord = 2 + 32 + 10 * 8 + 10 * 14 + 8 * 4 + 10 * (1 + kTcpFlagCount) + 1 + 24;

std::size_t addr_len(std::uint8_t family) { return family == 6 ? 16 : (family == 4 ? 4 : 6); }
std::uint8_t family_code(std::uint8_t family) { return family == 6 ? 2 : (family == 4 ? 1 : 0); }
std::uint8_t family_of(std::uint8_t code) { return code == 2 ? 6 : (code == 1 ? 4 : 0); }

std::uint64_t zigzag(std::int64_t v) { return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63); }
std::int64_t unzigzag(std::uint64_t v) { return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1); }

struct Writer {
    std::uint8_t* p;
    void byte(std::uint8_t b) { *p++ = b; }
    void raw(const void* src, std::size_t n) {
        std::memcpy(p, src, n);
        p += n;
    }
    void varint(std::uint64_t v) {
        while (v >= 0x80) {
            *p++ = static_cast<std::uint8_t>(v | 0x80);
            v >>= 7;
        }
        *p++ = static_cast<std::uint8_t>(v);
    }
    void real(double d) { raw(&d, sizeof d); }
    // A timestamp relative to `ref` (seconds may go backwards in a capture).
    void time(const Timestamp& t, const Timestamp& ref) {
        varint(zigzag(t.sec - ref.sec));
        varint(t.nsec);
    }
};

// Reads back what Writer wrote; the store only reads its own records.
struct Reader {
    const std::uint8_t* p;
    std::uint8_t byte() { return *p++; }
    void raw(void* dst, std::size_t n) {
        std::memcpy(dst, p, n);
        p += n;
    }
    std::uint64_t varint() {
        std::uint64_t v = 0;
        for (int shift = 0;; shift += 7) {
            const std::uint8_t b = *p++;
            v |= std::uint64_t{b & 0x7fu} << shift;
            if (b < 0x80) return v;
        }
    }
    double real() {
        double d;
        raw(&d, sizeof d);
        return d;
    }
    Timestamp time(const Timestamp& ref) {
        Timestamp t;
        t.sec = ref.sec + unzigzag(varint());
        t.nsec = static_cast<std::uint32_t>(varint());
        return t;
    }
};

std::size_t encode(const FlowRecord& r, std::uint8_t* out) {
    Writer w{out};
    std::uint32_t flag_mask = 0;
    for (int i = 0; i < kTcpFlagCount; ++i)
        if (r.flag_counts[i]) flag_mask |= 1u << i;
    std::uint8_t h = family_code(r.key.family);
    if (r.orig == Side::B) h |= kOrigB;
    if (r.key.vlan) h |= kHasVlan;
    if (r.stream >= 0) h |= kHasStream;
    if (r.handshake_rtt >= 0) h |= kHasHandshakeRtt;
    if (r.rtt_samples) h |= kHasRttSamples;
    if (flag_mask) h |= kHasFlagCounts;
    w.byte(h);
    w.byte(static_cast<std::uint8_t>(static_cast<unsigned>(r.state) | static_cast<unsigned>(r.end) << 4));
    const std::size_t alen = addr_len(r.key.family);
    w.raw(r.key.a.data(), alen);
    w.raw(r.key.b.data(), alen);
    w.varint(r.key.port_a);
    w.varint(r.key.port_b);
    if (r.key.vlan) w.varint(r.key.vlan);
    w.byte(r.key.proto);
    w.varint(r.id);
    if (r.stream >= 0) w.varint(static_cast<std::uint64_t>(r.stream));
    w.time(r.first, Timestamp{});
    w.time(r.last, r.first);
    for (const FlowDir& d : r.dir) {
        w.varint(d.packets);
        w.varint(d.bytes);
        w.varint(d.payload);
        // Direction times are printed only for a direction that saw packets.
        if (d.packets) {
            w.time(d.first, r.first);
            w.time(d.last, d.first);
        }
    }
    if (h & kHasHandshakeRtt) w.real(r.handshake_rtt);
    if (h & kHasRttSamples) {
        w.varint(r.rtt_samples);
        w.real(r.rtt_sum);
        w.real(r.rtt_min);
        w.real(r.rtt_max);
    }
    if (flag_mask) {
        w.varint(flag_mask);
        for (int i = 0; i < kTcpFlagCount; ++i)
            if (r.flag_counts[i]) w.varint(r.flag_counts[i]);
    }
    const std::size_t hlen = std::strlen(r.history);
    w.byte(static_cast<std::uint8_t>(hlen));
    w.raw(r.history, hlen);
    return static_cast<std::size_t>(w.p - out);
}

}  // namespace

FlowRecordStore::Ref FlowRecordStore::add(const FlowRecord& r) {
    std::uint8_t tmp[kMaxRecord];
    const std::size_t n = encode(r, tmp);
    if (used_ + n > kChunk) {
        chunks_.push_back(std::make_unique_for_overwrite<std::uint8_t[]>(kChunk));
        used_ = 0;
    }
    std::memcpy(chunks_.back().get() + used_, tmp, n);
    const Ref ref = (chunks_.size() - 1) * kChunk + used_;
    used_ += n;
    return ref;
}

FlowRecord FlowRecordStore::get(Ref ref) const {
    Reader rd{chunks_[ref / kChunk].get() + ref % kChunk};
    FlowRecord r;
    const std::uint8_t h = rd.byte();
    const std::uint8_t se = rd.byte();
    r.state = static_cast<FlowState>(se & 0x0f);
    r.end = static_cast<EndReason>(se >> 4);
    r.key.family = family_of(h & 3);
    r.orig = (h & kOrigB) ? Side::B : Side::A;
    const std::size_t alen = addr_len(r.key.family);
    rd.raw(r.key.a.data(), alen);
    rd.raw(r.key.b.data(), alen);
    r.key.port_a = static_cast<std::uint16_t>(rd.varint());
    r.key.port_b = static_cast<std::uint16_t>(rd.varint());
    if (h & kHasVlan) r.key.vlan = static_cast<std::uint16_t>(rd.varint());
    r.key.proto = rd.byte();
    r.id = rd.varint();
    if (h & kHasStream) r.stream = static_cast<std::int64_t>(rd.varint());
    r.first = rd.time(Timestamp{});
    r.last = rd.time(r.first);
    for (FlowDir& d : r.dir) {
        d.packets = rd.varint();
        d.bytes = rd.varint();
        d.payload = rd.varint();
        if (d.packets) {
            d.first = rd.time(r.first);
            d.last = rd.time(d.first);
        }
    }
    if (h & kHasHandshakeRtt) r.handshake_rtt = rd.real();
    if (h & kHasRttSamples) {
        r.rtt_samples = static_cast<std::uint32_t>(rd.varint());
        r.rtt_sum = rd.real();
        r.rtt_min = rd.real();
        r.rtt_max = rd.real();
    }
    if (h & kHasFlagCounts) {
        const std::uint64_t mask = rd.varint();
        for (int i = 0; i < kTcpFlagCount; ++i)
            if (mask & (1u << i)) r.flag_counts[i] = static_cast<std::uint32_t>(rd.varint());
    }
    const std::size_t hlen = std::min<std::size_t>(rd.byte(), sizeof r.history - 1);
    rd.raw(r.history, hlen);
    return r;
}

}  // namespace netdx
