#pragma once
// A bounded conversation table for the flows view: canonical address/port
// pairs, per-direction counters, a Zeek-style history and a simple TCP
// retransmission count and handshake RTT. It is the TUI's own until the
// project's flow table (src/flow) offers the same facts; memory is capped and
// the least recently active conversation leaves first.
#include <cstdint>
#include <list>
#include <unordered_map>
#include <vector>

#include "core/packet.hpp"
#include "tui/snapshot.hpp"

namespace netdx::tui {

class Conversations {
public:
    explicit Conversations(std::size_t max_entries) : max_(max_entries) {}
    // Accounts a decoded packet; returns its conversation id (0: none).
    std::uint64_t add(const Packet& pkt);
    // Copies the table into `out`.
    void snapshot(std::vector<ConvRow>& out);
    std::uint64_t live(const Timestamp& now) const;
    std::uint64_t total() const { return next_id_ - 1; }
    std::uint64_t evicted() const { return evicted_; }

private:
    struct Key {
        std::array<std::uint8_t, 16> a{}, b{};
        std::uint16_t pa = 0, pb = 0;
        std::uint8_t family = 0, proto = 0;
        friend bool operator==(const Key&, const Key&) = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& k) const noexcept;
    };
    struct Dir {
        std::uint32_t max_end = 0;  // highest seq+len seen
        bool seq_known = false;
    };
    struct Entry {
        ConvRow row;
        Dir dir[2];
        Timestamp syn_ts;
        bool syn_seen = false, synack_seen = false;
        bool fin[2] = {false, false};
        std::list<Key>::iterator lru;
    };
    void note_history(Entry& e, int side, char letter);
    void tcp(Entry& e, int side, const Packet& pkt);

    std::size_t max_;
    std::unordered_map<Key, Entry, KeyHash> table_;
    std::list<Key> lru_;  // front: most recently active
    std::uint64_t next_id_ = 1;
    std::uint64_t evicted_ = 0;
};

}  // namespace netdx::tui
