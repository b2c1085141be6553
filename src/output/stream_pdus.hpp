#pragma once
// For `netdx packets`: the application PDUs (HTTP messages so far) that each
// frame's TCP segment completes, cut by the same stream parser the analysis
// uses (dissectors/http/http_stream.hpp) over the flow engine's reassembled
// streams. tshark shows a PDU on the frame carrying its last byte, and the
// frames carrying its earlier bytes as TCP ("[TCP segment of a reassembled
// PDU]"); cmd_packets builds that view from what this records per frame.
#include <cstdint>
#include <memory>
#include <vector>

#include "core/cursor.hpp"
#include "core/proto.hpp"
#include "flow/reassembly.hpp"

namespace netdx {

struct Flow;

class StreamPdus {
public:
    // Call before the flow engine processes each frame.
    void begin_frame() {
        out_.clear();
        sizes_.clear();
        proto_ = Proto::None;
        delivered_ = in_pdu_ = unparsed_ = false;
        partial_head_ = {};
    }
    // A consumer for a TCP flow whose port (or first bytes) says HTTP, else null.
    std::unique_ptr<StreamConsumer> consumer_for(const Flow& flow);

    // What the frame just processed did:
    [[nodiscard]] Proto proto() const { return proto_; }
    // Bytes of one of these streams were delivered in it.
    [[nodiscard]] bool delivered() const { return delivered_; }
    // Some went into a PDU it did not complete.
    [[nodiscard]] bool in_pdu() const { return in_pdu_; }
    // Its bytes reached a stream the parser has not found a message in yet
    // (picked up mid-way, or not the protocol at all).
    [[nodiscard]] bool unparsed() const { return unparsed_; }
    // The HTTP message so far when tshark's HTTP dissector saw this frame
    // (it shows the message's start line); empty otherwise.
    [[nodiscard]] Bytes partial_head() const { return partial_head_; }
    // The PDUs it completed, back to back, and their sizes.
    [[nodiscard]] Bytes completed() const { return {out_.data(), out_.size()}; }
    [[nodiscard]] const std::vector<std::uint32_t>& sizes() const { return sizes_; }

    // Called by the consumers.
    void on_delivered(Proto p) {
        proto_ = p;
        delivered_ = true;
    }
    void on_unparsed() { unparsed_ = true; }
    void on_partial(Bytes head = {}) {
        in_pdu_ = true;
        partial_head_ = head;
    }
    void on_pdu(Bytes head, Bytes tail);

private:
    std::vector<std::uint8_t> out_;
    std::vector<std::uint32_t> sizes_;
    Proto proto_ = Proto::None;
    Bytes partial_head_;
    bool delivered_ = false, in_pdu_ = false, unparsed_ = false;
};

}  // namespace netdx
