#include "output/follow_stream.hpp"

#include <fmt/format.h>

#include "core/packet.hpp"

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
    chunks_.push_back({dir != node0_dir_, std::vector<std::uint8_t>(data.begin(), data.end())});
}

// tshark's marker for bytes the receiver acknowledged but the capture lacks:
// the text with its terminating NUL (shown as a dot).
void FollowStream::missing(int dir, std::uint64_t len) {
    const std::string text = fmt::format("[{} bytes missing in capture file]", len);
    FollowChunk c{dir != node0_dir_, std::vector<std::uint8_t>(text.begin(), text.end())};
    c.bytes.push_back(0);
    chunks_.push_back(std::move(c));
}

std::string FollowStream::render() const { return format_follow(spec_, nodes_[0], nodes_[1], chunks_); }

}  // namespace netdx
