#pragma once
// Pairs DNS queries with responses and emits DnsTransaction events.
//
// Key: (client, server, client port, server port, id, question, transport).
// A query sent to a multicast address (LLMNR) is keyed without the server so
// the unicast answer of whichever host responds still matches. mDNS is not
// tracked: it has no query/response transactions in this sense.
//
// Time is capture time: the tracker never reads the clock, so a file and a
// live capture behave alike. Answered transactions linger briefly so late
// duplicate responses are counted instead of reported as unsolicited; TC
// responses are held until the client retries over TCP or the retry window
// passes. Memory is bounded by `max_pending`: the oldest entry is evicted
// (and emitted with DnsEnd::Evicted) when a new query would exceed it.
#include <cstdint>
#include <deque>
#include <list>
#include <string>
#include <unordered_map>

#include "core/packet.hpp"
#include "events/dns_events.hpp"

namespace netdx {

struct DnsTrackerOptions {
    double timeout = 5.0;          // seconds without a response: Timeout
    double linger = 1.0;           // keep answered queries this long for duplicates
    double tc_retry_window = 5.0;  // how long to wait for a TCP retry after TC
    std::size_t max_pending = 10000;
    std::size_t max_answers = 32;  // answer records copied into an event
    // DNS over TCP arrives through make_dns_stream_consumer (src/dns/dns_stream.hpp)
    // from the flow engine's reassembly, so on_packet leaves TCP payloads alone.
    bool tcp_from_streams = false;
    // DNS on UDP ports other than 53/5353/5355 (and 137, NetBIOS names; see
    // dns_heuristic_skips_port): a flow (address/port pair)
    // whose first datagram passes looks_like_dns_query (dns/dns_heuristic.hpp)
    // is DNS in both directions for as long as the pair is remembered. The
    // verdict of the newest `max_heuristic_flows` pairs is kept (FIFO).
    bool udp_heuristic = false;
    std::size_t max_heuristic_flows = 4096;
};

// One DNS message and where it came from (UDP datagram or TCP stream).
struct DnsMessageMeta {
    IpAddress src, dst;
    std::uint16_t src_port = 0, dst_port = 0;
    DnsTransport transport = DnsTransport::Udp;
    std::uint64_t frame = 0;
    Timestamp ts;
};

class DnsTracker {
public:
    explicit DnsTracker(DnsEventSink& sink, DnsTrackerOptions opts = {});

    // Feeds a decoded packet: its DNS (or LLMNR) layer over UDP and, unless
    // tcp_from_streams, the whole length-prefixed DNS messages a TCP segment
    // on port 53 starts with. Every packet advances time.
    void on_packet(const Packet& pkt);
    // A DNS message without its TCP length prefix (from stream reassembly).
    void on_message(const DnsMessageMeta& meta, Bytes msg);
    // Bytes of a DNS-over-TCP stream that never arrived (counted; the
    // messages they held are lost).
    void on_stream_gap(std::uint64_t len);
    // Frame and time of the packet on_packet saw last.
    [[nodiscard]] const DnsMessageMeta& current() const { return current_; }
    // Emits what timed out by `now`.
    void advance(Timestamp now);
    // End of capture: everything still open is emitted.
    void finish();
    // The input file whose frame numbers the transactions emitted from now carry.
    void set_file(std::uint32_t file) { file_ = file; }

    [[nodiscard]] const DnsTrackerStats& stats() const { return stats_; }
    [[nodiscard]] std::size_t pending() const { return table_.size(); }
    // UDP address/port pairs whose heuristic verdict is remembered.
    [[nodiscard]] std::size_t heuristic_flows() const { return udp_flows_.size(); }

    struct Key {
        IpAddress client, server;
        std::uint16_t client_port = 0, server_port = 0, id = 0, qtype = 0, qclass = 0;
        DnsTransport transport = DnsTransport::Udp;
        std::string qname;
        friend bool operator==(const Key&, const Key&) = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& k) const noexcept;
    };
    // A UDP flow, lower (address, port) first.
    struct UdpPair {
        IpAddress lo, hi;
        std::uint16_t lo_port = 0, hi_port = 0;
        friend bool operator==(const UdpPair&, const UdpPair&) = default;
    };
    struct UdpPairHash {
        std::size_t operator()(const UdpPair& k) const noexcept;
    };

private:
    enum class State : std::uint8_t { Pending, Answered, HeldTc };
    struct Entry {
        State state = State::Pending;
        DnsTransaction tx;
        std::list<Key>::iterator order;
    };

    // Whether a UDP datagram on ports not bound to DNS belongs to a flow the
    // heuristic recognised (deciding on the flow's first datagram seen).
    bool udp_flow_is_dns(const DnsMessageMeta& m, Bytes payload);
    void query(const DnsMessageMeta& m, Bytes msg, const Key& key);
    void response(const DnsMessageMeta& m, Bytes msg, Key key);
    void tcp_retry(const IpAddress& client, const IpAddress& server, const std::string& qname, std::uint16_t qtype);
    void emit_and_erase(std::unordered_map<Key, Entry, KeyHash>::iterator it, DnsEnd end);
    void fill_response(DnsTransaction& tx, const DnsMessageMeta& m, Bytes msg);

    DnsEventSink& sink_;
    std::uint32_t file_ = 0;
    DnsTrackerOptions opts_;
    DnsTrackerStats stats_;
    std::unordered_map<Key, Entry, KeyHash> table_;
    std::list<Key> order_;  // insertion order, oldest first (eviction)
    Timestamp now_;
    DnsMessageMeta current_;
    Timestamp next_sweep_;
    std::unordered_map<UdpPair, bool, UdpPairHash> udp_flows_;  // pair -> is DNS
    std::deque<UdpPair> udp_order_;                             // oldest first
};

// Seconds from a to b.
inline double seconds_between(const Timestamp& a, const Timestamp& b) {
    return static_cast<double>(b.sec - a.sec) + (static_cast<double>(b.nsec) - static_cast<double>(a.nsec)) * 1e-9;
}

}  // namespace netdx
