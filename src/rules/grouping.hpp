#pragma once
// One finding per problem on a busy network: findings of one rule that share
// a cause (the same path through the gateway, the same port, the same kind of
// ICMP error) are folded into one finding with the counts of the cases, the
// worst cases named, the hosts capped with their total and evidence frames
// from several cases. A handful of cases stay separate findings: grouping only
// starts at kMinGroup, so a small capture keeps its per-host detail.
#include <vector>

#include "rules/finding.hpp"

namespace netdx {

class NetworkModel;

inline constexpr std::size_t kMinGroup = 4;

void group_findings(std::vector<Finding>& findings, const NetworkModel& network);

// How many cases (host pairs, services, ...) a finding stands for: its
// "grouped" figure, else 1. The report orders by it within a severity.
std::uint64_t cases_of(const Finding& f);

}  // namespace netdx
