#include "cli/probe_common.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>

#include "core/exit_codes.hpp"

namespace netdx {

void add_report_options(CLI::App& cmd, ReportArgs& args, const char* fail_on_help) {
    cmd.add_option("-T,--format", args.format, "Report format: text or json")->check(CLI::IsMember({"text", "json"}));
    cmd.add_option("--fail-on", args.fail_on, fail_on_help)->check(CLI::IsMember({"info", "notice", "warning", "error"}));
    cmd.add_option("--config", args.config, "TOML file with rule settings (severity, enabled; see `netdx rules`)");
    cmd.add_option("--set", args.sets, "Override one rule setting: rule.severity=S, rule.enabled=false")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd.add_option("--color", args.color, "Colour the text report: auto (terminal, unless NO_COLOR), always, never")
        ->check(CLI::IsMember({"auto", "always", "never"}));
}

int load_rule_config(const ReportArgs& a, RuleConfig& config, const char* who) {
    if (!a.config.empty())
        if (std::string err = config.load_toml_file(a.config); !err.empty()) {
            fmt::print(stderr, "netdx {}: {}\n", who, err);
            return code(ExitCode::BadConfig);
        }
    for (const std::string& s : a.sets)
        if (std::string err = config.apply_set(s); !err.empty()) {
            fmt::print(stderr, "netdx {}: {}\n", who, err);
            return code(ExitCode::BadConfig);
        }
    return 0;
}

bool use_color(const std::string& mode, std::FILE* out) {
    if (mode == "always") return true;
    if (mode == "never") return false;
    const char* no_color = std::getenv("NO_COLOR");
    if (no_color && *no_color) return false;
    return isatty(fileno(out));
}

int findings_exit(const std::vector<Finding>& findings, std::optional<Severity> fail_on) {
    if (fail_on)
        for (const Finding& f : findings)
            if (f.severity >= *fail_on) return code(ExitCode::FindingsReached);
    return code(ExitCode::Ok);
}

}  // namespace netdx
