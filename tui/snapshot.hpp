#pragma once
// What the capture thread hands to the UI. The capture thread fills a Batch
// and publishes it through a Mailbox of atomic pointers: neither side ever
// waits for the other, so a slow terminal cannot stall the capture (sngrep's
// capture lock held while drawing is the counter-example).
#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "capture/source.hpp"
#include "core/packet.hpp"
#include "core/proto.hpp"

namespace netdx::tui {

// One line of the packet list plus the bytes the detail view re-decodes.
struct PacketRow {
    std::uint64_t number = 0;
    Timestamp ts;
    std::uint32_t wirelen = 0, caplen = 0;
    int linktype = 0;
    Proto top = Proto::None;   // picks the colour
    std::string_view proto;    // Protocol column (static text from the registry)
    IpAddress src_ip, dst_ip;  // family 0 when the columns hold MACs
    std::string src, dst;      // address columns as text
    std::string info;          // Info column, already escaped
    std::vector<std::uint8_t> bytes;  // the first captured bytes (bounded)
    std::uint64_t conv = 0;    // conversation id, 0 when none
};

// A conversation as the flows view lists it.
struct ConvRow {
    std::uint64_t id = 0;
    std::string_view proto;  // "TCP", "UDP", "ICMP", ...
    IpAddress addr_a, addr_b;
    std::uint16_t port_a = 0, port_b = 0;
    bool has_ports = false;
    std::string mac_a, mac_b;  // for non-IP conversations
    std::uint64_t packets[2] = {0, 0}, bytes[2] = {0, 0};  // A->B, B->A
    Timestamp first, last;
    std::uint32_t retrans = 0;
    double rtt = -1;            // SYN to first ACK, seconds; -1 unknown
    std::string history;        // S h D F R, Zeek-style
    double rate = 0;            // bytes/s averaged over the conversation's duration
    bool closed = false;
};

// Packets and bytes per protocol path (eth:ipv4:tcp ...), for the hierarchy.
struct ProtoPathRow {
    std::array<Proto, 8> path{};
    std::uint8_t depth = 0;
    std::uint64_t packets = 0, bytes = 0;
};

struct TalkerRow {
    IpAddress addr;
    std::uint64_t packets = 0, bytes = 0;
};

// DNS response times of one resolver (seconds; -1 when none answered).
struct DnsServerRow {
    IpAddress server;
    std::uint64_t queries = 0, answered = 0, unanswered = 0, errors = 0;
    double p50 = -1, p95 = -1, max = -1;
    bool estimated = false;  // percentiles from a sample (more answers than kept)
};

// HTTP response times of one server (seconds; -1 when none answered).
struct HttpServerRow {
    IpAddress server;
    std::uint64_t requests = 0, answered = 0, client_errors = 0, server_errors = 0;
    double p50 = -1, p95 = -1, max = -1;
    bool estimated = false;
};

// One server of the per-server view (`netdx servers`'s figures), busiest first.
struct ServerRow {
    std::string name, service;  // "10.0.0.1:80/tcp", "http"
    std::uint64_t clients = 0, connections = 0, requests = 0, errors = 0;
    std::uint64_t bytes_in = 0, bytes_out = 0;
    bool clients_estimated = false;
    double concurrency = 0, rate = -1, p50 = -1, p95 = -1, p99 = -1;  // latencies in seconds, -1: none
};

// A finding of the rules engine, as the findings view shows it.
struct FindingRow {
    int severity = 0;          // rules' Severity: 0 info .. 3 error
    std::string severity_name, id, title, hosts, detail, explanation, remediation;
    std::vector<std::uint64_t> frames;  // evidence frame numbers (first few)
    std::uint64_t evidence_total = 0;
};

struct Totals {
    std::uint64_t packets = 0, bytes = 0;
    std::uint64_t rows_dropped = 0;  // rows that left the ring before the UI saw them
    std::uint64_t conv_live = 0, conv_total = 0, conv_evicted = 0;
    CaptureStats kernel;
    Timestamp first_ts, last_ts;
    bool finished = false;  // the source ended (file done, or stopped)
    std::string error;      // why the source stopped, if it failed
    ExitCode error_code = ExitCode::Ok;
};

// A bounded ring of rows whose slots keep their string/vector capacity, so a
// recycled batch rarely allocates.
class RowRing {
public:
    explicit RowRing(std::size_t capacity = 0) : slots_(capacity) {}
    std::size_t capacity() const { return slots_.size(); }
    std::size_t size() const { return count_; }
    void clear() { head_ = count_ = 0; }
    // Returns the slot to fill; overwrites the oldest row when full (dropped
    // tells the caller one row left).
    PacketRow& push(bool& dropped) {
        dropped = count_ == slots_.size();
        const std::size_t at = (head_ + count_) % slots_.size();
        if (dropped) head_ = (head_ + 1) % slots_.size();
        else ++count_;
        return slots_[at];
    }
    // i-th row from the oldest.
    PacketRow& operator[](std::size_t i) { return slots_[(head_ + i) % slots_.size()]; }
    const PacketRow& operator[](std::size_t i) const { return slots_[(head_ + i) % slots_.size()]; }

private:
    std::vector<PacketRow> slots_;
    std::size_t head_ = 0, count_ = 0;
};

// Everything new since the previous batch, plus the current tables.
struct Batch {
    explicit Batch(std::size_t ring) : rows(ring) {}
    RowRing rows;  // new packets, oldest first
    Totals totals;
    std::vector<ConvRow> convs;  // current conversations (bounded by the table)
    std::vector<ProtoPathRow> paths;
    std::vector<TalkerRow> talkers;  // top talkers by bytes
    std::vector<DnsServerRow> dns;   // per resolver
    std::vector<HttpServerRow> http; // per web server
    std::vector<ServerRow> servers;  // per server and service, the busiest
    bool tables = false;  // convs/paths/talkers were filled in this batch
    std::vector<FindingRow> findings;  // filled when findings_version changed
    std::uint64_t findings_version = 0;  // 0: the rules have not reported yet
    bool findings_final = false;         // the source ended: the report of `netdx analyze`
};

// Single producer, single consumer hand-off by pointer exchange. The capture
// thread puts a full batch in `outbox` only when it is empty (else it keeps
// appending to its own); the UI takes it with one exchange and returns it in
// `spare` for reuse. No locks, at most three batches alive.
class Mailbox {
public:
    ~Mailbox() {
        delete outbox_.exchange(nullptr);
        delete spare_.exchange(nullptr);
    }
    // Capture side: true when `b` was handed over (the caller then needs a new one).
    bool offer(Batch* b) {
        Batch* expected = nullptr;
        return outbox_.compare_exchange_strong(expected, b, std::memory_order_acq_rel);
    }
    Batch* take_spare() { return spare_.exchange(nullptr, std::memory_order_acq_rel); }
    // UI side.
    Batch* take() { return outbox_.exchange(nullptr, std::memory_order_acq_rel); }
    void give_back(Batch* b) { delete spare_.exchange(b, std::memory_order_acq_rel); }

private:
    std::atomic<Batch*> outbox_{nullptr};
    std::atomic<Batch*> spare_{nullptr};
};

}  // namespace netdx::tui
