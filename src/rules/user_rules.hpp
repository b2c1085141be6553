#pragma once
// Rules users write in the rules config, without C++:
//
//   [user.server_errors]
//   filter = "http.response.code >= 500"      # a display filter (README, "Display filters")
//   severity = "warning"                      # info, notice, warning, error (default warning)
//   title = "Server error {http.response.code} from {ip.src}"   # {FIELD}: its value in the first matching packet
//   group = "ip.src"                          # one finding per value of this field (default: one in all)
//   min_count = 3                             # matching packets needed ... (default 1)
//   window_s = 60                             # ... within this many seconds (default: the whole capture)
//   # or min_rate = 0.5                       # packets per second over window_s (min_count = rate x window)
//
// Each produces ordinary findings with id user.NAME: evidence frames, JSON,
// JUnit, --fail-on, listed by `netdx rules`.
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/packet.hpp"
#include "dissectors/dissector.hpp"
#include "rules/finding.hpp"

namespace netdx {

class DisplayFilter;
class FlowEngine;

struct UserRuleSpec {
    std::string name;    // the rule's id is "user." + name
    std::string filter;
    Severity severity = Severity::Warning;
    std::string title;   // template; empty: "NAME: FILTER matched"
    std::string group;   // field name, or empty
    std::uint64_t min_count = 1;
    double window_s = 0;  // 0: the whole capture
};

// Reads the [user.NAME] tables of a rules TOML file (other tables are left
// to RuleConfig). Returns an error text naming the file and the rule, or empty.
std::string load_user_rules_text(std::string_view text, std::string_view source, std::vector<UserRuleSpec>& out);
std::string load_user_rules_file(const std::string& path, std::vector<UserRuleSpec>& out);

class UserRules {
public:
    // Compiles the filters and the templates' field names; throws
    // std::invalid_argument with a one-line message naming the rule.
    explicit UserRules(const std::vector<UserRuleSpec>& specs);
    ~UserRules();
    UserRules(const UserRules&) = delete;
    UserRules& operator=(const UserRules&) = delete;

    [[nodiscard]] bool empty() const { return rules_.empty(); }
    void begin_file(std::uint32_t index);
    // pkt decoded; every rule's filter is evaluated on it.
    void packet(Packet& pkt);
    [[nodiscard]] std::vector<Finding> finish();
    // The FindingDefs of the user rules (ids user.NAME), for listings and JUnit.
    [[nodiscard]] std::vector<const FindingDef*> defs() const;
    [[nodiscard]] const FindingDef* def(std::string_view id) const;
    [[nodiscard]] const UserRuleSpec* spec(std::string_view id) const;

private:
    struct Group {
        std::deque<Timestamp> recent;  // the last min_count matching times
        bool fired = false;
        Finding finding;
        std::uint64_t matched = 0;
    };
    struct Rule {
        UserRuleSpec spec;
        std::string id, title_text, explanation, remediation;
        FindingDef def{};
        std::unique_ptr<DisplayFilter> filter;
        const void* group_ref = nullptr;  // Registry::FieldRef of the group field
        std::vector<std::pair<std::string, const void*>> placeholders;  // {name} -> FieldRef
        std::map<std::string, Group> groups;
        std::uint64_t groups_refused = 0;
    };
    static constexpr std::size_t kMaxGroups = 10000;
    std::vector<std::unique_ptr<Rule>> rules_;
    std::unique_ptr<FlowEngine> flows_;  // when a filter names tcp.analysis.* and the like
    bool need_flows_ = false;
    CaptureClock clock_;
    std::uint32_t file_ = 0;
};

}  // namespace netdx
