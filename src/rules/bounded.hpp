#pragma once
// A map whose entries come out of the analysis memory budget
// (rules/state_budget.hpp): state kept per address or per conversation must
// stay bounded, so when the budget is spent new keys are refused and counted
// (the report names the table, the refusals and what may be missing) rather
// than growing without bound. A map built while no budget is current (a
// rule constructed on its own, a temporary copy) keeps the fixed cap `Cap`.
#include <cstdint>
#include <map>
#include <string_view>

#include "rules/state_budget.hpp"

namespace netdx {

template <typename K, typename V, std::size_t Cap = 65536>
class BoundedMap {
public:
    // name: the table as the report names it; missing: what findings lack when it is full.
    explicit BoundedMap(std::string_view name = "rule state", std::string_view missing = "findings about further keys")
        : budget_(StateBudget::current()) {
        account_.name = name;
        account_.missing = missing;
        if (budget_) budget_->add(&account_);
    }
    ~BoundedMap() {
        if (budget_) budget_->give(kEntryBytes * map_.size());
    }
    // A copy is a scratch table (finish() working on a snapshot): no budget, no cap.
    BoundedMap(const BoundedMap& o) : map_(o.map_), account_(o.account_), unbounded_(true) {}
    BoundedMap& operator=(const BoundedMap&) = delete;

    // The entry for k, created if there is room; null when the table is full.
    V* get(const K& k) {
        auto it = map_.find(k);
        if (it != map_.end()) return &it->second;
        if (!unbounded_ && (budget_ ? !budget_->take(kEntryBytes) : map_.size() >= Cap)) {
            ++account_.refused;
            return nullptr;
        }
        V* v = &map_[k];
        account_.entries = map_.size();
        if (account_.entries > account_.peak) account_.peak = account_.entries;
        return v;
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
    void erase(const K& k) { released(map_.erase(k)); }
    auto begin() { return map_.begin(); }
    auto end() { return map_.end(); }
    auto begin() const { return map_.begin(); }
    auto end() const { return map_.end(); }
    [[nodiscard]] std::size_t size() const { return map_.size(); }
    [[nodiscard]] std::uint64_t dropped() const { return account_.refused; }
    template <typename Pred>
    void erase_if(Pred p) { released(std::erase_if(map_, p)); }

    // Estimated bytes of one entry: the tree node with key and value, and as
    // much again for what the value allocates (evidence frames, small sets).
    static constexpr std::uint64_t kEntryBytes = 2 * (sizeof(K) + sizeof(V)) + 48;

private:
    void released(std::size_t n) {
        account_.entries = map_.size();
        if (budget_ && !unbounded_) budget_->give(kEntryBytes * n);
    }

    std::map<K, V> map_;
    StateBudget* budget_ = nullptr;
    StateBudget::Account account_;
    bool unbounded_ = false;
};

}  // namespace netdx
