#pragma once
// DNS over TCP from reassembled streams: cuts each direction of a TCP flow
// into length-prefixed messages (RFC 1035 4.2.2: a message may be split over
// segments, and a segment may hold several messages) and hands them to the
// DnsTracker. One framer per direction; memory is one partial message at most.
#include <cstdint>
#include <memory>
#include <type_traits>
#include <vector>

#include "core/cursor.hpp"
#include "flow/reassembly.hpp"

namespace netdx {

class DnsTracker;
struct Flow;

// Splits one direction of a stream into DNS messages.
class DnsTcpFramer {
public:
    // Calls fn(message bytes without the prefix) for every complete message,
    // or fn(message, split) when fn takes whether the message came in pieces.
    template <typename Fn>
    void feed(Bytes data, Fn&& fn);
    // `len` bytes were lost: the message in progress is gone, and where the
    // next one starts is unknown until data that starts like a message.
    void gap(std::uint64_t len);

    [[nodiscard]] bool in_sync() const { return in_sync_; }
    [[nodiscard]] std::size_t buffered() const { return buf_.size(); }
    [[nodiscard]] std::uint64_t skipped() const { return skipped_; }  // bytes dropped while out of sync

private:
    template <typename Fn>
    static void deliver(Fn& fn, Bytes msg, bool split) {
        if constexpr (std::is_invocable_v<Fn&, Bytes, bool>) fn(msg, split);
        else fn(msg);
    }

    std::vector<std::uint8_t> buf_;  // the partial message, prefix included
    bool in_sync_ = true;
    std::uint64_t skipped_ = 0;
};

// Whether `data` plausibly starts a length-prefixed DNS message (used to find
// the next message after a gap): a length of at least a header, and a header
// with at most a few questions and opcode not reserved.
bool looks_like_dns_tcp_start(Bytes data);

// The stream consumer for a DNS-over-TCP flow. Messages are stamped with the
// frame and time of the packet the tracker saw last (call tracker.on_packet
// before the flow engine processes it).
//  - port 53: the DNS consumer (`other` is dropped);
//  - port 5353/5355, or 137 (NetBIOS names): `other` (no DNS tracking);
//  - any other port: a consumer that waits for the originator's first message
//    (at most kDnsSniffMax bytes buffered) and, when it passes
//    looks_like_dns_tcp_query (dns/dns_heuristic.hpp), treats the flow as DNS
//    both ways; otherwise everything goes to `other` (or nowhere when null).
//    Data from the responder first, a gap, or the flow closing decides "not DNS".
// Null only for a non-TCP or non-IP flow without `other`.
std::unique_ptr<StreamConsumer> make_dns_stream_consumer(DnsTracker& tracker, const Flow& flow,
                                                         std::unique_ptr<StreamConsumer> other = nullptr);

// The longest first message the detection on other ports waits for.
inline constexpr std::size_t kDnsSniffMax = 1024;

template <typename Fn>
void DnsTcpFramer::feed(Bytes data, Fn&& fn) {
    if (!in_sync_) {
        // Resynchronise only at the start of a delivered chunk (a segment
        // boundary, where a sender usually starts a message).
        if (!looks_like_dns_tcp_start(data)) {
            skipped_ += data.size();
            return;
        }
        in_sync_ = true;
    }
    while (!data.empty()) {
        if (buf_.empty() && data.size() >= 2) {
            // Whole messages straight from the segment, without copying.
            const std::size_t len = load_be16(data.data());
            if (data.size() - 2 >= len) {
                deliver(fn, data.subspan(2, len), false);
                data = data.subspan(2 + len);
                continue;
            }
        }
        const std::size_t want = buf_.size() < 2 ? 2 : 2 + load_be16(buf_.data());
        const std::size_t take = std::min(want - buf_.size(), data.size());
        buf_.insert(buf_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(take));
        data = data.subspan(take);
        if (buf_.size() >= 2 && buf_.size() == 2u + load_be16(buf_.data())) {
            deliver(fn, Bytes(buf_.data() + 2, buf_.size() - 2), true);
            buf_.clear();
        }
    }
}

}  // namespace netdx
