// DHCPv6 rules over the DHCP tracker's v6 exchanges: servers answering with a
// failure status (NoAddrsAvail: the pool is exhausted) and Solicits nobody
// answers (no server or relay on the link).
#include <set>

#include "events/dhcp_events.hpp"
#include "rules/bounded.hpp"
#include "rules/format.hpp"
#include "rules/rules_all.hpp"

namespace netdx {

namespace {

// RFC 8415 section 21.13 status codes.
std::string_view status_name(int code) {
    switch (code) {
        case 1: return "UnspecFail";
        case 2: return "NoAddrsAvail";
        case 3: return "NoBinding";
        case 4: return "NotOnLink";
        case 5: return "UseMulticast";
        case 6: return "NoPrefixAvail";
        default: return "status";
    }
}

struct Tally {
    std::uint64_t count = 0;
    double first = 0, last = 0;
    std::set<std::string> clients;  // a few DUIDs or addresses
    std::set<std::string> notes;    // status names and messages
    Evidence ev;
    void add(const Dhcpv6Exchange& e, std::uint32_t file) {
        if (!count) first = e.first_ts.seconds();
        ++count;
        last = e.last_ts.seconds();
        if (clients.size() < 8) clients.insert(e.client.family ? ip_str(e.client) : e.client_duid);
        ev.add({file, e.first_frame});
        if (e.last_frame != e.first_frame) ev.add({file, e.last_frame});
    }
};

class Dhcpv6Rules final : public Rule {
public:
    explicit Dhcpv6Rules(const RuleConfig& c)
        : fail_min_(c.number("dhcpv6.failure_status", "min_count")),
          solicit_min_(c.number("dhcpv6.no_advertise", "min_solicits")) {}

    void subscribe(EventBus& bus) override {
        bus.subscribe<&Dhcpv6Rules::on_dhcpv6>(this);
    }
    void on_dhcpv6(const Dhcpv6Exchange& e) {
        const std::uint32_t file = e.file;
        if (e.status_code > 0) {
            Tally* t = failures_.get(e.status_code);
            if (!t) return;
            t->add(e, file);
            if (t->notes.size() < 3 && !e.status_message.empty()) t->notes.insert(e.status_message);
            for (const IpAddress& s : e.servers)
                if (servers_.size() < 4) servers_.insert(ip_str(s));
        } else if (e.outcome == Dhcpv6Outcome::NoAdvertise && e.solicits) {
            unanswered_.add(e, file);
            solicits_ += e.solicits;
        }
    }

    void finish(FinishContext& ctx) override {
        for (auto& [code, t] : failures_) {
            if (static_cast<double>(t.count) < fail_min_) continue;
            Finding f = base(fmt::format("status-{}", code), t);
            f.title = fmt::format("DHCPv6 server {} answered {} to {} exchange(s) from {}", fmt::join(servers_, ", "),
                                  status_name(code), t.count, fmt::join(t.clients, ", "));
            f.detail = t.notes.empty() ? fmt::format("Status code {}.", code)
                                       : fmt::format("Status code {}: {}", code, fmt::join(t.notes, "; "));
            f.hosts.insert(f.hosts.begin(), servers_.begin(), servers_.end());
            f.figures = {{"exchanges", static_cast<double>(t.count), ""}, {"status_code", static_cast<double>(code), ""}};
            ctx.sink.raise("dhcpv6.failure_status", std::move(f));
        }
        if (unanswered_.count && static_cast<double>(solicits_) >= solicit_min_) {
            Finding f = base("solicit", unanswered_);
            f.title = fmt::format("{} DHCPv6 Solicit(s) from {} got no Advertise", solicits_,
                                  fmt::join(unanswered_.clients, ", "));
            f.detail = "No DHCPv6 server (or relay) answered on this link.";
            f.figures = {{"solicits", static_cast<double>(solicits_), ""}};
            ctx.sink.raise("dhcpv6.no_advertise", std::move(f));
        }
    }
    [[nodiscard]] std::uint64_t dropped() const override { return failures_.dropped(); }

private:
    static Finding base(std::string key, const Tally& t) {
        Finding f;
        f.key = std::move(key);
        f.hosts.assign(t.clients.begin(), t.clients.end());
        f.first_ts = t.first;
        f.last_ts = t.last;
        f.evidence = t.ev;
        return f;
    }
    double fail_min_, solicit_min_;
    BoundedMap<int, Tally, 64> failures_{"dhcpv6.failure_status: status codes", "DHCPv6 failure findings for further status codes"};
    std::set<std::string> servers_;
    Tally unanswered_;
    std::uint64_t solicits_ = 0;
};

}  // namespace

void add_dhcpv6_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c) {
    out.push_back(std::make_unique<Dhcpv6Rules>(c));
}

}  // namespace netdx
