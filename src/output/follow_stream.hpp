#pragma once
// Collects one TCP stream's reassembled bytes for `-z follow,tcp,...`. The
// flow layer's StreamReassembler feeds it (retransmitted bytes never come
// twice); it keeps each delivery as a chunk, as tshark groups them.
#include <memory>
#include <vector>

#include "flow/reassembly.hpp"
#include "output/follow_format.hpp"

namespace netdx {

struct Packet;

class FollowStream {
public:
    explicit FollowStream(FollowSpec spec) : spec_(spec) {}

    [[nodiscard]] const FollowSpec& spec() const { return spec_; }
    // Every packet of the stream, in order, after the flow stage took it: the
    // first names Node 0 (its source) and Node 1, as tshark's do. dir is the
    // flow direction.
    void see_packet(const Packet& p, int dir);
    // The stream's bytes, both directions; wraps the consumer the flow
    // already had (may be null) so both see the same deliveries.
    std::unique_ptr<StreamConsumer> tap(std::unique_ptr<StreamConsumer> inner);
    [[nodiscard]] bool seen() const { return seen_; }
    [[nodiscard]] std::string render() const;

private:
    friend class FollowTap;
    void add(int dir, Bytes data);
    void missing(int dir, std::uint64_t len);

    FollowSpec spec_;
    bool seen_ = false;
    int node0_dir_ = 0;
    // Bytes declared missing and not yet shown, per flow direction: tshark
    // shows the marker only when later data of that side joins the stream,
    // as one marker for the whole hole, and none for a hole at the end.
    std::uint64_t missing_[2] = {0, 0};
    FollowNode nodes_[2];
    std::vector<FollowChunk> chunks_;
};

}  // namespace netdx
