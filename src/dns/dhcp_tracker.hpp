#pragma once
// Groups DHCPv4 messages into exchanges by (transaction id, client hardware
// address) and DHCPv6 messages by client DUID, and emits DhcpExchange /
// Dhcpv6Exchange events (src/events/dhcp_events.hpp).
//
// Capture time only. A finished exchange (ACK, NAK, Reply) lingers briefly so
// a late OFFER from a second server still lands in it; one that stops
// without an answer is emitted after `timeout` seconds of silence (DHCP
// clients retransmit with the same xid, which keeps it open) or at the end
// of the capture. The table is capped; the oldest entry is evicted and
// emitted with outcome Evicted.
#include <array>
#include <cstdint>
#include <list>
#include <map>
#include <string>
#include <utility>

#include "core/packet.hpp"
#include "events/dhcp_events.hpp"

namespace netdx {

struct DhcpTrackerOptions {
    double timeout = 15.0;
    double linger = 2.0;
    std::size_t max_pending = 4096;
};

class DhcpTracker {
public:
    explicit DhcpTracker(DhcpEventSink& sink, DhcpTrackerOptions opts = {});

    void on_packet(const Packet& pkt);
    void advance(Timestamp now);
    void finish();
    // The input file whose frame numbers the exchanges emitted from now carry.
    void set_file(std::uint32_t file) { file_ = file; }

    [[nodiscard]] const DhcpTrackerStats& stats() const { return stats_; }
    [[nodiscard]] std::size_t pending() const { return v4_.size() + v6_.size(); }

private:
    using V4Key = std::pair<std::uint32_t, std::array<std::uint8_t, 6>>;
    struct V4Entry {
        DhcpExchange ex;
        bool done = false;
        Timestamp done_ts;
        std::list<V4Key>::iterator order;
    };
    struct V6Entry {
        Dhcpv6Exchange ex;
        bool done = false;
        Timestamp done_ts;
        std::list<std::string>::iterator order;
    };

    void on_v4(const Packet& pkt, Bytes m);
    void on_v6(const Packet& pkt, Bytes m);
    void emit_v4(std::map<V4Key, V4Entry>::iterator it, bool timed_out);
    void emit_v6(std::map<std::string, V6Entry>::iterator it);
    void make_room();

    DhcpEventSink& sink_;
    std::uint32_t file_ = 0;
    DhcpTrackerOptions opts_;
    DhcpTrackerStats stats_;
    std::map<V4Key, V4Entry> v4_;
    std::list<V4Key> v4_order_;
    std::map<std::string, V6Entry> v6_;
    std::list<std::string> v6_order_;
    Timestamp now_;
    Timestamp next_sweep_;
};

}  // namespace netdx
