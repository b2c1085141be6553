#pragma once
// For `netdx packets`: the DNS-over-TCP messages that a frame's segment
// completes when a message was split across segments, so the frame can show
// them as tshark does (the stream reassembly delivers them while the flow
// engine processes the frame). A message whole in its segment is dissected in
// place by decode.cpp and costs nothing here.
#include <cstdint>
#include <memory>
#include <vector>

#include "core/cursor.hpp"
#include "flow/reassembly.hpp"

namespace netdx {

struct Flow;

class DnsTcpPdus {
public:
    // TCP ports whose streams carry DNS (53 unless told otherwise).
    explicit DnsTcpPdus(std::vector<std::uint16_t> ports = {53}) : ports_(std::move(ports)) {}

    // Call before the flow engine processes each frame.
    void begin_frame() {
        out_.clear();
        split_ = false;
    }
    // The messages, length prefixes included, completed in this frame from
    // the first split one on; empty when none was split.
    [[nodiscard]] Bytes completed() const { return split_ ? Bytes{out_.data(), out_.size()} : Bytes{}; }

    // A consumer for the flow's streams, or null when no port carries DNS.
    std::unique_ptr<StreamConsumer> consumer_for(const Flow& flow);

    // Called by the consumer for every message it cuts.
    void on_message(Bytes msg, bool split);

private:
    std::vector<std::uint16_t> ports_;
    std::vector<std::uint8_t> out_;
    bool split_ = false;
};

}  // namespace netdx
