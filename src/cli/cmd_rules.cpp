// `netdx rules`: every rule with its id, severity and parameters;
// `netdx rules explain ID`: one rule's documentation.
#include <fmt/format.h>

#include <memory>

#include "cli/commands.hpp"
#include "core/exit_codes.hpp"
#include "rules/config.hpp"
#include "rules/user_rules.hpp"

namespace netdx {

namespace {

struct RulesArgs {
    std::string config;
    std::vector<std::string> sets;
    std::string explain_id;
};

void print_rule(const FindingDef& d, const RuleConfig& c, bool full) {
    const bool on = c.enabled(d.id);
    fmt::print("{:<30} {:<8} {:<13} {}{}\n", d.id, severity_name(c.severity(d)), d.group, d.title, on ? "" : " (disabled)");
    if (!full) {
        for (const ParamDef& p : d.params) {
            const std::string v = c.value(d.id, p.name);
            fmt::print("    {:<26} = {:<10}{}\n", p.name, v.empty() ? "\"\"" : v,
                       v == p.default_value ? std::string() : fmt::format(" (default {})", p.default_value));
        }
        return;
    }
    fmt::print("\nWhat it means\n  {}\n\nWhat to check\n  {}\n\nParameters (--set {}.NAME=VALUE, or [\"{}\"] in --config)\n",
               d.explanation, d.remediation, d.id, d.id);
    for (const ParamDef& p : d.params) {
        const std::string v = c.value(d.id, p.name);
        fmt::print("  {:<22} {:<8} {}{}\n", p.name, v.empty() ? "\"\"" : v, p.description,
                   v == p.default_value ? std::string() : fmt::format(" (default {})", p.default_value));
    }
    fmt::print("  {:<22} {:<8} {}\n  {:<22} {:<8} {}\n", "severity", severity_name(c.severity(d)),
               "info, notice, warning or error", "enabled", on ? "true" : "false", "false turns the rule off");
}

// A rule from the config's [user.NAME] tables.
void print_user_rule(const FindingDef& d, const UserRuleSpec& s) {
    fmt::print("{:<30} {:<8} {:<13} {}\n", d.id, severity_name(d.severity), d.group, d.title);
    fmt::print("    {:<26} = {}\n", "filter", s.filter);
    if (!s.group.empty()) fmt::print("    {:<26} = {}\n", "group", s.group);
    fmt::print("    {:<26} = {}\n", "min_count", s.min_count);
    if (s.window_s > 0) fmt::print("    {:<26} = {}\n", "window_s", s.window_s);
}

int run_rules(RulesArgs& a, bool explain) {
    RuleConfig config;
    if (!a.config.empty())
        if (std::string err = config.load_toml_file(a.config); !err.empty()) {
            fmt::print(stderr, "netdx rules: {}\n", err);
            return code(ExitCode::BadConfig);
        }
    for (const std::string& s : a.sets)
        if (std::string err = config.apply_set(s); !err.empty()) {
            fmt::print(stderr, "netdx rules: {}\n", err);
            return code(ExitCode::BadConfig);
        }
    std::vector<UserRuleSpec> specs;
    if (!a.config.empty())
        if (std::string err = load_user_rules_file(a.config, specs); !err.empty()) {
            fmt::print(stderr, "netdx rules: {}\n", err);
            return code(ExitCode::BadConfig);
        }
    std::unique_ptr<UserRules> user;
    try {
        user = std::make_unique<UserRules>(specs);
    } catch (const std::invalid_argument& e) {
        fmt::print(stderr, "netdx rules: {}: {}\n", a.config, e.what());
        return code(ExitCode::BadConfig);
    }
    if (explain) {
        if (const UserRuleSpec* s = user->spec(a.explain_id)) {
            print_user_rule(*user->def(a.explain_id), *s);
            fmt::print("\n{}\n", user->def(a.explain_id)->explanation);
            return 0;
        }
        const FindingDef* d = find_def(a.explain_id);
        if (!d) {
            fmt::print(stderr, "netdx rules: unknown rule \"{}\" (see `netdx rules`)\n", a.explain_id);
            return code(ExitCode::Usage);
        }
        print_rule(*d, config, true);
        return 0;
    }
    fmt::print("{:<30} {:<8} {:<13} {}\n", "ID", "SEVERITY", "GROUP", "TITLE / PARAMETERS");
    for (const FindingDef& d : finding_defs()) print_rule(d, config, false);
    for (const FindingDef* d : user->defs()) print_user_rule(*d, *user->spec(d->id));
    return 0;
}

}  // namespace

CommandRunner add_rules_command(CLI::App& app) {
    auto args = std::make_shared<RulesArgs>();
    CLI::App* cmd = app.add_subcommand("rules", "List the diagnostic rules with their severities and parameters");
    cmd->add_option("--config", args->config, "TOML file with rule settings to show applied");
    cmd->add_option("--set", args->sets, "Override one rule setting: rule.param=value")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    CLI::App* explain = cmd->add_subcommand("explain", "Print one rule's documentation");
    explain->add_option("id", args->explain_id, "Rule id, e.g. arp.duplicate_ip")->required();
    return [cmd, explain, args]() { return cmd->parsed() ? run_rules(*args, explain->parsed()) : -1; };
}

}  // namespace netdx
