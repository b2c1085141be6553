#pragma once
// Per-direction TCP stream reassembly for the application dissectors (Zeek's
// Reassembler is the model). A consumer sees, per direction, in order:
// on_data(bytes) for contiguous data, on_gap(n) for n bytes that will never
// come (lost in the capture, or given up on at a bound), and on_close once.
// Out-of-order data waits in a bounded buffer; a gap is declared instead of
// waiting when the peer acknowledges past the hole, when a bound is hit, or
// when the flow ends, so nothing waits forever.
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "core/cursor.hpp"

namespace netdx {

enum class EndReason : std::uint8_t;

class StreamConsumer {
public:
    virtual ~StreamConsumer() = default;
    // dir: 0 originator to responder, 1 the reverse.
    virtual void on_data(int dir, Bytes data) = 0;
    virtual void on_gap(int dir, std::uint64_t len) = 0;
    // Bytes that arrived again; `differs` when they disagree with what was
    // already buffered (only known for data not yet delivered).
    virtual void on_overlap(int /*dir*/, std::uint64_t /*len*/, bool /*differs*/) {}
    virtual void on_close(EndReason why) = 0;
};

// Shared across all streams: the total bytes buffered out of order.
struct ReassemblyBudget {
    std::size_t per_direction = 256 * 1024;
    std::size_t total = 64 * 1024 * 1024;
    std::size_t used = 0;
    std::uint64_t limit_hits = 0;
};

struct StreamStats {
    std::uint64_t delivered = 0;
    std::uint64_t gaps = 0, gap_bytes = 0;
    std::uint64_t overlaps = 0, overlap_bytes = 0, conflicting_overlaps = 0;
    std::uint64_t limit_hits = 0;
    const char* limit_reason = nullptr;  // why data was given up, when it was
};

class StreamReassembler {
public:
    StreamReassembler() = default;
    explicit StreamReassembler(ReassemblyBudget* budget) : budget_(budget) {}
    ~StreamReassembler();
    StreamReassembler(const StreamReassembler&) = delete;
    StreamReassembler& operator=(const StreamReassembler&) = delete;

    // seq of the first data byte (ISN + 1 after a SYN). Without it, the first
    // segment seen starts the stream.
    void start(std::uint32_t first_seq);
    void segment(std::uint32_t seq, Bytes data, StreamConsumer& c, int dir);
    // The peer acknowledged everything before `ack`: holes below it are gaps.
    void ack(std::uint32_t ack, StreamConsumer& c, int dir);
    // A FIN at `seq` (after the segment's data): it takes a sequence number
    // but carries no byte, so the ACK of it is not a hole.
    void fin(std::uint32_t seq);
    // End of stream: deliver what is buffered, declaring the holes as gaps.
    void flush(StreamConsumer& c, int dir);

    [[nodiscard]] const StreamStats& stats() const { return stats_; }
    [[nodiscard]] std::size_t buffered() const { return pending_bytes_; }
    [[nodiscard]] std::uint64_t next_offset() const { return next_; }

private:
    std::uint64_t offset_of(std::uint32_t seq);
    void insert_pending(std::uint64_t off, Bytes data, StreamConsumer& c, int dir);
    void drain(StreamConsumer& c, int dir);
    void gap_to(std::uint64_t off, StreamConsumer& c, int dir);
    void release(std::size_t n);
    bool reserve(std::size_t n);

    ReassemblyBudget* budget_ = nullptr;
    bool started_ = false;
    std::uint32_t base_seq_ = 0;      // seq of offset 0
    std::uint32_t last_seq_ = 0;      // for unwrapping 32-bit seqs
    std::uint64_t last_off_ = 0;
    std::uint64_t next_ = 0;          // offset of the next byte to deliver
    std::uint64_t fin_off_ = ~0ull;   // offset of the FIN, when seen
    std::map<std::uint64_t, std::vector<std::uint8_t>> pending_;
    std::size_t pending_bytes_ = 0;
    StreamStats stats_;
};

// Both directions of one flow plus the consumer they feed.
class FlowStreams {
public:
    FlowStreams(std::unique_ptr<StreamConsumer> consumer, ReassemblyBudget* budget)
        : consumer_(std::move(consumer)), dir_{StreamReassembler(budget), StreamReassembler(budget)} {}
    StreamReassembler& dir(int d) { return dir_[d]; }
    StreamConsumer& consumer() { return *consumer_; }
    void close(EndReason why);

private:
    std::unique_ptr<StreamConsumer> consumer_;
    StreamReassembler dir_[2];
    bool closed_ = false;
};

}  // namespace netdx
