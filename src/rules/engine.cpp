#include "rules/engine.hpp"

#include <algorithm>

#include "rules/format.hpp"
#include "rules/grouping.hpp"

namespace netdx {

namespace {
NetworkOverrides overrides_of(const RuleConfig& config) {
    NetworkOverrides o;
    // Validated when they were set.
    (void)parse_subnet_list(config.network_subnets(), o.subnets);
    (void)parse_address_list(config.network_gateways(), o.gateways);
    return o;
}
// The network picture keeps one small entry per address: a tenth of the budget.
std::size_t network_share(std::uint64_t memory_bytes) {
    return static_cast<std::size_t>(memory_bytes / 10 / 160);
}

// The rules' tables attach to the engine's budget while they are built.
std::vector<std::unique_ptr<Rule>> make_rules_within(const RuleConfig& config, StateBudget& budget) {
    StateBudget::Use use(&budget);
    return make_rules(config);
}
}  // namespace

Engine::Engine(const RuleConfig& config, std::uint64_t memory_bytes)
    : config_(config),
      budget_(memory_bytes),
      network_(std::make_unique<NetworkModel>(overrides_of(config), network_share(memory_bytes))),
      rules_(make_rules_within(config, budget_)) {
    network_->subscribe(bus_);
    for (auto& r : rules_) {
        r->use_network(*network_);
        r->subscribe(bus_);
    }
}
Engine::~Engine() = default;

std::uint64_t Engine::limit_drops() const {
    std::uint64_t n = 0;
    for (auto& r : rules_) n += r->dropped();
    return n + network_->dropped();
}

std::vector<TableLimit> Engine::limits() const {
    std::vector<TableLimit> out = budget_.limits();
    if (network_->dropped())
        out.push_back({"network picture: addresses", "hosts, roles and gateways of further addresses", network_->dropped(),
                       network_->entries(), network_->entries()});
    return out;
}

bool Engine::enabled(std::string_view id) const { return config_.enabled(id); }

void Engine::raise(std::string_view id, Finding f) {
    const FindingDef* def = find_def(id);
    if (!def) throw std::logic_error(fmt::format("finding raised with unknown id {}", id));
    if (!config_.enabled(id)) return;
    f.def = def;
    f.severity = config_.severity(*def);
    if (f.at_most && !config_.severity_configured(id)) f.severity = std::min(f.severity, *f.at_most);
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
    FinishContext ctx{*this, facts, capture_first, capture_last, *network_};
    for (auto& r : rules_) r->finish(ctx);
    std::vector<Finding> out;
    out.reserve(found_.size());
    for (auto& [k, f] : found_) {
        std::sort(f.evidence.frames.begin(), f.evidence.frames.end());
        out.push_back(std::move(f));
    }
    found_.clear();
    group_findings(out, *network_);
    // Most severe first; within a severity, the problem affecting most cases,
    // then table order, then time.
    auto order = [](const Finding& f) { return f.def - finding_defs().data(); };
    std::stable_sort(out.begin(), out.end(), [&](const Finding& a, const Finding& b) {
        if (a.severity != b.severity) return a.severity > b.severity;
        if (cases_of(a) != cases_of(b)) return cases_of(a) > cases_of(b);
        if (a.def != b.def) return order(a) < order(b);
        return a.first_ts < b.first_ts;
    });
    return out;
}

}  // namespace netdx
