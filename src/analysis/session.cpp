#include "analysis/session.hpp"

#include "analysis/pipeline.hpp"
#include "rules/engine.hpp"

namespace netdx {

AnalysisSession::AnalysisSession(const RuleConfig& config) : engine_(std::make_unique<Engine>(config)) {
    PipelineOptions popts;
    popts.syn_timeout = config.number("conn.unanswered_syn", "syn_timeout_s");
    pipeline_ = std::make_unique<Pipeline>(engine_->bus(), popts);
}

AnalysisSession::~AnalysisSession() = default;

void AnalysisSession::begin_file(std::uint32_t index, const std::string& name) { pipeline_->begin_file(index, name); }

void AnalysisSession::packet(const Packet& pkt) { pipeline_->packet(pkt); }

AnalysisResult AnalysisSession::finish() {
    pipeline_->end();
    AnalysisResult r;
    r.summary = pipeline_->summary();
    r.findings = engine_->finish(r.summary.first, r.summary.last);
    r.limit_drops = pipeline_->limit_drops() + engine_->limit_drops();
    return r;
}

}  // namespace netdx
