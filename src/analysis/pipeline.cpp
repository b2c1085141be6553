#include "analysis/pipeline.hpp"

namespace netdx {

struct Pipeline::Trackers {};

Pipeline::Pipeline(Engine& engine, PipelineOptions opts)
    : engine_(engine),
      opts_(opts),
      conns_(opts.syn_timeout, [this](const ConnAttempt& a) { engine_.on_conn(a); }),
      trackers_(std::make_unique<Trackers>()) {}

Pipeline::~Pipeline() = default;

void Pipeline::begin_file(std::uint32_t index, const std::string& name) {
    file_ = index;
    summary_.files.push_back(name);
}

void Pipeline::packet(const Packet& pkt) {
    summary_.add(pkt);
    extract_packet_events(pkt, file_, *this);
    MacAddress src, dst;
    const bool eth = ethernet_addresses(pkt, src, dst);
    conns_.packet(pkt, FrameRef{file_, pkt.number}, eth ? &src : nullptr, eth ? &dst : nullptr);
}

void Pipeline::on_icmp_error(const IcmpError& e) {
    conns_.icmp_error(e);
    engine_.on_icmp_error(e);
}

void Pipeline::end() { conns_.finish(summary_.last); }

std::uint64_t Pipeline::limit_drops() const { return conns_.dropped(); }

}  // namespace netdx
