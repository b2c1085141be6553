#pragma once
// What is kept of a flow once it has left the table: exactly what the flows
// table and its JSON print. FlowRecord is the unpacked form (one at a time);
// FlowRecordStore keeps many of them packed (varints, deltas, counters only
// when non-zero), because without --top every ended flow stays until the
// table is sorted and printed, and a million SYN attempts must not cost a
// million full Flow copies.
#include <cstdint>
#include <memory>
#include <vector>

#include "flow/flow.hpp"

namespace netdx {

struct FlowRecord {
    FlowKey key;
    Side orig = Side::A;
    std::uint64_t id = 0;
    std::int64_t stream = -1;  // tcp.stream, -1 for non-TCP flows
    FlowDir dir[2];
    Timestamp first, last;
    FlowState state = FlowState::Active;
    EndReason end = EndReason::Open;
    char history[24]{};        // NUL-terminated
    double handshake_rtt = -1;
    std::uint32_t rtt_samples = 0;
    double rtt_sum = 0, rtt_min = 0, rtt_max = 0;
    std::uint32_t flag_counts[kTcpFlagCount]{};

    static FlowRecord of(const Flow& f);
    [[nodiscard]] std::uint64_t bytes() const { return dir[0].bytes + dir[1].bytes; }
    [[nodiscard]] std::uint64_t packets() const { return dir[0].packets + dir[1].packets; }
    [[nodiscard]] double duration() const;
    [[nodiscard]] std::uint64_t retrans() const {
        return std::uint64_t{flag_counts[0]} + flag_counts[1] + flag_counts[2];
    }
};

// Append-only packed records in fixed-size chunks (no reallocation copies).
// A SYN-only IPv4 flow takes about 45 bytes instead of ~300.
class FlowRecordStore {
public:
    using Ref = std::uint64_t;
    Ref add(const FlowRecord& r);
    [[nodiscard]] FlowRecord get(Ref ref) const;
    [[nodiscard]] std::size_t bytes_used() const { return chunks_.size() * kChunk; }

private:
    static constexpr std::size_t kChunk = 1u << 20;
    std::vector<std::unique_ptr<std::uint8_t[]>> chunks_;
    std::size_t used_ = kChunk;  // bytes used in the last chunk
};

}  // namespace netdx
