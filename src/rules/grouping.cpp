// Folding findings that share a cause into one (see grouping.hpp).
#include "rules/grouping.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "network/network_model.hpp"
#include "rules/format.hpp"

namespace netdx {

namespace {

// What a rule's findings are grouped by, besides the path.
enum class By : std::uint8_t {
    Path,      // the path: within the LAN, or between the LAN and off-link hosts
    PathPort,  // path and server port (the key ends in ":PORT")
    PathCode,  // path and ICMP code (the key ends in "/CODE")
};

struct Spec {
    std::string_view id;
    By by;
    std::string_view noun;  // what one case is
    std::string_view what;  // the problem, for the title
};

constexpr Spec kSpecs[] = {
    {"tcp.retransmissions", By::Path, "host pairs", "TCP segments lost or retransmitted"},
    {"tcp.dup_ack_burst", By::Path, "host pairs", "bursts of duplicate ACKs (segments arriving with holes)"},
    {"tcp.zero_window", By::Path, "host pairs", "zero windows (receivers not reading fast enough)"},
    {"tcp.window_full", By::Path, "host pairs", "receive windows filled"},
    {"tcp.low_throughput", By::Path, "transfers", "transfers well below the path's capacity"},
    {"tcp.high_rtt", By::Path, "servers", "high round-trip times"},
    {"tcp.rising_rtt", By::Path, "transfers", "round-trip times rising during transfers"},
    {"tcp.mtu_blackhole", By::Path, "host pairs", "large segments lost (MTU black hole)"},
    {"conn.refused", By::PathPort, "services", "connection attempts refused"},
    {"conn.unanswered_syn", By::PathPort, "services", "connection attempts unanswered"},
    {"icmp.unreachable", By::PathCode, "hosts", "ICMP destination unreachable"},
    {"http.server_errors", By::Path, "HTTP servers", "HTTP 5xx answers"},
    {"http.unanswered", By::Path, "HTTP servers", "HTTP requests unanswered"},
    {"tls.handshake_failed", By::Path, "TLS servers", "TLS handshakes failed"},
    {"tls.version_mismatch", By::Path, "TLS servers", "TLS version mismatches"},
    {"smtp.rcpt_rejected", By::Path, "mail servers", "recipients rejected"},
    {"ftp.login_failed", By::Path, "FTP servers", "FTP logins failed"},
    {"mail.login_failed", By::Path, "mail servers", "mail logins failed"},
    {"dns.slow", By::Path, "resolvers", "slow DNS answers"},
    {"dns.unanswered", By::Path, "resolvers", "DNS queries unanswered"},
    {"dns.servfail", By::Path, "resolvers", "DNS SERVFAIL answers"},
    {"dns.nxdomain", By::Path, "resolvers", "NXDOMAIN answers"},
    {"dns.unexpected_resolver", By::Path, "clients", "queries to resolvers other clients do not use"},
    {"icmp.time_exceeded", By::Path, "destinations", "TTL exceeded (traceroutes or routing loops)"},
    {"addr.bogon", By::Path, "addresses", "bogon addresses on the wire"},
};

const Spec* spec_of(std::string_view id) {
    for (const Spec& s : kSpecs)
        if (s.id == id) return &s;
    return nullptr;
}

bool parse_ip_text(std::string_view s, IpAddress& out) {
    if (!s.empty() && s.front() == '[') s = s.substr(1, s.find(']') - 1);
    return parse_ip_address(s, out);
}

// The side of the network an address is on.
class Sides {
public:
    Sides(const NetworkModel& net) : net_(net), picture_(net.picture()) {
        for (const PictureGateway& g : picture_.gateways)
            if (g.address.family) {
                gateway_ = ip_str(g.address);
                break;
            }
    }
    [[nodiscard]] bool local(const std::string& host) const {
        IpAddress a;
        if (!parse_ip_text(host, a)) return true;
        if (net_.on_link(a) || net_.learned_prefix(a) >= 0) return true;
        for (const PictureSubnet& s : picture_.subnets)
            if (s.network.family == a.family && same_prefix(a, s.network, s.prefix_len)) return true;
        return false;
    }
    [[nodiscard]] std::string path(bool offlink) const {
        if (!offlink) return "within the LAN";
        return gateway_.empty() ? "between the LAN and off-link hosts"
                                : fmt::format("between the LAN and off-link hosts (via gateway {})", gateway_);
    }

private:
    const NetworkModel& net_;
    NetworkPicture picture_;
    std::string gateway_;
};

std::string icmp_code_name(int vc) {
    const int v = vc / 256, c = vc % 256;
    if (v == 4) {
        switch (c) {
            case 0: return "network unreachable";
            case 1: return "host unreachable";
            case 3: return "port unreachable";
            case 4: return "fragmentation needed";
            case 9: case 10: case 13: return "administratively prohibited";
        }
    } else if (v == 6) {
        switch (c) {
            case 0: return "no route";
            case 1: return "administratively prohibited";
            case 3: return "address unreachable";
            case 4: return "port unreachable";
        }
    }
    return fmt::format("ICMPv{} code {}", v, c);
}

std::string group_key(const Spec& s, const Finding& f, const Sides& sides, std::string& label) {
    bool offlink = false;
    if (s.by == By::Path) {
        for (std::size_t i = 0; i < std::min<std::size_t>(f.hosts.size(), 2); ++i) offlink = offlink || !sides.local(f.hosts[i]);
    } else if (!f.hosts.empty()) {
        offlink = !sides.local(f.hosts[0]);
    }
    std::string key = offlink ? "offlink" : "lan";
    label = sides.path(offlink);
    if (s.by == By::PathPort) {
        const auto colon = f.key.rfind(':');
        const std::string port = colon == std::string::npos ? "?" : f.key.substr(colon + 1);
        key += " port " + port;
        label = fmt::format("on port {} {}", port, label);
    } else if (s.by == By::PathCode) {
        const auto slash = f.key.rfind('/');
        const std::string code = slash == std::string::npos ? "?" : f.key.substr(slash + 1);
        key += " code " + code;
        int vc = 0;
        std::from_chars(code.data(), code.data() + code.size(), vc);
        label = fmt::format("({}) {}", icmp_code_name(vc), label);
    }
    return key;
}

// Counts add up; rates, times, sizes and per-case maxima do not: the worst one is kept.
bool additive(const Figure& f) {
    const std::string_view n = f.name;
    for (std::string_view m : {"longest", "same_segment_retries", "routers", "subnet_prefix_len", "mtu", "servers"})
        if (n == m) return false;
    if (n.substr(0, 3) == "max" || n.substr(0, 6) == "median" || n.substr(0, 5) == "worst") return false;
    return f.unit.empty() || f.unit == "B";
}

Finding merge(const Spec& s, std::vector<Finding>& members, const std::string& key, const std::string& label) {
    // Worst first: most evidence (lost segments, refusals, ...), then time.
    std::stable_sort(members.begin(), members.end(), [](const Finding& a, const Finding& b) {
        return a.evidence.total != b.evidence.total ? a.evidence.total > b.evidence.total : a.first_ts < b.first_ts;
    });
    Finding g;
    g.def = members.front().def;
    g.severity = members.front().severity;
    g.key = "group " + key;
    g.first_ts = members.front().first_ts;
    g.last_ts = members.front().last_ts;
    std::vector<Figure> sums, worst;
    std::set<std::string> hosts;
    for (Finding& m : members) {
        g.severity = std::max(g.severity, m.severity);
        g.first_ts = std::min(g.first_ts, m.first_ts);
        g.last_ts = std::max(g.last_ts, m.last_ts);
        for (const std::string& h : m.hosts) {
            if (hosts.insert(h).second && g.hosts.size() < 10) g.hosts.push_back(h);
        }
        for (const std::string& fl : m.flows)
            if (g.flows.size() < 4) g.flows.push_back(fl);
        for (const Figure& fig : m.figures) {
            auto& list = additive(fig) ? sums : worst;
            auto it = std::find_if(list.begin(), list.end(), [&](const Figure& x) { return x.name == fig.name; });
            if (it == list.end()) list.push_back(fig);
            else if (additive(fig)) it->value += fig.value;
            else it->value = std::max(it->value, fig.value);
        }
    }
    // Evidence from several cases: a few frames of each, worst first.
    const std::size_t per = std::max<std::size_t>(2, Evidence::kKeep / std::min<std::size_t>(members.size(), 8));
    for (const Finding& m : members) {
        for (std::size_t i = 0; i < m.evidence.frames.size() && i < per && g.evidence.frames.size() < Evidence::kKeep; ++i)
            g.evidence.frames.push_back(m.evidence.frames[i]);
        g.evidence.total += m.evidence.total;
    }
    g.figures.push_back({"grouped", static_cast<double>(members.size()), ""});
    g.figures.push_back({"hosts_total", static_cast<double>(hosts.size()), ""});
    for (Figure& f : sums) g.figures.push_back(f);
    for (Figure& f : worst) {
        f.name = "worst_" + f.name;
        g.figures.push_back(f);
    }
    g.title = fmt::format("{} on {} {} {}", s.what, members.size(), s.noun, label);
    std::string worst_titles;
    for (std::size_t i = 0; i < members.size() && i < 3; ++i)
        worst_titles += fmt::format("{}{}", i ? "; " : "", members[i].title);
    g.detail = fmt::format("One cause seen on {} {} ({} hosts{}): the worst are {}.{}", members.size(), s.noun,
                           hosts.size(), hosts.size() > g.hosts.size() ? ", the first 10 listed" : "", worst_titles,
                           members.front().detail.empty() ? "" : " Worst case: " + members.front().detail);
    return g;
}

}  // namespace

std::uint64_t cases_of(const Finding& f) {
    for (const Figure& fig : f.figures)
        if (fig.name == "grouped") return static_cast<std::uint64_t>(fig.value);
    return 1;
}

void group_findings(std::vector<Finding>& findings, const NetworkModel& network) {
    // Count candidates first: most captures have nothing to group.
    std::map<std::string_view, std::size_t> per_id;
    for (const Finding& f : findings)
        if (spec_of(f.def->id)) ++per_id[f.def->id];
    if (std::none_of(per_id.begin(), per_id.end(), [](auto& p) { return p.second >= kMinGroup; })) return;

    const Sides sides(network);
    std::map<std::pair<std::string_view, std::string>, std::vector<std::size_t>> groups;
    std::map<std::pair<std::string_view, std::string>, std::string> labels;
    for (std::size_t i = 0; i < findings.size(); ++i) {
        const Finding& f = findings[i];
        const Spec* s = spec_of(f.def->id);
        if (!s || per_id[f.def->id] < kMinGroup) continue;
        std::string label;
        const std::string key = group_key(*s, f, sides, label);
        groups[{f.def->id, key}].push_back(i);
        labels[{f.def->id, key}] = label;
    }
    // Cases whose port or code group stays small fall back to their path
    // alone ("on various ports"), so many small groups do not stay apart.
    std::map<std::pair<std::string_view, std::string>, std::vector<std::size_t>> fallback;
    for (auto& [k, idx] : groups) {
        if (idx.size() >= kMinGroup || spec_of(k.first)->by == By::Path) continue;
        const Finding& f = findings[idx.front()];
        const Spec& s = *spec_of(k.first);
        std::string label;
        const std::string path_key = group_key({s.id, By::Path, s.noun, s.what}, f, sides, label);
        const std::string path_label = label;
        auto& to = fallback[{k.first, path_key + (s.by == By::PathPort ? " various ports" : " various codes")}];
        to.insert(to.end(), idx.begin(), idx.end());
        labels[{k.first, path_key + (s.by == By::PathPort ? " various ports" : " various codes")}] =
            (s.by == By::PathPort ? "on various ports " : "(various codes) ") + path_label;
    }
    for (auto& [k, idx] : fallback)
        if (idx.size() >= kMinGroup) groups[k] = idx;
    std::vector<bool> folded(findings.size(), false);
    std::vector<Finding> out;
    for (auto& [k, idx] : groups) {
        if (idx.size() < kMinGroup) continue;
        if (std::any_of(idx.begin(), idx.end(), [&](std::size_t i) { return folded[i]; })) continue;
        std::vector<Finding> members;
        for (std::size_t i : idx) {
            members.push_back(std::move(findings[i]));
            folded[i] = true;
        }
        out.push_back(merge(*spec_of(k.first), members, k.second, labels[k]));
    }
    for (std::size_t i = 0; i < findings.size(); ++i)
        if (!folded[i]) out.push_back(std::move(findings[i]));
    findings = std::move(out);
}

}  // namespace netdx
