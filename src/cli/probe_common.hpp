#pragma once
// What `netdx probe` and `netdx doctor` share on the command line: the report
// format, --fail-on, the rule configuration, colour, and printing findings the
// way `netdx analyze` does.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "rules/config.hpp"
#include "rules/finding.hpp"

namespace netdx {

struct ReportArgs {
    std::string format = "text";
    std::string fail_on;
    std::string config;
    std::vector<std::string> sets;
    std::string color = "auto";
};

void add_report_options(CLI::App& cmd, ReportArgs& args, const char* fail_on_default_text);
// Loads --config and --set; prints the error and returns BadConfig's code, or 0.
int load_rule_config(const ReportArgs& args, RuleConfig& config, const char* who);
bool use_color(const std::string& mode, std::FILE* out);
// Exit code: FindingsReached when a finding reaches `fail_on`, else Ok.
int findings_exit(const std::vector<Finding>& findings, std::optional<Severity> fail_on);

}  // namespace netdx
