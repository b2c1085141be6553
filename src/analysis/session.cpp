#include "analysis/session.hpp"

#include <algorithm>

#include "analysis/pipeline.hpp"
#include "rules/engine.hpp"

namespace netdx {

AnalysisSession::AnalysisSession(const RuleConfig& config, std::uint64_t memory_mb)
    : engine_(std::make_unique<Engine>(config, memory_mb << 20)), memory_mb_(memory_mb) {
    PipelineOptions popts;
    popts.syn_timeout = config.number("conn.unanswered_syn", "syn_timeout_s");
    // A twentieth of the budget for SYNs awaiting an answer (about 200 bytes each).
    popts.max_pending_syns = std::max<std::size_t>(4096, static_cast<std::size_t>((memory_mb << 20) / 20 / 200));
    pipeline_ = std::make_unique<Pipeline>(engine_->bus(), popts);
}

AnalysisSession::~AnalysisSession() = default;

void AnalysisSession::begin_file(std::uint32_t index, const std::string& name) { pipeline_->begin_file(index, name); }

void AnalysisSession::packet(const Packet& pkt) { pipeline_->packet(pkt); }

EventBus& AnalysisSession::bus() { return engine_->bus(); }

AnalysisResult AnalysisSession::finish() {
    pipeline_->end();
    AnalysisResult r;
    r.summary = pipeline_->summary();
    r.findings = engine_->finish(r.summary.first, r.summary.last);
    r.network = engine_->network().picture();
    r.limits = pipeline_->limits();
    for (TableLimit& l : engine_->limits()) r.limits.push_back(std::move(l));
    r.memory_mb = memory_mb_;
    // The total is the sum of the tables the report names.
    for (const TableLimit& l : r.limits) r.limit_drops += l.refused;
    return r;
}

}  // namespace netdx
