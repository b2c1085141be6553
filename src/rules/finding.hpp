#pragma once
// What a rule is (FindingDef, a static table entry) and what it reports
// (Finding). Dissectors and trackers raise typed events; only rules decide
// messages and severities.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "events/common.hpp"

namespace netdx {

enum class Severity : std::uint8_t { Info = 0, Notice = 1, Warning = 2, Error = 3 };

std::string_view severity_name(Severity s);
std::optional<Severity> parse_severity(std::string_view s);

struct ParamDef {
    std::string_view name;
    std::string_view default_value;  // numbers as text ("5", "0.2"); lists comma-separated
    std::string_view description;
};

struct FindingDef {
    std::string_view id;     // stable, e.g. "arp.duplicate_ip"
    std::string_view group;  // addressing, dhcp, dns, connectivity, performance, security
    Severity severity;
    std::string_view title;        // generic one-line title (findings carry a concrete one)
    std::string_view explanation;  // what it means, in plain words
    std::string_view remediation;  // likely causes and what to check next
    std::span<const ParamDef> params;
};

// Every rule netdx knows, in report order.
std::span<const FindingDef> finding_defs();
const FindingDef* find_def(std::string_view id);

struct Figure {
    std::string name;
    double value = 0;
    std::string unit;  // "", "s", "%", "pkt/s", ...
};

// Frames that prove a finding: the first few are kept, all are counted.
struct Evidence {
    static constexpr std::size_t kKeep = 32;
    std::vector<FrameRef> frames;
    std::uint64_t total = 0;
    void add(FrameRef f) {
        ++total;
        if (frames.size() < kKeep) frames.push_back(f);
    }
    void merge(const Evidence& o);
};

struct Finding {
    const FindingDef* def = nullptr;
    Severity severity = Severity::Info;  // def's, or the configured override
    // Set by a rule when what it saw is the mild form of its problem (a DHCP
    // lease slowed once by the server's ping-before-offer is a notice, a client
    // left retrying a warning). A severity the user configured is kept as is.
    std::optional<Severity> at_most;
    std::string key;    // de-duplication key within the rule (e.g. the address)
    std::string title;  // one line naming the concrete hosts
    std::string detail; // what was seen, in a sentence or two
    double first_ts = 0, last_ts = 0;
    std::vector<std::string> hosts;  // addresses and MACs involved
    std::vector<std::string> flows;  // "tcp 10.0.0.2:51000 -> 10.0.0.9:445"
    std::vector<Figure> figures;
    Evidence evidence;
    // The log uids of the evidence frames' flows (report/evidence_flows.hpp);
    // set only where they were computed (analyze -T json/ndjson on files).
    std::optional<std::vector<std::string>> uids;
};

}  // namespace netdx
