#pragma once
// The memory budget of the analysis state (`netdx analyze --memory MB`).
// Every table of rule and tracker state draws its entries from one budget
// instead of a small fixed count each: a busy capture's big tables (host
// pairs, connections) can grow while the others stay small. When the budget
// is spent, new keys are refused and counted per table, and the report names
// the table, how many entries it refused and which findings may be missing.
//
// Entry sizes are estimates (node, key and value sizes plus a share for the
// value's own allocations), so the budget bounds the state roughly, not to
// the byte; the benchmark's peak RSS is the measured check.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace netdx {

// One table's account, as the report shows it.
struct TableLimit {
    std::string table;    // "tcp.retransmissions/dup_ack_burst/...: host pairs"
    std::string missing;  // what the findings may lack when it refused entries
    std::uint64_t refused = 0;
    std::uint64_t entries = 0, peak = 0;
};

class StateBudget {
public:
    static constexpr std::uint64_t kDefaultMb = 256;
    explicit StateBudget(std::uint64_t bytes = kDefaultMb << 20) : limit_(bytes) {}

    // Accounts n more bytes; false (nothing taken) when that would exceed the budget.
    bool take(std::uint64_t n) {
        if (used_ + n > limit_) return false;
        used_ += n;
        if (used_ > peak_) peak_ = used_;
        return true;
    }
    void give(std::uint64_t n) { used_ = n > used_ ? 0 : used_ - n; }
    [[nodiscard]] std::uint64_t used() const { return used_; }
    [[nodiscard]] std::uint64_t peak() const { return peak_; }
    [[nodiscard]] std::uint64_t limit() const { return limit_; }

    // Tables register themselves (BoundedMap's constructor) with the budget
    // that is current while their owner is built (Engine's constructor sets it).
    struct Account {
        std::string_view name, missing;
        std::uint64_t refused = 0, entries = 0, peak = 0;
    };
    void add(Account* a) { accounts_.push_back(a); }
    // The tables that refused entries, most refusals first.
    [[nodiscard]] std::vector<TableLimit> limits() const;

    // The budget new tables attach to (null: tables keep their fixed caps).
    static StateBudget*& current() {
        thread_local StateBudget* b = nullptr;
        return b;
    }
    // Makes `b` current for the lifetime of the guard.
    struct Use {
        explicit Use(StateBudget* b) : prev(current()) { current() = b; }
        ~Use() { current() = prev; }
        Use(const Use&) = delete;
        Use& operator=(const Use&) = delete;
        StateBudget* prev;
    };

private:
    std::uint64_t limit_, used_ = 0, peak_ = 0;
    std::vector<Account*> accounts_;
};

}  // namespace netdx
