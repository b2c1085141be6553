#pragma once
// The live flows: an index from canonical key to a slot in a fixed pool,
// with one LRU list per timeout class so idle flows expire in order and the
// oldest flow is evicted when the table is full. Memory is bounded by
// max_flows, never by the number of packets; every flow that leaves the table
// goes through the end callback with its reason.
#include <functional>
#include <memory>
#include <vector>

#include "flow/flow.hpp"
#include "flow/flow_index.hpp"

namespace netdx {

struct FlowTimeouts {
    // Idle timeouts in seconds, per state class.
    double attempt = 30;      // SYN without answer, or rejected
    double established = 300; // TCP up or mid-stream
    double closed = 10;       // FIN from both sides or RST
    double udp = 60;
    double other = 60;        // ICMP and link-layer pseudo-flows
};

struct FlowTableConfig {
    std::size_t max_flows = 262144;
    FlowTimeouts timeouts;
    bool key_vlan = true;
};

struct FlowTableStats {
    std::uint64_t created = 0;
    std::uint64_t evicted = 0;
    std::uint64_t timed_out = 0;
    std::uint64_t peak_live = 0;
};

class FlowTable {
public:
    using EndFn = std::function<void(Flow&)>;

    explicit FlowTable(FlowTableConfig cfg = {});
    void on_end(EndFn fn) { on_end_ = std::move(fn); }

    // The flow of `key`, created when absent (evicting the oldest flow when
    // the table is full). `created` tells whether it is new.
    Flow& get(const FlowKey& key, const Timestamp& now, bool& created);
    // Marks activity (moves the flow to the fresh end of its LRU list).
    void touch(Flow& f, const Timestamp& now);
    // Ends flows idle longer than their timeout at `now`.
    void expire(const Timestamp& now);
    // Ends one flow now (e.g. its ports were reused) and frees its slot.
    void end(Flow& f, EndReason why);
    // Ends every live flow (end of capture): reason Open unless already set.
    void end_all();

    [[nodiscard]] std::size_t live() const { return index_.size(); }
    [[nodiscard]] const FlowTableStats& stats() const { return stats_; }
    [[nodiscard]] const FlowTableConfig& config() const { return cfg_; }

private:
    static constexpr std::uint32_t kNil = 0xffffffffu;
    static constexpr int kClasses = 5;
    int class_of(const Flow& f) const;
    double timeout_of(int cls) const;
    void link(std::uint32_t i, int cls);
    void unlink(std::uint32_t i);
    void release(std::uint32_t i, EndReason why, bool override_reason);
    static std::uint32_t index_of(const Flow& f) { return f.slot; }

    FlowTableConfig cfg_;
    EndFn on_end_;
    // The pool grows up to max_flows in chunks (addresses stay put; one
    // allocation per kChunkFlows flows instead of one per flow).
    static constexpr std::uint32_t kChunkFlows = 256;
    Flow& at(std::uint32_t i) { return chunks_[i / kChunkFlows][i % kChunkFlows]; }
    std::vector<std::unique_ptr<Flow[]>> chunks_;
    std::uint32_t pool_size_ = 0;
    std::vector<std::uint32_t> free_;
    FlowIndex index_;
    std::uint32_t head_[kClasses], tail_[kClasses];  // head: most recent
    FlowTableStats stats_;
};

double seconds_between(const Timestamp& later, const Timestamp& earlier);

}  // namespace netdx
