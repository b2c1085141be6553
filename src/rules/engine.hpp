#pragma once
// Owns the rules and the event bus they subscribe to, and collects their
// findings, de-duplicated (one finding per rule id and key) and ordered by
// severity.
#include <map>
#include <memory>
#include <vector>

#include "rules/rule.hpp"

namespace netdx {

class Engine : public FindingSink {
public:
    explicit Engine(const RuleConfig& config);
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

    // State entries the rules refused because a table was full.
    [[nodiscard]] std::uint64_t limit_drops() const;

    void raise(std::string_view id, Finding f) override;
    [[nodiscard]] bool enabled(std::string_view id) const override;

private:
    const RuleConfig& config_;
    EventBus bus_;
    std::vector<std::unique_ptr<Rule>> rules_;
    std::map<std::pair<std::string, std::string>, Finding> found_;  // (id, key)
};

// Every rule, constructed with its configured parameters (rules/all_rules.cpp).
std::vector<std::unique_ptr<Rule>> make_rules(const RuleConfig& config);

}  // namespace netdx
