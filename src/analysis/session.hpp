#pragma once
// What `netdx analyze` runs over its inputs, as one object: the analysis
// pipeline feeding the rules engine. `netdx analyze` and `netdx doctor -w`
// both use it, so a capture gets the same findings from either.
#include <memory>
#include <string>
#include <vector>

#include "analysis/summary.hpp"
#include "core/packet.hpp"
#include "network/network_picture.hpp"
#include "rules/config.hpp"
#include "rules/finding.hpp"
#include "rules/state_budget.hpp"

namespace netdx {

class Engine;
class EventBus;
class Pipeline;

struct AnalysisResult {
    CaptureSummary summary;
    std::vector<Finding> findings;
    std::uint64_t limit_drops = 0;  // state entries refused because a table was full
    NetworkPicture network;         // what the capture showed of the network
    std::vector<TableLimit> limits; // the tables that refused entries, and what may be missing
    std::uint64_t memory_mb = 0;    // the budget they had
};

class AnalysisSession {
public:
    // memory_mb: the state budget (--memory), split over the rule and tracker tables.
    explicit AnalysisSession(const RuleConfig& config, std::uint64_t memory_mb = StateBudget::kDefaultMb);
    ~AnalysisSession();
    AnalysisSession(const AnalysisSession&) = delete;
    AnalysisSession& operator=(const AnalysisSession&) = delete;

    void begin_file(std::uint32_t index, const std::string& name);
    // pkt must be decoded (decode_packet).
    void packet(const Packet& pkt);
    // Once, after the last packet of the last input.
    AnalysisResult finish();
    // The bus the rules read: extra readers (the evidence's flows) subscribe
    // before the first packet.
    EventBus& bus();

private:
    std::unique_ptr<Engine> engine_;
    std::unique_ptr<Pipeline> pipeline_;
    std::uint64_t memory_mb_;
};

}  // namespace netdx
