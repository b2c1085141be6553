#pragma once
// A rule subscribes to the typed events it reads (events/event_bus.hpp) and,
// at the end, raises findings. One Rule object may own several closely related ids
// (refused / unanswered / file share share one tracker) so a problem is
// reported once, under its most specific id.
#include <set>
#include <string>

#include "events/common.hpp"
#include "events/event_bus.hpp"
#include "rules/config.hpp"
#include "rules/finding.hpp"

namespace netdx {

class NetworkModel;

// Conclusions one rule leaves for the rules that finish after it (so a scan
// is not also reported as a hundred refused connections).
struct SharedFacts {
    std::set<IpAddress> scanners;
    std::set<IpAddress> flood_targets;
};

class FindingSink {
public:
    virtual ~FindingSink() = default;
    // `id` must be in the FindingDef table; disabled ids are dropped here.
    virtual void raise(std::string_view id, Finding f) = 0;
    [[nodiscard]] virtual bool enabled(std::string_view id) const = 0;
};

struct FinishContext {
    FindingSink& sink;
    SharedFacts& facts;
    double capture_first = 0, capture_last = 0;
    // What the capture taught about the network (subnets, gateways, roles).
    const NetworkModel& network;
};

class Rule {
public:
    virtual ~Rule() = default;
    // Subscribes the handlers of the events this rule reads:
    //   bus.subscribe<&MyRule::on_dns>(this);
    virtual void subscribe(EventBus& bus) = 0;
    // For rules that must tell local from remote while the capture is read,
    // not only in finish(): what the network model has learned so far (it
    // reads each event before the rules do).
    virtual void use_network(const NetworkModel& /*network*/) {}
    virtual void finish(FinishContext& ctx) = 0;
    // Keys dropped because a table of this rule was full (reported as a limit).
    [[nodiscard]] virtual std::uint64_t dropped() const { return 0; }
};

}  // namespace netdx
