#include "flow/flow_table.hpp"

#include <stdexcept>

namespace netdx {

double seconds_between(const Timestamp& later, const Timestamp& earlier) {
    return static_cast<double>(later.sec - earlier.sec) + (static_cast<double>(later.nsec) - earlier.nsec) * 1e-9;
}

FlowTable::FlowTable(FlowTableConfig cfg) : cfg_(cfg) {
    if (cfg_.max_flows == 0) throw std::invalid_argument("flow table needs room for at least one flow");
    for (int c = 0; c < kClasses; ++c) head_[c] = tail_[c] = kNil;
}

int FlowTable::class_of(const Flow& f) const {
    switch (f.state) {
        case FlowState::Attempt:
        case FlowState::Rejected: return 0;
        case FlowState::Handshake:
        case FlowState::Established:
        case FlowState::MidStream:
        case FlowState::Closing: return 1;
        case FlowState::Closed:
        case FlowState::Reset: return 2;
        case FlowState::Active: return f.key.proto == 17 && f.key.family != 0 ? 3 : 4;
    }
    return 4;
}

double FlowTable::timeout_of(int cls) const {
    const FlowTimeouts& t = cfg_.timeouts;
    switch (cls) {
        case 0: return t.attempt;
        case 1: return t.established;
        case 2: return t.closed;
        case 3: return t.udp;
        default: return t.other;
    }
}

void FlowTable::link(std::uint32_t i, int cls) {
    Flow& f = at(i);
    f.lru_class = static_cast<std::uint8_t>(cls);
    f.lru_prev = kNil;
    f.lru_next = head_[cls];
    if (head_[cls] != kNil) at(head_[cls]).lru_prev = i;
    head_[cls] = i;
    if (tail_[cls] == kNil) tail_[cls] = i;
}

void FlowTable::unlink(std::uint32_t i) {
    Flow& f = at(i);
    const int cls = f.lru_class;
    if (f.lru_prev != kNil) at(f.lru_prev).lru_next = f.lru_next;
    else head_[cls] = f.lru_next;
    if (f.lru_next != kNil) at(f.lru_next).lru_prev = f.lru_prev;
    else tail_[cls] = f.lru_prev;
}

void FlowTable::release(std::uint32_t i, EndReason why, bool override_reason) {
    Flow& f = at(i);
    if (override_reason || f.end == EndReason::Open) f.end = why;
    unlink(i);
    index_.erase(flow_key_hash(f.key), i);
    if (f.streams) f.streams->close(f.end);
    if (on_end_) on_end_(f);
    f = Flow{};
    free_.push_back(i);
}

Flow& FlowTable::get(const FlowKey& key, const Timestamp& now, bool& created) {
    const std::uint32_t hash = flow_key_hash(key);
    if (const std::uint32_t slot = index_.find(key, hash, [this](std::uint32_t s) -> const FlowKey& { return at(s).key; });
        slot != FlowIndex::kNone) {
        created = false;
        return at(slot);
    }
    if (free_.empty() && pool_size_ < cfg_.max_flows) {
        if (pool_size_ % kChunkFlows == 0) chunks_.push_back(std::make_unique<Flow[]>(kChunkFlows));
        free_.push_back(pool_size_++);
    }
    if (free_.empty()) {
        // Full: evict the least recently active flow, preferring flows already
        // closed, then unanswered attempts, then the oldest of the rest.
        std::uint32_t victim = tail_[2] != kNil ? tail_[2] : tail_[0];
        if (victim == kNil)
            for (int c : {1, 3, 4})
                if (tail_[c] != kNil && (victim == kNil || seconds_between(at(victim).last, at(tail_[c]).last) > 0))
                    victim = tail_[c];
        ++stats_.evicted;
        release(victim, EndReason::Evicted, true);
    }
    const std::uint32_t i = free_.back();
    free_.pop_back();
    Flow& f = at(i);  // already reset by release(), or new
    f.slot = i;
    f.key = key;
    f.id = stats_.created++;
    f.first = f.last = now;
    f.live = true;
    index_.insert(hash, i);
    link(i, class_of(f));
    if (index_.size() > stats_.peak_live) stats_.peak_live = index_.size();
    created = true;
    return f;
}

void FlowTable::touch(Flow& f, const Timestamp& now) {
    const std::uint32_t i = index_of(f);
    f.last = now;
    const int cls = class_of(f);
    if (head_[cls] == i) return;  // already the freshest of its class
    unlink(i);
    link(i, cls);
}

void FlowTable::expire(const Timestamp& now) {
    for (int c = 0; c < kClasses; ++c) {
        const double limit = timeout_of(c);
        while (tail_[c] != kNil) {
            Flow& f = at(tail_[c]);
            if (seconds_between(now, f.last) <= limit) break;
            ++stats_.timed_out;
            const bool attempt = f.state == FlowState::Attempt;
            release(tail_[c], attempt ? EndReason::NoAnswer : EndReason::TimedOut, false);
        }
    }
}

void FlowTable::end(Flow& f, EndReason why) { release(index_of(f), why, false); }

void FlowTable::end_all() {
    for (int c = 0; c < kClasses; ++c)
        while (tail_[c] != kNil) release(tail_[c], EndReason::Open, false);
}

}  // namespace netdx
