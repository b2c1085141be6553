#pragma once
// A captured packet as the pipeline sees it: a view over bytes owned by the
// capture source plus an inline stack of decoded layers. Nothing here allocates.
#include <array>
#include <bit>
#include <compare>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "core/cursor.hpp"
#include "core/interface_id.hpp"
#include "core/record_options.hpp"
#include "core/proto.hpp"

namespace netdx {

struct Timestamp {
    std::int64_t sec = 0;
    std::uint32_t nsec = 0;
    [[nodiscard]] double seconds() const { return static_cast<double>(sec) + nsec * 1e-9; }
    friend bool operator==(const Timestamp&, const Timestamp&) = default;
};

enum class LayerStatus : std::uint8_t { Ok, Truncated, Malformed };

// Layer::flags bits.
constexpr std::uint8_t kLayerChecksumBad = 1;   // a verified checksum did not match
constexpr std::uint8_t kLayerStartsQuote = 2;   // following layers are quoted (ICMP error)
constexpr std::uint8_t kLayerFragment = 4;      // an IP fragment, payload not decoded

struct Layer {
    Proto proto = Proto::None;
    LayerStatus status = LayerStatus::Ok;
    // Set on layers quoted inside an ICMP/ICMPv6 error: they describe another
    // packet, so flows and the summary columns ignore them.
    bool quoted = false;
    std::uint8_t flags = 0;  // kLayer* bits below
    std::uint32_t offset = 0;  // from the start of the captured bytes
    std::uint32_t length = 0;  // header length (bytes this layer consumed)
    const char* problem = nullptr;  // static string explaining Truncated/Malformed

    void mark_truncated(const char* why) {
        if (status == LayerStatus::Ok) { status = LayerStatus::Truncated; problem = why; }
    }
    void mark_malformed(const char* why) {
        if (status != LayerStatus::Malformed) { status = LayerStatus::Malformed; problem = why; }
    }
};

class LayerStack {
public:
    static constexpr std::size_t kMax = 24;
    Layer* push(Proto proto, std::uint32_t offset) {
        if (count_ == kMax) return nullptr;
        Layer& l = items_[count_++];
        l = Layer{};
        l.proto = proto;
        l.offset = offset;
        return &l;
    }
    void clear() { count_ = 0; }
    [[nodiscard]] std::size_t size() const { return count_; }
    [[nodiscard]] bool empty() const { return count_ == 0; }
    const Layer& operator[](std::size_t i) const { return items_[i]; }
    Layer& operator[](std::size_t i) { return items_[i]; }
    [[nodiscard]] const Layer* begin() const { return items_.data(); }
    [[nodiscard]] const Layer* end() const { return items_.data() + count_; }
    [[nodiscard]] const Layer* find(Proto p) const {
        for (std::size_t i = 0; i < count_; ++i)
            if (items_[i].proto == p) return &items_[i];
        return nullptr;
    }

private:
    std::array<Layer, kMax> items_{};
    std::size_t count_ = 0;
};

// An IPv4 or IPv6 address in network byte order (IPv4 in the first 4 bytes).
struct IpAddress {
    std::uint8_t family = 0;  // 4, 6, or 0 when absent
    std::array<std::uint8_t, 16> bytes{};
    static IpAddress v4(const std::uint8_t* p) {
        IpAddress a; a.family = 4; std::memcpy(a.bytes.data(), p, 4); return a;
    }
    static IpAddress v6(const std::uint8_t* p) {
        IpAddress a; a.family = 6; std::memcpy(a.bytes.data(), p, 16); return a;
    }
    // Addresses are keys of most of the rules' tables: compared as two 64-bit
    // words rather than through memcmp (11% of `netdx analyze` on a busy
    // capture), in the same order as the defaulted comparison (family, then the
    // bytes lexicographically), so every sorted output stays the same.
    [[nodiscard]] std::uint64_t word(std::size_t i) const {
        std::uint64_t v;
        std::memcpy(&v, bytes.data() + 8 * i, 8);
        return v;
    }
    [[nodiscard]] std::uint64_t ordered_word(std::size_t i) const {
        const std::uint64_t v = word(i);
        if constexpr (std::endian::native == std::endian::little) return __builtin_bswap64(v);
        return v;
    }
    friend bool operator==(const IpAddress& a, const IpAddress& b) {
        return a.family == b.family && a.word(0) == b.word(0) && a.word(1) == b.word(1);
    }
    friend std::strong_ordering operator<=>(const IpAddress& a, const IpAddress& b) {
        if (a.family != b.family) return a.family <=> b.family;
        const std::uint64_t a0 = a.ordered_word(0), b0 = b.ordered_word(0);
        if (a0 != b0) return a0 <=> b0;
        return a.ordered_word(1) <=> b.ordered_word(1);
    }
};

// The outermost network and transport header of a packet, filled by the
// dissectors for the columns, flows and rules (quoted headers never land here).
struct NetSummary {
    IpAddress src, dst;
    std::uint8_t ip_proto = 0;
    bool has_ports = false;
    bool fragment = false;       // IP fragment (not the whole datagram)
    std::uint16_t src_port = 0, dst_port = 0;
    std::uint16_t vlan = 0;
    bool has_vlan = false;
    std::uint8_t ttl = 0;
    // TCP specifics (valid when ip_proto == 6 and has_ports).
    std::uint16_t tcp_flags = 0;
    std::uint32_t tcp_seq = 0, tcp_ack = 0;
    std::uint16_t tcp_window = 0;
    std::int8_t l4_layer = -1;     // index of the outermost TCP/UDP/ICMP layer
    std::uint32_t payload_offset = 0;  // first byte after the L4 header
    std::uint32_t payload_length = 0;  // captured payload bytes after the L4 header
};

struct TcpSegmentInfo;  // src/flow/tcp_analysis.hpp

struct Packet {
    std::uint64_t number = 0;  // 1-based frame number, as tshark counts
    Timestamp ts;
    std::uint32_t caplen = 0;
    std::uint32_t wirelen = 0;
    int linktype = 0;
    Bytes bytes;
    // pcapng only (frame.interface_id, frame.interface_name, frame.comment):
    // views into the source's buffers, valid as long as `bytes`.
    std::uint32_t interface_id = kNoInterface;
    std::string_view interface_name;
    RecordOptions options;
    // End of the innermost datagram being decoded: IP sets it from its length
    // field so link-layer padding is not taken for payload.
    std::uint32_t limit = 0;
    LayerStack layers;
    NetSummary net;
    // Set by the flow stage when it analysed this packet's TCP segment (the
    // tcp.seq/tcp.analysis.* fields read it); null otherwise.
    const TcpSegmentInfo* tcp_analysis = nullptr;

    [[nodiscard]] Bytes layer_bytes(const Layer& l) const {
        if (l.offset >= bytes.size()) return {};
        return bytes.subspan(l.offset);
    }
};

}  // namespace netdx
