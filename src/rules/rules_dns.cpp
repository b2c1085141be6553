// DNS rules over the DNS tracker's transactions: unanswered queries, error
// rcodes per resolver (with the names), slow resolvers (latency percentiles),
// truncation without TCP retry, unsolicited responses, unexpected resolvers.
#include <algorithm>
#include <map>
#include <set>

#include "events/dns_events.hpp"
#include "rules/bounded.hpp"
#include "rules/format.hpp"
#include "rules/percentile.hpp"
#include "rules/rules_all.hpp"

namespace netdx {

namespace {

struct Tally {
    std::uint64_t count = 0;
    double first = 0, last = 0;
    std::set<std::string> names;  // a few
    std::set<IpAddress> clients;  // a few
    Evidence ev;
    void add(const DnsTransaction& t, FrameRef a, FrameRef b, double ts) {
        if (!count) first = ts;
        ++count;
        last = ts;
        if (names.size() < 6 && !t.qname.empty()) names.insert(t.qname);
        if (clients.size() < 6) clients.insert(t.client);
        ev.add(a);
        if (b != a) ev.add(b);
    }
};

struct Resolver {
    std::uint64_t queries = 0, answered = 0;
    Tally unanswered, servfail, refused, nxdomain, slow, truncated, unsolicited;
    std::vector<double> latencies;  // capped sample
    std::vector<std::pair<double, FrameRef>> open_at_end;  // queries still open when the capture ended
    std::set<IpAddress> clients;    // capped
};

class DnsRules final : public Rule {
public:
    explicit DnsRules(const RuleConfig& c)
        : unans_min_(c.number("dns.unanswered", "min_count")),
          unans_ratio_(c.number("dns.unanswered", "min_ratio")),
          servfail_min_(c.number("dns.servfail", "min_count")),
          refused_min_(c.number("dns.refused", "min_count")),
          nx_min_(c.number("dns.nxdomain", "min_count")),
          slow_s_(c.number("dns.slow", "slow_ms") / 1000.0),
          slow_min_(c.number("dns.slow", "min_slow")),
          slow_ratio_(c.number("dns.slow", "min_ratio")),
          tc_min_(c.number("dns.truncated_no_tcp", "min_count")),
          unsol_min_(c.number("dns.unsolicited_response", "min_count")),
          unsol_skip_(c.number("dns.unsolicited_response", "ignore_first_s")),
          expected_(c.text("dns.unexpected_resolver", "resolvers")) {}

    void subscribe(EventBus& bus) override {
        bus.subscribe<&DnsRules::on_dns>(this);
    }
    void on_dns(const DnsTransaction& t) {
        const std::uint32_t file = t.file;
        if (t.mdns || t.llmnr || t.end == DnsEnd::Evicted) return;
        Resolver* r = resolvers_.get(t.server);
        if (!r) return;
        const FrameRef q{file, t.query_frame}, a{file, t.response_frame};
        const double qts = t.query_ts.seconds(), ats = t.response_ts.seconds();
        if (t.end == DnsEnd::Unsolicited) {
            r->unsolicited.add(t, a, a, ats);
            if (!first_unsolicited_ || ats < first_unsolicited_) first_unsolicited_ = ats;
            return;
        }
        ++r->queries;
        if (r->clients.size() < 256) r->clients.insert(t.client);
        if (auto* u = usage_.get(t.client); u && (u->size() < 16 || u->count(t.server))) (*u)[t.server].add(t, q, q, qts);
        if (!t.has_response) {
            if (t.end == DnsEnd::EndOfCapture) {
                if (r->open_at_end.size() < 256) r->open_at_end.emplace_back(qts, q);
            } else {
                r->unanswered.add(t, q, q, qts);
            }
            return;
        }
        ++r->answered;
        if (r->latencies.size() < 4096 && t.latency >= 0) r->latencies.push_back(t.latency);
        if (t.latency > slow_s_) r->slow.add(t, q, a, qts);
        if (t.rcode == 2) r->servfail.add(t, q, a, ats);
        if (t.rcode == 5) r->refused.add(t, q, a, ats);
        if (t.rcode == 3) r->nxdomain.add(t, q, a, ats);
        if (t.truncated && !t.retried_over_tcp) r->truncated.add(t, q, a, ats);
    }

