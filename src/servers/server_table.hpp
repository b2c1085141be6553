#pragma once
// The per-server view: one record per (server address, port, transport),
// filled from the transactions the rules read (HTTP, DNS, SMTP, Redis,
// memcached) and from the flow table's end-of-flow records (connections,
// bytes, resets, refusals, concurrency). It only subscribes to events, so
// `netdx servers` and a rule can both hold one. Memory is bounded: at most
// max_servers records of a fixed size (latency bins, a 64-slice timeline, a
// client sketch, at most kMaxErrorKinds error kinds); events of servers past
// the cap are counted, not kept.
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/packet.hpp"
#include "events/common.hpp"
#include "servers/client_count.hpp"
#include "servers/latency_histogram.hpp"
#include "servers/timeline.hpp"

namespace netdx {

class EventBus;
struct HttpTransaction;
struct DnsTransaction;
struct SmtpTransaction;
struct CacheTransaction;
struct WebRpcCall;
struct FlowEnded;

struct ServerKey {
    IpAddress ip;
    std::uint16_t port = 0;
    std::uint8_t ip_proto = 6;  // 6 TCP, 17 UDP
    friend bool operator==(const ServerKey&, const ServerKey&) = default;
};

struct ServerKeyHash {
    std::size_t operator()(const ServerKey& k) const;
};

struct ErrorCount {
    std::string kind;  // "5xx", "NXDOMAIN", "WRONGTYPE", "reset", "refused", "unanswered", ...
    std::uint64_t count = 0;
};

struct ServerStats {
    explicit ServerStats(const ServerKey& k, double origin) : key(k), timeline(origin) {}

    ServerKey key;
    std::string service;          // http (xmlrpc, jsonrpc), dns, smtp, redis, memcached, or the port's protocol, or tcp/udp
    bool service_from_data = false;  // named by a transaction (not only by the port)
    ClientCount clients;
    std::uint64_t connections = 0;  // TCP connections that were up; UDP: flows the server answered
    std::uint64_t requests = 0, responses = 0;
    LatencyHistogram latency;       // request -> response
    std::vector<ErrorCount> errors;
    std::uint64_t bytes_in = 0, bytes_out = 0;  // frame bytes client -> server, server -> client
    double first_request = -1, last_request = -1;
    Timeline timeline;
    // The slowest answered requests (latency, the frame of the answer), for
    // a finding's evidence; at most kSlowest.
    static constexpr std::size_t kSlowest = 8;
    std::vector<std::pair<double, FrameRef>> slowest;

    [[nodiscard]] std::uint64_t error_total() const;
    // Requests per second between the first and the last request (-1: fewer than two).
    [[nodiscard]] double request_rate() const;
};

class ServerTable {
public:
    static constexpr std::size_t kDefaultMaxServers = 2048;
    static constexpr std::size_t kMaxErrorKinds = 12;  // then "other"

    explicit ServerTable(std::size_t max_servers = kDefaultMaxServers) : max_servers_(max_servers) {}

    // Reads the transaction and flow events from `bus` (Stage::Read).
    void subscribe(EventBus& bus);
    // Where the timelines start (the capture's first packet); else the first event's time.
    void set_origin(double ts);

    void on_http(const HttpTransaction& t);
    void on_dns(const DnsTransaction& t);
    void on_smtp(const SmtpTransaction& t);
    void on_cache(const CacheTransaction& t);
    void on_webrpc(const WebRpcCall& c);
    void on_flow(const FlowEnded& f);

    [[nodiscard]] const std::vector<std::unique_ptr<ServerStats>>& servers() const { return servers_; }
    [[nodiscard]] std::size_t max_servers() const { return max_servers_; }
    // Events of servers that found the table full (they are not in any record).
    [[nodiscard]] std::uint64_t dropped_events() const { return dropped_events_; }
    // Records refused for want of room (one per distinct server, while the
    // refusal list is small; see dropped_servers_estimated()).
    [[nodiscard]] std::uint64_t dropped_servers() const { return dropped_.count(); }
    [[nodiscard]] bool dropped_servers_estimated() const { return dropped_.estimated(); }

private:
    // The record of `k`, created with service `service` when absent (null
    // when the table is full). `from_data`: a transaction names the service.
    ServerStats* find(const ServerKey& k, const char* service, bool from_data, double ts);
    static void add_error(ServerStats& s, std::string_view kind);
    static void add_request(ServerStats& s, double req_ts, double latency, bool answered, FrameRef answer);

    std::size_t max_servers_;
    std::vector<std::unique_ptr<ServerStats>> servers_;
    std::unordered_map<ServerKey, std::size_t, ServerKeyHash> index_;
    std::uint64_t dropped_events_ = 0;
    ClientCount dropped_;  // the refused servers' addresses, counted like clients (a port scan fills it)
    double origin_ = 0;
    bool has_origin_ = false;
};

}  // namespace netdx
