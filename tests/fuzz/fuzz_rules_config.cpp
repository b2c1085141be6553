// libFuzzer entry point: the input is a rules config file (--rules-config
// TOML): the per-rule settings and the [user.NAME] rules are loaded from it as
// `netdx analyze` loads them, and the user rules that load are compiled.
#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "rules/config.hpp"
#include "rules/user_rules.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace netdx;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    RuleConfig config;
    if (config.load_toml_text(text, "fuzz.toml").empty()) {
        (void)config.network_subnets();
        (void)config.value("conn.refused", "min_attempts");
    }
    std::vector<UserRuleSpec> specs;
    if (load_user_rules_text(text, "fuzz.toml", specs).empty() && !specs.empty()) {
        try {
            UserRules rules(specs);
            (void)rules.finish();
        } catch (const std::invalid_argument&) {
            // A rule whose filter or template does not compile: refused with a message.
        }
    }
    return 0;
}