    void finish(FinishContext& ctx) override {
        // Queries open at the very end may simply not have been answered yet.
        for (auto& [ip, r] : resolvers_)
            for (auto& [ts, f] : r.open_at_end)
                if (ctx.capture_last - ts > 2.0) {
                    r.unanswered.count++;
                    r.unanswered.ev.add(f);
                    if (!r.unanswered.first || ts < r.unanswered.first) r.unanswered.first = ts;
                    r.unanswered.last = std::max(r.unanswered.last, ts);
                }
        for (auto& [ip, r] : resolvers_) {
            const std::string srv = ip_str(ip);
            const double qn = static_cast<double>(std::max<std::uint64_t>(r.queries, 1));
            if (r.unanswered.count >= unans_min_ && r.unanswered.count / qn >= unans_ratio_)
                emit(ctx, "dns.unanswered", srv, r.unanswered,
                     fmt::format("Resolver {} left {} of {} queries unanswered", srv, r.unanswered.count, r.queries),
                     {{"unanswered", static_cast<double>(r.unanswered.count), ""}, {"queries", static_cast<double>(r.queries), ""}});
            if (r.servfail.count && r.servfail.count >= servfail_min_)
                emit(ctx, "dns.servfail", srv, r.servfail,
                     fmt::format("Resolver {} answered SERVFAIL {} time(s)", srv, r.servfail.count),
                     {{"servfail", static_cast<double>(r.servfail.count), ""}, {"rate", r.servfail.count / qn, ""}});
            if (r.refused.count && r.refused.count >= refused_min_)
                emit(ctx, "dns.refused", srv, r.refused,
                     fmt::format("Resolver {} refused {} quer{}", srv, r.refused.count, r.refused.count == 1 ? "y" : "ies"),
                     {{"refused", static_cast<double>(r.refused.count), ""}, {"rate", r.refused.count / qn, ""}});
            if (r.nxdomain.count && r.nxdomain.count >= nx_min_)
                emit(ctx, "dns.nxdomain", srv, r.nxdomain,
                     fmt::format("{} NXDOMAIN answer(s) from {}: {}", r.nxdomain.count, srv, fmt::join(r.nxdomain.names, ", ")),
                     {{"nxdomain", static_cast<double>(r.nxdomain.count), ""}, {"rate", r.nxdomain.count / qn, ""}});
            const double an = static_cast<double>(std::max<std::uint64_t>(r.answered, 1));
            if (r.slow.count && r.slow.count >= slow_min_ && r.slow.count / an >= slow_ratio_) {
                const double p50 = percentile(r.latencies, 0.5), p90 = percentile(r.latencies, 0.9);
                const double mx = r.latencies.empty() ? 0 : *std::max_element(r.latencies.begin(), r.latencies.end());
                emit(ctx, "dns.slow", srv, r.slow,
                     fmt::format("Resolver {} is slow: median {:.0f} ms, p90 {:.0f} ms ({} of {} answers over {:.0f} ms)", srv,
                                 p50 * 1000, p90 * 1000, r.slow.count, r.answered, slow_s_ * 1000),
                     {{"p50", p50 * 1000, "ms"}, {"p90", p90 * 1000, "ms"}, {"max", mx * 1000, "ms"},
                      {"slow", static_cast<double>(r.slow.count), ""}});
            }
            if (r.truncated.count && r.truncated.count >= tc_min_)
                emit(ctx, "dns.truncated_no_tcp", srv, r.truncated,
                     fmt::format("{} truncated answer(s) from {} never retried over TCP", r.truncated.count, srv),
                     {{"truncated", static_cast<double>(r.truncated.count), ""}});
        }
        unsolicited(ctx);
        unexpected_resolvers(ctx);
    }

