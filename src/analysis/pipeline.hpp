#pragma once
// The analysis pipeline: a decoded packet in, typed events out on the event
// bus. Stateless extraction, the SYN/answer tracker, the flow table with the
// application consumers and the DNS/DHCP trackers sit here; the rules never
// see packets, only the events they subscribed to.
#include <memory>

#include "analysis/conn_tracker.hpp"
#include "analysis/extract.hpp"
#include "analysis/summary.hpp"
#include "events/event_bus.hpp"
#include "rules/state_budget.hpp"

namespace netdx {

struct PipelineOptions {
    double syn_timeout = 3;
    // Entries of the table of SYNs awaiting an answer (its share of --memory).
    std::size_t max_pending_syns = 65536;
};

class Pipeline {
public:
    // Events go to `bus` (for netdx analyze, Engine::bus()).
    Pipeline(EventBus& bus, PipelineOptions opts);
    ~Pipeline();

    void begin_file(std::uint32_t index, const std::string& name);
    // pkt must be decoded (decode_packet).
    void packet(const Packet& pkt);
    // Flushes the trackers; call once after the last packet of the last file.
    void end();

    [[nodiscard]] const CaptureSummary& summary() const { return summary_; }
    [[nodiscard]] std::uint64_t limit_drops() const;
    // The trackers' tables that refused or evicted entries.
    [[nodiscard]] std::vector<TableLimit> limits() const;

private:
    struct Trackers;  // protocol trackers owned by the pipeline (flows, DNS, DHCP)
    void on_icmp_error(const IcmpError& e);

    EventBus& bus_;
    PipelineOptions opts_;
    CaptureSummary summary_;
    ConnTracker conns_;
    std::unique_ptr<Trackers> trackers_;
    std::uint32_t file_ = 0;
};

}  // namespace netdx
