#pragma once
// Owns the rules and the event bus they subscribe to, and collects their
// findings, de-duplicated (one finding per rule id and key) and ordered by
// severity.
#include <map>
#include <memory>
#include <vector>

#include "network/network_model.hpp"
#include "rules/rule.hpp"
#include "rules/state_budget.hpp"

namespace netdx {

class Engine : public FindingSink {
public:
    // memory_bytes: the budget of the rule state tables (--memory).
    explicit Engine(const RuleConfig& config, std::uint64_t memory_bytes = StateBudget::kDefaultMb << 20);
    ~Engine() override;

    // The bus the rules subscribed to at construction; producers publish here.
    EventBus& bus() { return bus_; }
    template <typename Event>
    void publish(const Event& e) {
        bus_.publish(e);
    }

    // Runs every rule's finish once; findings most severe first.
    std::vector<Finding> finish(double capture_first, double capture_last);
    // The findings finish() would report now, leaving the engine as it was so
    // events keep coming and finish() still gives the final result (the live
    // view re-evaluates every second or so). Call it before the trackers'
    // end-of-capture flush: rules only read their state in finish, except the
    // DNS rule folding in queries still open at the end, which exist only after it.
    std::vector<Finding> snapshot(double capture_first, double capture_last);

    // The network picture, learned from the events (subscribed before the rules).
    [[nodiscard]] const NetworkModel& network() const { return *network_; }

    // State entries the rules refused because a table was full.
    [[nodiscard]] std::uint64_t limit_drops() const;
    // The tables that refused entries (name, refusals, what may be missing).
    [[nodiscard]] std::vector<TableLimit> limits() const;
    [[nodiscard]] const StateBudget& budget() const { return budget_; }

    void raise(std::string_view id, Finding f) override;
    [[nodiscard]] bool enabled(std::string_view id) const override;

private:
    const RuleConfig& config_;
    EventBus bus_;
    StateBudget budget_;  // before the rules: their tables give back to it when destroyed
    std::unique_ptr<NetworkModel> network_;
    std::vector<std::unique_ptr<Rule>> rules_;
    std::map<std::pair<std::string, std::string>, Finding> found_;  // (id, key)
};

// Every rule, constructed with its configured parameters (rules/all_rules.cpp).
std::vector<std::unique_ptr<Rule>> make_rules(const RuleConfig& config);

}  // namespace netdx
