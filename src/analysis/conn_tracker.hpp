#pragma once
// Pairs each TCP SYN with what answered it (SYN-ACK, RST, an ICMP error, or
// nothing) and emits one ConnAttempt per attempt. Only attempts waiting for an
// answer are kept, in a capped table: memory follows the live attempts.
#include <functional>
#include <map>

#include "events/conn_events.hpp"
#include "events/packet_events.hpp"

namespace netdx {

class ConnTracker {
public:
    using Emit = std::function<void(const ConnAttempt&)>;
    // syn_timeout: a SYN with no answer for this long is unanswered.
    ConnTracker(double syn_timeout, Emit emit, std::size_t cap = 65536)
        : timeout_(syn_timeout), emit_(std::move(emit)), cap_(cap) {}

    void packet(const Packet& pkt, FrameRef where, const MacAddress* src_mac, const MacAddress* dst_mac);
    void icmp_error(const IcmpError& e);
    // End of input at time `now`: open attempts old enough (or retried) are unanswered.
    void finish(double now);

    [[nodiscard]] std::uint64_t dropped() const { return dropped_; }
    [[nodiscard]] std::size_t pending() const { return pending_.size(); }

private:
    struct Key {
        IpAddress client, server;
        std::uint16_t cport = 0, sport = 0;
        friend auto operator<=>(const Key&, const Key&) = default;
    };
    struct Pending {
        ConnAttempt a;
        double last_syn = 0;
    };
    void expire(double now);
    void close(std::map<Key, Pending>::iterator it, ConnAttempt::Outcome o, FrameRef where, double ts);

    double timeout_;
    Emit emit_;
    std::size_t cap_;
    std::map<Key, Pending> pending_;
    std::uint64_t dropped_ = 0;
    double next_expiry_ = 0;
};

}  // namespace netdx