    [[nodiscard]] std::uint64_t dropped() const override { return resolvers_.dropped() + usage_.dropped(); }

private:
    void emit(FinishContext& ctx, std::string_view id, const std::string& key, const Tally& t, std::string title,
              std::vector<Figure> figures) {
        Finding f;
        f.key = key;
        f.title = std::move(title);
        f.detail = fmt::format("Names: {}. Clients: {}.", t.names.empty() ? "-" : fmt::format("{}", fmt::join(t.names, ", ")),
                               join(t.clients, ip_str));
        f.hosts.push_back(key);
        for (auto& c : t.clients) f.hosts.push_back(ip_str(c));
        f.first_ts = t.first;
        f.last_ts = t.last;
        f.figures = std::move(figures);
        f.evidence = t.ev;
        ctx.sink.raise(id, std::move(f));
    }

    void unsolicited(FinishContext& ctx) {
        for (auto& [ip, r] : resolvers_) {
            if (!r.unsolicited.count || r.unsolicited.count < unsol_min_) continue;
            // All of them right at the start: answers to queries sent before the capture began.
            if (r.unsolicited.last - ctx.capture_first < unsol_skip_) continue;
            emit(ctx, "dns.unsolicited_response", ip_str(ip), r.unsolicited,
                 fmt::format("{} DNS response(s) from {} matched no query", r.unsolicited.count, ip_str(ip)),
                 {{"responses", static_cast<double>(r.unsolicited.count), ""}});
        }
    }

    void unexpected_resolvers(FinishContext& ctx) {
        std::set<IpAddress> expected;
        if (!expected_.empty()) {
            std::set<std::string> names;
            std::string_view rest = expected_;
            while (!rest.empty()) {
                const auto comma = rest.find(',');
                std::string_view item = rest.substr(0, comma);
                while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
                while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
                names.emplace(item);
                if (comma == std::string_view::npos) break;
                rest.remove_prefix(comma + 1);
            }
            for (auto& [ip, r] : resolvers_)
                if (names.count(ip_str(ip))) expected.insert(ip);
        } else {
            // The resolvers most clients use are the expected ones.
            std::size_t most = 0;
            for (auto& [ip, r] : resolvers_)
                if (r.queries) most = std::max(most, r.clients.size());
            if (most < 2) return;  // one client: nothing to compare with
            for (auto& [ip, r] : resolvers_)
                if (r.clients.size() * 2 >= most && r.clients.size() >= 2) expected.insert(ip);
        }
        for (auto& [client, servers] : usage_) {
            // A resolver forwarding to its upstream is not a misconfigured client.
            if (const Resolver* self = resolvers_.find(client); self && self->answered) continue;
            std::vector<IpAddress> odd;
            for (auto& [s, tally] : servers)
                if (!expected.count(s)) odd.push_back(s);
            if (odd.empty()) continue;
            Finding f;
            f.key = ip_str(client);
            f.title = fmt::format("{} uses resolver {} instead of {}", ip_str(client), join(odd, ip_str), join(expected, ip_str));
            f.detail = fmt::format("The other clients use {}.", join(expected, ip_str));
            f.hosts.push_back(ip_str(client));
            for (auto& s : odd) {
                const Tally& t = servers.at(s);
                f.hosts.push_back(ip_str(s));
                f.figures.push_back({"queries", static_cast<double>(t.count), ""});
                f.evidence.merge(t.ev);
                if (!f.first_ts || t.first < f.first_ts) f.first_ts = t.first;
                f.last_ts = std::max(f.last_ts, t.last);
            }
            ctx.sink.raise("dns.unexpected_resolver", std::move(f));
        }
    }

    double unans_min_, unans_ratio_, servfail_min_, refused_min_, nx_min_, slow_s_, slow_min_, slow_ratio_, tc_min_,
        unsol_min_, unsol_skip_;
    std::string expected_;
    double first_unsolicited_ = 0;
    BoundedMap<IpAddress, Resolver, 4096> resolvers_{"dns.*: resolvers", "DNS failure findings for further resolvers"};
    BoundedMap<IpAddress, std::map<IpAddress, Tally>> usage_{"dns.unexpected_resolver: clients", "unexpected-resolver findings for further clients"};  // client -> resolver
};

}  // namespace

void add_dns_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c) {
    out.push_back(std::make_unique<DnsRules>(c));
}

}  // namespace netdx
