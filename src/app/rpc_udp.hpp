#pragma once
// ONC RPC over UDP for the analysis: each datagram on a port bound to RPC
// (111, 2049, or -d) is one message; calls are paired with replies by xid per
// client and server endpoint. A call not answered within kMaxWait seconds of
// capture time is unanswered (UDP clients resend with the same xid; a resend
// answered counts as the first call answered); at the capture's end, so is
// one made over kEndGrace seconds before it (an NFS client over UDP resends
// after 1.1 s: 5 s is several resends unanswered).
#include "app/rpc_pairing.hpp"

namespace netdx {

class RpcUdpTracker {
public:
    static constexpr double kMaxWait = 30.0;
    static constexpr double kEndGrace = 5.0;

    explicit RpcUdpTracker(const EventBus& bus) : pairing_(bus) {}
    void on_packet(const Packet& pkt, const AppClock& clock);
    void finish() { pairing_.finish_at(last_ts_, kEndGrace); }
    [[nodiscard]] std::uint64_t evicted() const { return pairing_.evicted(); }

private:
    RpcPairing pairing_;
    double last_ts_ = 0;
};

}  // namespace netdx
