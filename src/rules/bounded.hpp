#pragma once
// A map with a hard cap on its entries: state kept per address or per
// conversation must stay bounded by what is live, so when a table is full new
// keys are refused and counted (the engine reports the limit as a finding
// rather than growing without bound).
#include <cstdint>
#include <map>

namespace netdx {

template <typename K, typename V, std::size_t Cap = 65536>
class BoundedMap {
public:
    // The entry for k, created if there is room; null when the table is full.
    V* get(const K& k) {
        auto it = map_.find(k);
        if (it != map_.end()) return &it->second;
        if (map_.size() >= Cap) {
            ++dropped_;
            return nullptr;
        }
        return &map_[k];
    }
    // The entry for k when it exists (never creates one).
    V* find_mut(const K& k) {
        auto it = map_.find(k);
        return it == map_.end() ? nullptr : &it->second;
    }
    [[nodiscard]] const V* find(const K& k) const {
        auto it = map_.find(k);
        return it == map_.end() ? nullptr : &it->second;
    }
    void erase(const K& k) { map_.erase(k); }
    auto begin() { return map_.begin(); }
    auto end() { return map_.end(); }
    auto begin() const { return map_.begin(); }
    auto end() const { return map_.end(); }
    [[nodiscard]] std::size_t size() const { return map_.size(); }
    [[nodiscard]] std::uint64_t dropped() const { return dropped_; }
    template <typename Pred>
    void erase_if(Pred p) { std::erase_if(map_, p); }

private:
    std::map<K, V> map_;
    std::uint64_t dropped_ = 0;
};

}  // namespace netdx
