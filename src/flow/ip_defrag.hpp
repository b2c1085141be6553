#pragma once
// IPv4 and IPv6 fragment reassembly, bounded in datagrams, bytes and time.
// Overlapping fragments are counted (and whether they disagree), because an
// overlap that changes bytes is an evasion technique or a broken stack.
#include <cstdint>
#include <list>
#include <unordered_map>
#include <vector>

#include "core/packet.hpp"

namespace netdx {

struct DefragConfig {
    std::size_t max_datagrams = 4096;       // in progress at once
    std::size_t max_bytes = 32u << 20;      // buffered in total
    double timeout = 30;                    // seconds without a new fragment
};

struct DefragStats {
    std::uint64_t fragments = 0;
    std::uint64_t reassembled = 0;
    std::uint64_t timed_out = 0;
    std::uint64_t dropped_limit = 0;        // datagrams given up at a bound
    std::uint64_t overlaps = 0;
    std::uint64_t conflicting_overlaps = 0; // overlap with different bytes
    std::uint64_t malformed = 0;            // beyond 65535 bytes, inconsistent ends
};

class IpDefrag {
public:
    explicit IpDefrag(DefragConfig cfg = {}) : cfg_(cfg) {}
    // Adds the fragment `pkt` (pkt.net.fragment is set). When it completes a
    // datagram, writes the whole datagram (IP header included) to `out` and
    // returns true.
    bool add(const Packet& pkt, std::vector<std::uint8_t>& out);
    void expire(const Timestamp& now);
    [[nodiscard]] const DefragStats& stats() const { return stats_; }
    [[nodiscard]] std::size_t in_progress() const { return map_.size(); }
    [[nodiscard]] std::size_t buffered() const { return bytes_; }
    // Where the fragmentable payload starts in the datagram add() returned last
    // (after the IPv4 header, or the IPv6 headers before the fragment header).
    [[nodiscard]] std::size_t payload_offset() const { return payload_offset_; }

private:
    struct Key {
        std::array<std::uint8_t, 16> src{}, dst{};
        std::uint32_t id = 0;
        std::uint8_t family = 0, proto = 0;
        friend bool operator==(const Key&, const Key&) = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& k) const noexcept;
    };
    struct Range { std::uint32_t from, to; };
    struct Datagram {
        std::vector<std::uint8_t> header;   // from the fragment at offset 0
        std::vector<std::uint8_t> payload;
        std::vector<Range> have;
        std::uint32_t total = 0;            // known once the last fragment came
        bool have_last = false, have_first = false;
        std::uint32_t nh_offset = 0;        // IPv6: where to write the next header
        std::uint8_t nh = 0;
        Timestamp last;
        std::list<Key>::iterator pos;       // in order_
    };
    void drop(std::unordered_map<Key, Datagram, KeyHash>::iterator it);

    DefragConfig cfg_;
    std::unordered_map<Key, Datagram, KeyHash> map_;
    // Datagrams from least to most recently added to: when the table is full
    // the front one is given up in O(1); a scan for the stalest cost
    // max_datagrams per new datagram (a million first fragments that never
    // complete took minutes).
    std::list<Key> order_;
    std::size_t bytes_ = 0;
    std::size_t payload_offset_ = 0;
    DefragStats stats_;
};

}  // namespace netdx
