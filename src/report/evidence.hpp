#pragma once
// `--evidence FILE`: a second pass over the inputs that copies only the
// evidence frames of the findings into a new capture. FILE.pcapng carries,
// on each frame, one comment per finding it is evidence for ("id: title",
// Wireshark's frame.comment) and one interface per input interface, so
// inputs of other link types are kept; any other name gets plain pcap, one
// link type, no comments.
// Several findings make several opt_comment options, not one comment of
// several lines: tshark 4.0 shows each on its own line in -V, joins them
// with ',' in -T fields (-E aggregator= changes it), and
// `frame.comment == "..."` matches one; a comment of several lines shows as
// "a\nb" in -T fields.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "events/common.hpp"

namespace netdx {

// Evidence frame -> the comments to put on it (the findings it proves).
using EvidenceFrames = std::map<FrameRef, std::vector<std::string>>;

struct EvidenceResult {
    std::string error;  // empty on success
    int exit_code = 0;
    std::uint64_t written = 0;
    std::uint64_t skipped_linktype = 0;  // pcap: frames of inputs whose link type differs from the first
};

// True for a name ending in .pcapng (any case): the evidence is written as pcapng.
bool evidence_as_pcapng(const std::string& path);

EvidenceResult write_evidence(const std::vector<std::string>& files, const EvidenceFrames& frames,
                              const std::string& path);

}  // namespace netdx
