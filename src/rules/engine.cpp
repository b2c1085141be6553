#include "rules/engine.hpp"

#include <algorithm>

#include "rules/format.hpp"

namespace netdx {

Engine::Engine(const RuleConfig& config) : config_(config), rules_(make_rules(config)) {
    for (auto& r : rules_) r->subscribe(bus_);
}
Engine::~Engine() = default;

std::uint64_t Engine::limit_drops() const {
    std::uint64_t n = 0;
    for (auto& r : rules_) n += r->dropped();
    return n;
}

bool Engine::enabled(std::string_view id) const { return config_.enabled(id); }

void Engine::raise(std::string_view id, Finding f) {
    const FindingDef* def = find_def(id);
    if (!def) throw std::logic_error(fmt::format("finding raised with unknown id {}", id));
    if (!config_.enabled(id)) return;
    f.def = def;
    f.severity = config_.severity(*def);
    auto [it, fresh] = found_.try_emplace({std::string(id), f.key});
    if (fresh) {
        it->second = std::move(f);
        return;
    }
    // The same problem seen again (e.g. in a second input file): one finding.
    Finding& have = it->second;
    have.first_ts = std::min(have.first_ts, f.first_ts);
    have.last_ts = std::max(have.last_ts, f.last_ts);
    for (auto& h : f.hosts)
        if (std::find(have.hosts.begin(), have.hosts.end(), h) == have.hosts.end()) have.hosts.push_back(h);
    for (auto& fl : f.flows)
        if (std::find(have.flows.begin(), have.flows.end(), fl) == have.flows.end()) have.flows.push_back(fl);
    have.evidence.merge(f.evidence);
}

std::vector<Finding> Engine::snapshot(double capture_first, double capture_last) {
    auto raised_so_far = found_;  // finish() moves these out; put them back after
    std::vector<Finding> out = finish(capture_first, capture_last);
    found_ = std::move(raised_so_far);
    return out;
}

std::vector<Finding> Engine::finish(double capture_first, double capture_last) {
    SharedFacts facts;
    FinishContext ctx{*this, facts, capture_first, capture_last};
    for (auto& r : rules_) r->finish(ctx);
    std::vector<Finding> out;
    out.reserve(found_.size());
    for (auto& [k, f] : found_) {
        std::sort(f.evidence.frames.begin(), f.evidence.frames.end());
        out.push_back(std::move(f));
    }
    found_.clear();
    // Most severe first; within a severity, table order then time.
    auto order = [](const Finding& f) { return f.def - finding_defs().data(); };
    std::stable_sort(out.begin(), out.end(), [&](const Finding& a, const Finding& b) {
        if (a.severity != b.severity) return a.severity > b.severity;
        if (a.def != b.def) return order(a) < order(b);
        return a.first_ts < b.first_ts;
    });
    return out;
}

}  // namespace netdx
