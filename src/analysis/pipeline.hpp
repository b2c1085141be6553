#pragma once
// The analysis pipeline: a decoded packet in, typed events out to the rules
// engine. Stateless extraction, the SYN/answer tracker and (as they land) the
// flow table and the DNS/DHCP trackers sit here; the engine never sees packets.
#include <memory>

#include "analysis/conn_tracker.hpp"
#include "analysis/extract.hpp"
#include "analysis/summary.hpp"
#include "rules/engine.hpp"

namespace netdx {

class AppEventSink;

struct PipelineOptions {
    double syn_timeout = 3;
};

class Pipeline final : public PacketEventSink {
public:
    Pipeline(Engine& engine, PipelineOptions opts);
    ~Pipeline() override;

    void begin_file(std::uint32_t index, const std::string& name);
    // pkt must be decoded (decode_packet).
    void packet(const Packet& pkt);
    // Flushes the trackers; call once after the last packet of the last file.
    void end();
    // Also receives the application transactions (the live view's HTTP stats).
    void set_app_observer(AppEventSink* o) { app_observer_ = o; }

    [[nodiscard]] const CaptureSummary& summary() const { return summary_; }
    [[nodiscard]] std::uint64_t limit_drops() const;

    void on_arp(const ArpObservation& e) override { engine_.on_arp(e); }
    void on_ndp(const NdpObservation& e) override { engine_.on_ndp(e); }
    void on_icmp_error(const IcmpError& e) override;
    void on_ip(const IpPacketSeen& e) override { engine_.on_ip(e); }
    void on_echo(const EchoRequest& e) override { engine_.on_echo(e); }
    void on_syn(const SynSeen& e) override { engine_.on_syn(e); }

private:
    struct Trackers;  // protocol trackers owned by the pipeline (flows, DNS, DHCP)
    Engine& engine_;
    AppEventSink* app_observer_ = nullptr;
    PipelineOptions opts_;
    CaptureSummary summary_;
    ConnTracker conns_;
    std::unique_ptr<Trackers> trackers_;
    std::uint32_t file_ = 0;
};

}  // namespace netdx
