// Rule settings from defaults, a TOML file (toml++) and --set assignments.
#include "rules/config.hpp"

#include <fmt/format.h>

#include <charconv>
#include <stdexcept>
#include <toml++/toml.h>

#include "network/network_model.hpp"

namespace netdx {

namespace {

const ParamDef* find_param(const FindingDef& def, std::string_view name) {
    for (const ParamDef& p : def.params)
        if (p.name == name) return &p;
    return nullptr;
}

bool is_number(std::string_view s) {
    double v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && ptr == s.data() + s.size();
}

// Parameters whose default is a number must stay numbers.
bool numeric_param(const ParamDef& p) { return !p.default_value.empty() && is_number(p.default_value); }

std::string toml_value_text(const toml::node& n) {
    if (auto v = n.as_integer()) return std::to_string(v->get());
    if (auto v = n.as_floating_point()) return fmt::format("{}", v->get());
    if (auto v = n.as_boolean()) return v->get() ? "1" : "0";
    if (auto v = n.as_string()) return v->get();
    if (auto arr = n.as_array()) {
        std::string out;
        for (const toml::node& e : *arr) {
            if (!out.empty()) out += ',';
            out += toml_value_text(e);
        }
        return out;
    }
    return {};
}

}  // namespace

RuleConfig::RuleConfig() = default;

std::string RuleConfig::set_value(const FindingDef& def, std::string_view param, std::string_view value) {
    Settings& s = rules_[std::string(def.id)];
    if (param == "enabled") {
        if (value == "true" || value == "1" || value == "yes") s.enabled = true;
        else if (value == "false" || value == "0" || value == "no") s.enabled = false;
        else return fmt::format("{}.enabled: expected true or false, got \"{}\"", def.id, value);
        return {};
    }
    if (param == "severity") {
        auto sev = parse_severity(value);
        if (!sev) return fmt::format("{}.severity: expected info, notice, warning or error, got \"{}\"", def.id, value);
        s.severity = *sev;
        return {};
    }
    const ParamDef* p = find_param(def, param);
    if (!p) return fmt::format("rule {} has no parameter \"{}\" (see `netdx rules explain {}`)", def.id, param, def.id);
    if (numeric_param(*p) && !is_number(value))
        return fmt::format("{}.{}: expected a number, got \"{}\"", def.id, param, value);
    s.values[std::string(param)] = std::string(value);
    return {};
}

std::string RuleConfig::set_network(std::string_view key, std::string_view value) {
    std::vector<std::pair<IpAddress, int>> subnets;
    std::vector<IpAddress> gateways;
    if (key == "subnets") {
        if (std::string err = parse_subnet_list(value, subnets); !err.empty()) return err;
        network_subnets_ = value;
        return {};
    }
    if (key == "gateways") {
        if (std::string err = parse_address_list(value, gateways); !err.empty()) return err;
        network_gateways_ = value;
        return {};
    }
    return fmt::format("network has no setting \"{}\" (subnets, gateways)", key);
}

std::string RuleConfig::apply_set(std::string_view assignment) {
    const auto eq = assignment.find('=');
    if (eq == std::string_view::npos) return fmt::format("--set expects rule.param=value, got \"{}\"", assignment);
    const std::string_view lhs = assignment.substr(0, eq), value = assignment.substr(eq + 1);
    const auto dot = lhs.rfind('.');
    if (dot == std::string_view::npos) return fmt::format("--set expects rule.param=value, got \"{}\"", assignment);
    if (lhs.substr(0, dot) == "network") return set_network(lhs.substr(dot + 1), value);
    const FindingDef* def = find_def(lhs.substr(0, dot));
    if (!def) return fmt::format("unknown rule \"{}\" (see `netdx rules`)", lhs.substr(0, dot));
    return set_value(*def, lhs.substr(dot + 1), value);
}

std::string RuleConfig::load_toml_text(std::string_view text, std::string_view source) {
    toml::table tbl;
    try {
        tbl = toml::parse(text, source);
    } catch (const toml::parse_error& e) {
        const auto& b = e.source().begin;
        return fmt::format("{}:{}:{}: {}", source, b.line, b.column, e.description());
    }
    for (const auto& [key, node] : tbl) {
        if (key.str() == "user") continue;  // [user.NAME]: rules users write (rules/user_rules.hpp)
        if (key.str() == "network") {
            const toml::table* net = node.as_table();
            if (!net) return fmt::format("{}: [network] must be a table", source);
            for (const auto& [nkey, nnode] : *net) {
                std::string err = set_network(nkey.str(), toml_value_text(nnode));
                if (!err.empty()) return fmt::format("{}: {}", source, err);
            }
            continue;
        }
        const FindingDef* def = find_def(key.str());
        if (!def) return fmt::format("{}: unknown rule \"{}\" (see `netdx rules`)", source, key.str());
        const toml::table* rule = node.as_table();
        if (!rule) return fmt::format("{}: [\"{}\"] must be a table of parameters", source, key.str());
        for (const auto& [pkey, pnode] : *rule) {
            std::string err = set_value(*def, pkey.str(), toml_value_text(pnode));
            if (!err.empty()) return fmt::format("{}: {}", source, err);
        }
    }
    return {};
}

std::string RuleConfig::load_toml_file(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return fmt::format("cannot read config file {}", path);
    std::string text;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    std::fclose(f);
    return load_toml_text(text, path);
}

bool RuleConfig::enabled(std::string_view id) const {
    auto it = rules_.find(id);
    return it == rules_.end() || it->second.enabled;
}

bool RuleConfig::severity_configured(std::string_view id) const {
    auto it = rules_.find(id);
    return it != rules_.end() && it->second.severity.has_value();
}

Severity RuleConfig::severity(const FindingDef& def) const {
    auto it = rules_.find(def.id);
    if (it != rules_.end() && it->second.severity) return *it->second.severity;
    return def.severity;
}

std::string RuleConfig::value(std::string_view id, std::string_view param) const {
    auto it = rules_.find(id);
    if (it != rules_.end()) {
        auto v = it->second.values.find(param);
        if (v != it->second.values.end()) return v->second;
    }
    if (const FindingDef* def = find_def(id))
        if (const ParamDef* p = find_param(*def, param)) return std::string(p->default_value);
    // A rule asking for a parameter its FindingDef does not declare is a bug.
    throw std::logic_error(fmt::format("rule {} reads undeclared parameter {}", id, param));
}

std::string RuleConfig::text(std::string_view id, std::string_view param) const { return value(id, param); }

double RuleConfig::number(std::string_view id, std::string_view param) const {
    const std::string v = value(id, param);
    double d = 0;
    std::from_chars(v.data(), v.data() + v.size(), d);
    return d;
}

}  // namespace netdx
