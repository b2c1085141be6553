#pragma once
// Per-rule settings: enabled, severity, parameter values. Defaults come from
// the FindingDef table; a TOML file and `--set rule.param=value` override them.
#include <map>
#include <string>
#include <vector>

#include "rules/finding.hpp"

namespace netdx {

class RuleConfig {
public:
    RuleConfig();  // every rule at its defaults

    // TOML: one table per rule id, e.g.
    //   ["conn.refused"]
    //   min_attempts = 3
    //   severity = "error"
    //   enabled = false
    // Returns an error text or empty.
    std::string load_toml_file(const std::string& path);
    std::string load_toml_text(std::string_view text, std::string_view source);
    // "rule.id.param=value" (the rule id itself contains dots; the last dot splits).
    std::string apply_set(std::string_view assignment);

    [[nodiscard]] bool enabled(std::string_view id) const;
    [[nodiscard]] Severity severity(const FindingDef& def) const;
    // The user set this rule's severity (config file or --set).
    [[nodiscard]] bool severity_configured(std::string_view id) const;
    [[nodiscard]] double number(std::string_view id, std::string_view param) const;
    [[nodiscard]] std::string text(std::string_view id, std::string_view param) const;
    // The network picture's overrides: `--set network.subnets=10.20.0.0/16,...`,
    // `--set network.gateways=10.20.0.1` (TOML: a [network] table with the same keys).
    [[nodiscard]] const std::string& network_subnets() const { return network_subnets_; }
    [[nodiscard]] const std::string& network_gateways() const { return network_gateways_; }

    // Values as set (for `netdx rules`), default when unset.
    [[nodiscard]] std::string value(std::string_view id, std::string_view param) const;

private:
    struct Settings {
        bool enabled = true;
        std::optional<Severity> severity;
        std::map<std::string, std::string, std::less<>> values;
    };
    std::string set_value(const FindingDef& def, std::string_view param, std::string_view value);
    std::string set_network(std::string_view key, std::string_view value);
    std::map<std::string, Settings, std::less<>> rules_;
    std::string network_subnets_, network_gateways_;
};

}  // namespace netdx
