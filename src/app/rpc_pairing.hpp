#pragma once
// ONC RPC calls waiting for their replies, paired by xid per client and
// server endpoint (RFC 5531 section 9: the xid matches a reply to its call
// for one client). Shared by the TCP consumer (one per flow) and the UDP
// tracker (one for all datagrams). Bounded: at most kMaxPending calls wait;
// the oldest is published as unanswered to make room; a resent call (same
// xid, UDP retransmission) keeps the first one's time.
#include <deque>
#include <map>
#include <tuple>

#include "app/app_stream.hpp"
#include "dissectors/rpc/rpc_stream.hpp"
#include "events/rpc_events.hpp"

namespace netdx {

class RpcPairing {
public:
    static constexpr std::size_t kMaxPending = 4096;

    explicit RpcPairing(const EventBus& bus) : bus_(bus) {}
    // A message from `client` to `server` (a call) or back (a reply).
    void message(const RpcHeader& h, const AppEndpoints& ep, bool tcp, const AppClock& clock);
    // Calls older than `max_wait` seconds at `now` are unanswered.
    void expire(double now, double max_wait);
    // Every waiting call is unanswered; `at_capture_end`: the capture ended
    // with its flow still open.
    void finish(bool at_capture_end);
    // The capture ended at `end`: calls made over `grace` seconds before it
    // are unanswered, later ones are waiting at the capture's end.
    void finish_at(double end, double grace);
    [[nodiscard]] std::size_t pending() const { return calls_.size(); }
    [[nodiscard]] std::uint64_t evicted() const { return evicted_; }

private:
    using Key = std::tuple<IpAddress, std::uint16_t, IpAddress, std::uint16_t, std::uint32_t>;
    void unanswered(RpcCall& c, bool at_capture_end);

    const EventBus& bus_;
    std::map<Key, RpcCall> calls_;
    std::deque<std::pair<Key, double>> order_;  // call times, oldest first
    std::uint64_t evicted_ = 0;
};

}  // namespace netdx
