#pragma once
// `--evidence FILE.pcap`: a second pass over the inputs that copies only the
// evidence frames of the findings into a new capture.
#include <set>
#include <string>
#include <vector>

#include "events/common.hpp"

namespace netdx {

struct EvidenceResult {
    std::string error;  // empty on success
    int exit_code = 0;
    std::uint64_t written = 0;
    std::uint64_t skipped_linktype = 0;  // frames of inputs whose link type differs from the first
};

EvidenceResult write_evidence(const std::vector<std::string>& files, const std::set<FrameRef>& frames,
                              const std::string& path);

}  // namespace netdx
