#pragma once
// The pre-pass behind netdx.finding: analyses a capture file with the default
// rules (as `netdx analyze FILE` would) and marks each finding's evidence frames.
#include <string>

#include "capture/source.hpp"
#include "dissectors/finding_marks.hpp"

namespace netdx {

struct EvidenceMarksResult {
    FindingMarks marks;
    int exit_code = 0;  // non-zero: the file could not be read (its error already printed)
};

EvidenceMarksResult evidence_marks(const SourceOptions& file);

}  // namespace netdx
