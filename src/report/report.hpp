#pragma once
// The sinks of `netdx analyze`: a text report for people (colour optional),
// one JSON document, NDJSON (one finding per line) and JUnit XML for CI.
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/summary.hpp"
#include "network/network_picture.hpp"
#include "rules/state_budget.hpp"
#include "rules/finding.hpp"

namespace netdx {

struct AnalysisReport {
    const CaptureSummary& summary;
    const std::vector<Finding>& findings;
    std::uint64_t limit_drops = 0;  // state entries refused because a table was full
    // analyze -Y: the filter, and how many packets were read (summary.packets
    // counts the matching ones, the only ones the rules saw). Empty: no filter.
    std::string display_filter;
    std::uint64_t packets_read = 0;
    // Rules from the config's [user.NAME] tables (not in finding_defs()).
    std::vector<const FindingDef*> user_defs;
    const NetworkPicture* network = nullptr;  // printed when given
    const std::vector<TableLimit>* limits = nullptr;  // the tables that refused entries
    std::uint64_t memory_mb = 0;
};

void write_text_report(std::FILE* out, const AnalysisReport& r, bool color);
// One finding as the text and JSON reports show it (also used by `netdx doctor`).
void write_text_finding(std::FILE* out, const Finding& f, const CaptureSummary& s, bool color);
nlohmann::json finding_json(const Finding& f, const CaptureSummary& s);
nlohmann::json report_json(const AnalysisReport& r);
void write_ndjson_report(std::FILE* out, const AnalysisReport& r);
// Findings at or above `failure` are <failure> elements; the rest go to system-out.
void write_junit_report(std::FILE* out, const AnalysisReport& r, Severity failure);

// "2026-11-25T14:00:01.123Z"
std::string iso_time(double ts);

}  // namespace netdx
