#pragma once
// DNS transactions as the rules engine sees them. The tracker (src/dns/) pairs
// queries with responses and emits one DnsTransaction per query (answered or
// not) and per response nobody asked for. Events carry copies, never views
// into packet buffers, so a sink may keep them.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/packet.hpp"

namespace netdx {

enum class DnsTransport : std::uint8_t { Udp, Tcp };

// Why a transaction was closed and emitted.
enum class DnsEnd : std::uint8_t {
    Answered,     // a response matched the query
    Timeout,      // no response within the configured timeout
    EndOfCapture, // the capture ended with the query still open
    Evicted,      // dropped to keep the pending table under its cap
    Unsolicited,  // a response that matched no open query
};

struct DnsRecord {
    std::uint16_t type = 0;
    std::uint32_t ttl = 0;
    std::string data;  // text form as tshark shows it (address, name, ...), escaped
};

struct DnsTransaction {
    std::uint32_t file = 0;  // input file its frame numbers belong to (DnsTracker::set_file)
    DnsEnd end = DnsEnd::Answered;
    DnsTransport transport = DnsTransport::Udp;
    IpAddress client, server;
    std::uint16_t client_port = 0, server_port = 0;
    std::uint16_t id = 0;
    std::string qname;  // escaped, as tshark prints dns.qry.name ("<Root>" for the root)
    std::uint16_t qtype = 0, qclass = 0;
    bool mdns = false;   // port 5353
    bool llmnr = false;  // port 5355

    // Query side (unset for Unsolicited).
    bool has_query = false;
    std::uint64_t query_frame = 0;  // first transmission
    Timestamp query_ts;
    std::uint32_t retransmissions = 0;  // further copies of the same query

    // Response side (unset for Timeout/EndOfCapture/Evicted).
    bool has_response = false;
    std::uint64_t response_frame = 0;
    Timestamp response_ts;
    double latency = -1;        // seconds from the first query to the response; -1 if none
    std::uint16_t rcode = 0;    // 12-bit when EDNS0 extends it
    bool authoritative = false;
    bool truncated = false;     // TC bit
    // For a TC response: the client asked the same question over TCP later
    // (known once the transaction is emitted: TC answers are held until the
    // retry is seen or the timeout passes).
    bool retried_over_tcp = false;
    std::uint32_t duplicate_responses = 0;  // further responses to the same query
    std::uint16_t answer_count = 0, authority_count = 0, additional_count = 0;
    std::vector<DnsRecord> answers;  // answer section, capped (see DnsTrackerOptions)
    bool malformed = false;          // the response (or query) did not parse completely
    std::string problem;             // reason for `malformed`
};

// Counters a tracker keeps for limits and totals (a limit hit is reported).
struct DnsTrackerStats {
    std::uint64_t queries = 0, responses = 0;
    std::uint64_t evicted = 0;     // pending queries dropped by the cap
    std::uint64_t malformed = 0;   // DNS messages that did not parse
    std::size_t max_pending = 0;   // high-water mark of the pending table
    std::uint64_t tcp_gaps = 0, tcp_gap_bytes = 0;  // holes in DNS-over-TCP streams
};

class DnsEventSink {
public:
    virtual ~DnsEventSink() = default;
    virtual void on_dns(const DnsTransaction& t) = 0;
};

}  // namespace netdx
