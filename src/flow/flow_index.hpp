#pragma once
// The live table's index: FlowKey -> pool slot, open addressing with linear
// probing. Each entry is 8 bytes (32 bits of hash, the slot), so a lookup
// touches one cache line and compares a key only when the hash bits agree;
// std::unordered_map allocated a node per flow and rehashed every node it
// walked past, which was a fifth of `netdx flows`' time (perf, bench capture).
// Keys live in the pool, not here: the caller hands find() a way to read them.
#include <cstdint>
#include <cstring>
#include <vector>

#include "flow/flow_key.hpp"

namespace netdx {

// Hash and equality over the whole 40-byte key as five 64-bit words (the key
// has no padding and unused address bytes are zero, see make_flow_key).
std::uint32_t flow_key_hash(const FlowKey& k);
inline bool same_flow_key(const FlowKey& x, const FlowKey& y) {
    std::uint64_t a[5], b[5];
    std::memcpy(a, &x, sizeof a);
    std::memcpy(b, &y, sizeof b);
    return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]) | (a[4] ^ b[4])) == 0;
}

class FlowIndex {
public:
    static constexpr std::uint32_t kNone = 0xffffffffu;

    FlowIndex();
    // The slot holding `key` (hash = flow_key_hash(key)), or kNone.
    // key_of(slot) returns the key stored in that slot.
    template <class KeyOf>
    [[nodiscard]] std::uint32_t find(const FlowKey& key, std::uint32_t hash, KeyOf&& key_of) const {
        for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
            const Entry& e = entries_[i];
            if (e.slot == kNone) return kNone;
            if (e.hash == hash && same_flow_key(key_of(e.slot), key)) return e.slot;
        }
    }
    // Adds a key known to be absent.
    void insert(std::uint32_t hash, std::uint32_t slot);
    // Removes the entry of `slot` (whose key hashes to `hash`).
    void erase(std::uint32_t hash, std::uint32_t slot);
    [[nodiscard]] std::size_t size() const { return size_; }

private:
    struct Entry {
        std::uint32_t hash;
        std::uint32_t slot;  // kNone: empty
    };
    void grow();

    std::vector<Entry> entries_;
    std::size_t mask_;
    std::size_t size_ = 0;
};

}  // namespace netdx
