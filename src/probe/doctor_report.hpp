#pragma once
// The doctor's report in the shapes of `netdx analyze`: text (checks, where it
// stopped, then the findings exactly as analyze prints them) and one JSON
// document (checks plus analyze's finding objects). With -w the capture's
// summary and findings come along: a capture finding with the same rule id as
// a probe finding adds its frames to it as evidence instead of repeating it.
#include <cstdio>
#include <optional>

#include <nlohmann/json.hpp>

#include "analysis/summary.hpp"
#include "probe/doctor.hpp"

namespace netdx {

struct CaptureFindings {
    std::string file;
    CaptureSummary summary;
    std::vector<Finding> findings;      // those not merged into a probe finding
    std::uint64_t merged = 0;           // merged into probe findings as evidence
    std::uint64_t own_probes = 0;       // left out: caused by the doctor's own probes
    std::uint64_t limit_drops = 0;
    int read_rc = 0;                    // exit code of reading the capture back
};

// Moves the capture's findings into `cap` and merges those that repeat a probe finding.
void merge_capture(DoctorReport& rep, std::vector<Finding> capture_findings, CaptureFindings& cap);

void write_doctor_text(std::FILE* out, const DoctorReport& rep, const CaptureFindings* cap, bool color);
nlohmann::json doctor_json(const DoctorReport& rep, const CaptureFindings* cap);

}  // namespace netdx
