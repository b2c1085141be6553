#include "output/follow_stream.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/packet.hpp"
#include "flow/tcp_analysis.hpp"

namespace netdx {

// Forwards every delivery to the flow's own consumer (if any) and records it.
// The flow owns this object and may end before the run does, so the records
// go to the FollowStream, which outlives it.
class FollowTap final : public StreamConsumer {
public:
    FollowTap(FollowStream& to, std::unique_ptr<StreamConsumer> inner) : to_(to), inner_(std::move(inner)) {}
    void on_data(int dir, Bytes data) override {
        to_.add(dir, data);
        if (inner_) inner_->on_data(dir, data);
    }
    void on_gap(int dir, std::uint64_t len) override {
        to_.missing(dir, len);
        if (inner_) inner_->on_gap(dir, len);
    }
    void on_overlap(int dir, std::uint64_t len, bool differs) override {
        if (inner_) inner_->on_overlap(dir, len, differs);
    }
    void on_close(EndReason why) override {
        if (inner_) inner_->on_close(why);
    }

private:
    FollowStream& to_;
    std::unique_ptr<StreamConsumer> inner_;
};

void FollowStream::see_packet(const Packet& p, int dir) {
    // Bytes the snapshot length cut off are a gap to the reassembler; tshark
    // shows the captured part and moves on without a marker.
    TcpSegment seg;
    if (tcp_segment_from_packet(p, seg) && seg.len > p.net.payload_length) {
        const std::uint64_t cut = seg.len - p.net.payload_length;
        missing_[dir] -= std::min(missing_[dir], cut);
    }
    if (seen_) return;
    seen_ = true;
    node0_dir_ = dir;
    nodes_[0] = {p.net.src, p.net.src_port};
    nodes_[1] = {p.net.dst, p.net.dst_port};
}

std::unique_ptr<StreamConsumer> FollowStream::tap(std::unique_ptr<StreamConsumer> inner) {
    return std::make_unique<FollowTap>(*this, std::move(inner));
}

void FollowStream::add(int dir, Bytes data) {
    if (missing_[dir]) {
        const std::string text = fmt::format("[{} bytes missing in capture file]", missing_[dir]);
        FollowChunk c{dir != node0_dir_, std::vector<std::uint8_t>(text.begin(), text.end())};
        c.bytes.push_back(0);
        chunks_.push_back(std::move(c));
        missing_[dir] = 0;
    }
    chunks_.push_back({dir != node0_dir_, std::vector<std::uint8_t>(data.begin(), data.end())});
}

// tshark's marker for bytes the receiver acknowledged but the capture lacks
// is the text with its terminating NUL (shown as a dot); it is written when
// the next data of that side arrives (add).
void FollowStream::missing(int dir, std::uint64_t len) { missing_[dir] += len; }

std::string FollowStream::render() const { return format_follow(spec_, nodes_[0], nodes_[1], chunks_); }

}  // namespace netdx
