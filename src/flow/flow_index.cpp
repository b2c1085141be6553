#include "flow/flow_index.hpp"

#include <type_traits>

namespace netdx {

static_assert(sizeof(FlowKey) == 40 && std::has_unique_object_representations_v<FlowKey>,
              "flow_key_hash and same_flow_key read the key as five padding-free words");

std::uint32_t flow_key_hash(const FlowKey& k) {
    std::uint64_t w[5];
    std::memcpy(w, &k, sizeof w);
    // Multiply-xorshift per word (the finaliser of splitmix64 folded over the
    // words): addresses and ports that differ in one byte spread over all bits.
    std::uint64_t h = 0x9e3779b97f4a7c15ull;
    for (std::uint64_t x : w) {
        h = (h ^ x) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
    }
    h *= 0x94d049bb133111ebull;
    h ^= h >> 29;
    return static_cast<std::uint32_t>(h ^ (h >> 32));
}

FlowIndex::FlowIndex() : entries_(1024, Entry{0, kNone}), mask_(1023) {}

void FlowIndex::insert(std::uint32_t hash, std::uint32_t slot) {
    // At most half full keeps probe runs short.
    if ((size_ + 1) * 2 > entries_.size()) grow();
    std::size_t i = hash & mask_;
    while (entries_[i].slot != kNone) i = (i + 1) & mask_;
    entries_[i] = Entry{hash, slot};
    ++size_;
}

void FlowIndex::erase(std::uint32_t hash, std::uint32_t slot) {
    std::size_t i = hash & mask_;
    while (entries_[i].slot != slot) {
        if (entries_[i].slot == kNone) return;
        i = (i + 1) & mask_;
    }
    // Backward-shift deletion: pull later entries of the run into the hole
    // when their home position allows it, so no tombstones accumulate.
    std::size_t hole = i;
    for (std::size_t j = (i + 1) & mask_; entries_[j].slot != kNone; j = (j + 1) & mask_) {
        const std::size_t home = entries_[j].hash & mask_;
        // Movable when home is not in the cyclic range (hole, j].
        const bool movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
        if (movable) {
            entries_[hole] = entries_[j];
            hole = j;
        }
    }
    entries_[hole] = Entry{0, kNone};
    --size_;
}

void FlowIndex::grow() {
    std::vector<Entry> old(entries_.size() * 2, Entry{0, kNone});
    old.swap(entries_);
    mask_ = entries_.size() - 1;
    for (const Entry& e : old) {
        if (e.slot == kNone) continue;
        std::size_t i = e.hash & mask_;
        while (entries_[i].slot != kNone) i = (i + 1) & mask_;
        entries_[i] = e;
    }
}

}  // namespace netdx
