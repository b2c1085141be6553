// dns.slow_browsing: connections that had to wait for a slow DNS answer. A
// slow lookup alone is dns.slow; this rule links it to what the user feels: the
// client opened a connection to the address it was just given, so every page
// or API call started late by the DNS latency.
//
// The DNS tracker reports an answered query after a short linger, so the SYN
// may arrive before or after its lookup's event: both sides keep a few recent
// entries per client and match whichever comes second.
#include <algorithm>
#include <array>
#include <set>

#include "events/conn_events.hpp"
#include "events/dns_events.hpp"
#include "rules/bounded.hpp"
#include "rules/format.hpp"
#include "rules/rules_all.hpp"

namespace netdx {

namespace {

struct RecentSyn {
    IpAddress dst;
    double ts = 0;
    FrameRef where;
};

struct SlowLookup {
    std::vector<std::string> addresses;  // A/AAAA answers as text
    std::string name;
    double response_ts = 0, latency = 0;
    IpAddress server;
    FrameRef query, response;
    bool matched = false;
};

template <typename T, std::size_t N>
struct Ring {
    std::array<T, N> items{};
    std::size_t next = 0, size = 0;
    void push(T v) {
        items[next] = std::move(v);
        next = (next + 1) % N;
        size = std::min(size + 1, N);
    }
    template <typename F>
    void each(F f) {
        for (std::size_t i = 0; i < size; ++i) f(items[i]);
    }
};

struct Client {
    Ring<RecentSyn, 16> syns;
    Ring<SlowLookup, 8> lookups;
};

struct Resolver {
    std::uint64_t waits = 0;
    std::vector<double> latencies;  // of the lookups that delayed a connection (capped)
    std::set<IpAddress> clients;    // a few
    std::set<std::string> names;    // a few
    double first = 0, last = 0;
    Evidence ev;
};

class SlowBrowsingRule final : public Rule {
public:
    explicit SlowBrowsingRule(const RuleConfig& c)
        : slow_s_(c.number("dns.slow_browsing", "slow_ms") / 1000.0),
          follow_s_(c.number("dns.slow_browsing", "follow_s")),
          min_count_(c.number("dns.slow_browsing", "min_count")) {}

    void subscribe(EventBus& bus) override {
        bus.subscribe<&SlowBrowsingRule::on_syn>(this);
        bus.subscribe<&SlowBrowsingRule::on_dns>(this);
    }
    void on_syn(const SynSeen& s) {
        Client* c = clients_.get(s.src);
        if (!c) return;
        c->syns.push({s.dst, s.ts, s.where});
        if (!c->lookups.size) return;
        const std::string dst = ip_str(s.dst);
        c->lookups.each([&](SlowLookup& l) {
            if (!l.matched && follows(l, s.ts) && has(l, dst)) match(s.src, l, s.where);
        });
    }

    void on_dns(const DnsTransaction& t) {
        const std::uint32_t file = t.file;
        if (t.end == DnsEnd::Unsolicited || !t.has_response || t.rcode != 0 || t.latency < slow_s_) return;
        if (t.mdns || t.llmnr) return;
        SlowLookup l;
        for (const DnsRecord& r : t.answers)
            if ((r.type == 1 || r.type == 28) && l.addresses.size() < 8) l.addresses.push_back(r.data);
        if (l.addresses.empty()) return;
        l.name = t.qname;
        l.response_ts = t.response_ts.seconds();
        l.latency = t.latency;
        l.server = t.server;
        l.query = {file, t.query_frame};
        l.response = {file, t.response_frame};
        Client* c = clients_.get(t.client);
        if (!c) return;
        c->syns.each([&](RecentSyn& s) {
            if (!l.matched && follows(l, s.ts) && has(l, ip_str(s.dst))) match(t.client, l, s.where);
        });
        if (!l.matched) c->lookups.push(std::move(l));
    }

    void finish(FinishContext& ctx) override {
        for (auto& [ip, r] : resolvers_) {
            if (static_cast<double>(r.waits) < min_count_) continue;
            std::vector<double> v = r.latencies;
            std::sort(v.begin(), v.end());
            const double med = v[v.size() / 2];
            Finding f;
            f.key = ip_str(ip);
            f.title = fmt::format("{} connection(s) waited for slow DNS answers from {} (median {:.0f} ms)", r.waits,
                                  ip_str(ip), med * 1000);
            f.detail = fmt::format("Clients {} looked up {} and connected to the answer only after the resolver "
                                   "replied: each of those page loads started {:.1f} s late.",
                                   join(r.clients, ip_str), fmt::join(r.names, ", "), med);
            f.hosts.push_back(ip_str(ip));
            for (auto& c : r.clients) f.hosts.push_back(ip_str(c));
            f.first_ts = r.first;
            f.last_ts = r.last;
            f.figures = {{"connections", static_cast<double>(r.waits), ""},
                         {"median_dns_wait", med * 1000, "ms"},
                         {"max_dns_wait", v.back() * 1000, "ms"}};
            f.evidence = r.ev;
            ctx.sink.raise("dns.slow_browsing", std::move(f));
        }
    }
    [[nodiscard]] std::uint64_t dropped() const override { return clients_.dropped() + resolvers_.dropped(); }

private:
    bool follows(const SlowLookup& l, double syn_ts) const {
        return syn_ts >= l.response_ts && syn_ts - l.response_ts <= follow_s_;
    }
    static bool has(const SlowLookup& l, const std::string& addr) {
        return std::find(l.addresses.begin(), l.addresses.end(), addr) != l.addresses.end();
    }
    void match(const IpAddress& client, SlowLookup& l, FrameRef syn) {
        l.matched = true;
        Resolver* r = resolvers_.get(l.server);
        if (!r) return;
        if (!r->waits) r->first = l.response_ts - l.latency;
        ++r->waits;
        r->last = l.response_ts;
        if (r->latencies.size() < 1024) r->latencies.push_back(l.latency);
        if (r->clients.size() < 8) r->clients.insert(client);
        if (r->names.size() < 6) r->names.insert(l.name);
        r->ev.add(l.query);
        r->ev.add(l.response);
        r->ev.add(syn);
    }

    double slow_s_, follow_s_, min_count_;
    BoundedMap<IpAddress, Client, 16384> clients_{"dns.slow_browsing: clients", "slow-browsing findings for further clients"};
    BoundedMap<IpAddress, Resolver, 4096> resolvers_{"dns.slow_browsing: resolvers", "slow-browsing findings for further resolvers"};
};

}  // namespace

void add_dns_browsing_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c) {
    out.push_back(std::make_unique<SlowBrowsingRule>(c));
}

}  // namespace netdx
