#include "rules/user_rules.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <toml++/toml.h>

#include "dissectors/registry.hpp"
#include "filter/display_filter.hpp"
#include "flow/flow_engine.hpp"

namespace netdx {

namespace {

// Limits of the numeric settings: a count nobody configures on purpose, a window of 30 years.
constexpr double kMaxCount = 1e12;
constexpr double kMaxWindowS = 1e9;

// Every value of a field in one packet, comma-joined, as -T fields prints it.
std::string field_text(const Registry::FieldRef& ref, const Packet& pkt, const CaptureClock& clock) {
    fmt::memory_buffer buf;
    FieldOut fo(buf);
    if (ref.proto == Proto::None) {
        ref.field->fn(FieldContext{pkt, nullptr, clock}, fo);
    } else {
        const Registry& reg = Registry::get();
        for (const Layer& l : pkt.layers)
            if (reg.field_owner(l.proto) == ref.proto) ref.field->fn(FieldContext{pkt, &l, clock}, fo);
    }
    return fmt::to_string(buf);
}

std::string read_file(const std::string& path, bool& ok) {
    std::string text;
    std::FILE* f = std::fopen(path.c_str(), "rb");
    ok = f != nullptr;
    if (!f) return text;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    std::fclose(f);
    return text;
}

}  // namespace

std::string load_user_rules_text(std::string_view text, std::string_view source, std::vector<UserRuleSpec>& out) {
    toml::table tbl;
    try {
        tbl = toml::parse(text, source);
    } catch (const toml::parse_error& e) {
        return fmt::format("{}: {}", source, e.description());
    }
    const toml::table* user = tbl["user"].as_table();
    if (!user) return {};
    for (const auto& [key, node] : *user) {
        const std::string name(key.str());
        const toml::table* t = node.as_table();
        if (!t) return fmt::format("{}: [user.{}] must be a table", source, name);
        UserRuleSpec s;
        s.name = name;
        double rate = 0;
        for (const auto& entry : *t) {
            // Not a structured binding: clang 14 cannot capture one in the lambdas below.
            const std::string_view k = entry.first.str();
            const toml::node& pv = entry.second;
            auto str = [&]() -> std::optional<std::string> {
                if (auto v = pv.as_string()) return v->get();
                return std::nullopt;
            };
            auto num = [&]() -> std::optional<double> {
                if (auto v = pv.as_integer()) return static_cast<double>(v->get());
                if (auto v = pv.as_floating_point()) return v->get();
                return std::nullopt;
            };
            std::optional<double> n;
            if (k == "filter" && str()) s.filter = *str();
            else if (k == "title" && str()) s.title = *str();
            else if (k == "group" && str()) s.group = *str();
            else if (k == "severity" && str() && parse_severity(*str())) s.severity = *parse_severity(*str());
            // Bounded so the conversions to a count stay defined (the fuzzer
            // found min_count = 4e20, past what a 64-bit count holds).
            else if (k == "min_count" && (n = num()) && *n >= 1 && *n <= kMaxCount)
                s.min_count = static_cast<std::uint64_t>(*n);
            else if (k == "window_s" && (n = num()) && *n > 0 && *n <= kMaxWindowS) s.window_s = *n;
            else if (k == "min_rate" && (n = num()) && *n > 0 && *n <= kMaxCount) rate = *n;
            else
                return fmt::format("{}: user.{}.{}: unknown setting or bad value (filter, title, group: strings; "
                                   "severity: info|notice|warning|error; min_count 1..1e12; window_s 0..1e9 s; min_rate 0..1e12)",
                                   source, name, k);
        }
        if (s.filter.empty()) return fmt::format("{}: user.{} has no filter", source, name);
        if (rate > 0) {  // a rate is a count over the window (1 s when none is given)
            if (s.window_s <= 0) s.window_s = 1;
            const double count = std::ceil(rate * s.window_s - 1e-9);
            if (count > kMaxCount)
                return fmt::format("{}: user.{}: min_rate x window_s is over 1e12 events", source, name);
            s.min_count = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(count));
        }
        out.push_back(std::move(s));
    }
    return {};
}

std::string load_user_rules_file(const std::string& path, std::vector<UserRuleSpec>& out) {
    bool ok = false;
    const std::string text = read_file(path, ok);
    if (!ok) return fmt::format("cannot read config file {}", path);
    return load_user_rules_text(text, path, out);
}

