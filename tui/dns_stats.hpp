#pragma once
// DNS response times per resolver for the stats view: the project's DNS
// tracker pairs queries with responses (UDP and TCP), this keeps per server
// the query/answer counts and a bounded sample of latencies. Memory is
// capped: at most kMaxServers resolvers and LatencySample's bound each.
#include <cstdint>
#include <map>
#include <random>
#include <vector>

#include "dns/dns_tracker.hpp"
#include "tui/latency_sample.hpp"
#include "tui/snapshot.hpp"

namespace netdx::tui {

class DnsStats final : public DnsEventSink {
public:
    static constexpr std::size_t kMaxServers = 256;

    DnsStats() : tracker_(*this) {}
    void on_packet(const Packet& pkt) { tracker_.on_packet(pkt); }
    // End of the source: queries still open count as unanswered.
    void finish() { tracker_.finish(); }
    void on_dns(const DnsTransaction& t) override;
    // Rows by queries, most first.
    void snapshot(std::vector<DnsServerRow>& out) const;
    [[nodiscard]] std::uint64_t servers_dropped() const { return dropped_; }

private:
    struct Server {
        std::uint64_t queries = 0, answered = 0, unanswered = 0, errors = 0;
        LatencySample latency;
    };
    struct Less {
        bool operator()(const IpAddress& a, const IpAddress& b) const {
            return a.family != b.family ? a.family < b.family : a.bytes < b.bytes;
        }
    };
    DnsTracker tracker_;
    std::map<IpAddress, Server, Less> servers_;
    std::uint64_t dropped_ = 0;
    std::minstd_rand rng_{12345};
};

}  // namespace netdx::tui
