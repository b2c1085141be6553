#pragma once
// The uids (log/flow_uid.hpp) of the flows a finding's evidence frames belong
// to, for `analyze -T json`/`ndjson`, so a finding joins the `netdx log`
// lines of the same capture. The rules keep frame numbers only, so this is
// done after the analysis, off the per-packet path: every flow that ended is
// kept as 32 bytes (a hash of its address/port pair, its first and last
// packet times, its id), then a second read of the files decodes only the
// evidence frames (at most Evidence::kKeep per finding) and looks each up by
// its pair and time, as the DNS log finds the flow of a transaction.
#include <cstdint>
#include <string>
#include <vector>

#include "rules/finding.hpp"

namespace netdx {

struct FlowEnded;

class EvidenceFlows {
public:
    void add(const FlowEnded& f);
    // Sets Finding::uids on every finding: distinct uids in the order of the
    // evidence frames; a frame of no TCP/UDP flow (ARP, a later IP fragment)
    // adds none. Returns an error text when a file could not be read again.
    std::string attach_uids(std::vector<Finding>& findings, const std::vector<std::string>& files);

private:
    struct Span {
        std::uint64_t key = 0;
        double first = 0, last = 0;
        std::uint64_t flow_id = 0;
    };
    std::vector<Span> spans_;
};

}  // namespace netdx