UserRules::UserRules(const std::vector<UserRuleSpec>& specs) {
    const Registry& reg = Registry::get();
    for (const UserRuleSpec& spec : specs) {
        auto r = std::make_unique<Rule>();
        r->spec = spec;
        r->id = "user." + spec.name;
        try {
            r->filter = std::make_unique<DisplayFilter>(spec.filter);
        } catch (const filter::FilterError& e) {
            throw std::invalid_argument(fmt::format("{}: bad filter: {}", r->id, e.what()));
        }
        need_flows_ = need_flows_ || r->filter->needs_flow_analysis();
        if (!spec.group.empty()) {
            r->group_ref = reg.field(spec.group);
            if (!r->group_ref)
                throw std::invalid_argument(fmt::format("{}: group: unknown field \"{}\" (netdx fields lists them)",
                                                        r->id, spec.group));
        }
        // {field} placeholders of the title
        for (std::size_t i = spec.title.find('{'); i != std::string::npos; i = spec.title.find('{', i + 1)) {
            const std::size_t j = spec.title.find('}', i);
            if (j == std::string::npos) break;
            const std::string name = spec.title.substr(i + 1, j - i - 1);
            const Registry::FieldRef* ref = reg.field(name);
            if (!ref)
                throw std::invalid_argument(
                    fmt::format("{}: title: unknown field \"{{{}}}\" (netdx fields lists them)", r->id, name));
            r->placeholders.emplace_back(name, ref);
        }
        r->title_text = spec.title.empty() ? fmt::format("{}: packets matched {}", r->id, spec.filter) : spec.title;
        r->explanation = fmt::format("A rule from the rules config: fires when at least {} packet(s){}{} match the filter {}.",
                                     spec.min_count,
                                     spec.window_s > 0 ? fmt::format(" within {} s", spec.window_s) : std::string(),
                                     spec.group.empty() ? std::string() : " with the same " + spec.group, spec.filter);
        r->def.id = r->id;
        r->def.group = "user";
        r->def.severity = spec.severity;
        r->def.title = r->title_text;
        r->def.explanation = r->explanation;
        r->remediation = "See the evidence frames; the rule is defined in the rules config ([user." + spec.name + "]).";
        r->def.remediation = r->remediation;
        rules_.push_back(std::move(r));
    }
}

UserRules::~UserRules() = default;

void UserRules::begin_file(std::uint32_t index) {
    file_ = index;
    clock_ = CaptureClock{};
    if (need_flows_) flows_ = std::make_unique<FlowEngine>();
}

void UserRules::packet(Packet& pkt) {
    if (rules_.empty()) return;
    if (!clock_.started) clock_.first = clock_.previous = pkt.ts, clock_.started = true;
    if (flows_) {
        const PacketFlowInfo& fi = flows_->process(pkt);
        pkt.tcp_analysis = fi.tcp ? &fi.seg : nullptr;
    }
    for (auto& rp : rules_) {
        Rule& r = *rp;
        if (!r.filter->matches(pkt, clock_)) continue;
        std::string key = r.group_ref ? field_text(*static_cast<const Registry::FieldRef*>(r.group_ref), pkt, clock_)
                                      : std::string();
        auto it = r.groups.find(key);
        if (it == r.groups.end()) {
            if (r.groups.size() >= kMaxGroups) {
                ++r.groups_refused;
                continue;
            }
            it = r.groups.emplace(key, Group{}).first;
            // The title's values come from the group's first matching packet.
            std::string title = r.title_text;
            for (const auto& [name, ref] : r.placeholders) {
                const std::string v = field_text(*static_cast<const Registry::FieldRef*>(ref), pkt, clock_);
                const std::string ph = "{" + name + "}";
                for (std::size_t p = title.find(ph); p != std::string::npos; p = title.find(ph, p + v.size()))
                    title.replace(p, ph.size(), v.empty() ? "-" : v);
            }
            Finding& f = it->second.finding;
            f.title = std::move(title);
            f.key = key;
            f.first_ts = pkt.ts.seconds();
            if (!key.empty()) f.hosts.push_back(key);
        }
        Group& g = it->second;
        ++g.matched;
        g.finding.last_ts = pkt.ts.seconds();
        g.finding.evidence.add(FrameRef{file_, pkt.number});
        g.recent.push_back(pkt.ts);
        if (g.recent.size() > r.spec.min_count) g.recent.pop_front();
        if (!g.fired && g.recent.size() >= r.spec.min_count &&
            (r.spec.window_s <= 0 || pkt.ts.seconds() - g.recent.front().seconds() <= r.spec.window_s))
            g.fired = true;
    }
    clock_.previous = pkt.ts;
    pkt.tcp_analysis = nullptr;
}

std::vector<Finding> UserRules::finish() {
    std::vector<Finding> out;
    for (auto& rp : rules_) {
        Rule& r = *rp;
        for (auto& [key, g] : r.groups) {
            if (!g.fired) continue;
            Finding f = std::move(g.finding);
            f.def = &r.def;
            f.severity = r.spec.severity;
            f.detail = fmt::format("{} packet(s) matched {}{}{}.", g.matched, r.spec.filter,
                                   key.empty() ? std::string() : fmt::format(" with {} = {}", r.spec.group, key),
                                   r.spec.min_count > 1
                                       ? fmt::format(" (threshold: {}{})", r.spec.min_count,
                                                     r.spec.window_s > 0 ? fmt::format(" within {} s", r.spec.window_s)
                                                                         : std::string())
                                       : std::string());
            f.figures.push_back(Figure{"matching packets", static_cast<double>(g.matched), ""});
            out.push_back(std::move(f));
        }
    }
    return out;
}

std::vector<const FindingDef*> UserRules::defs() const {
    std::vector<const FindingDef*> out;
    for (const auto& r : rules_) out.push_back(&r->def);
    return out;
}

const FindingDef* UserRules::def(std::string_view id) const {
    for (const auto& r : rules_)
        if (r->id == id) return &r->def;
    return nullptr;
}

const UserRuleSpec* UserRules::spec(std::string_view id) const {
    for (const auto& r : rules_)
        if (r->id == id) return &r->spec;
    return nullptr;
}

}  // namespace netdx
