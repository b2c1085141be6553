// DHCP rules over the DHCP tracker's exchanges: no offer (pool exhausted or
// no server), NAKs, DECLINEs (address conflicts), several servers, slow leases.
#include <algorithm>
#include <map>
#include <set>

#include "events/dhcp_events.hpp"
#include "network/network_picture.hpp"
#include "rules/bounded.hpp"
#include "rules/format.hpp"
#include "rules/rules_all.hpp"

namespace netdx {

namespace {

struct Group {
    std::uint64_t count = 0, messages = 0;
    double first = 0, last = 0;
    std::set<std::string> clients;  // a few MACs
    std::set<std::string> notes;    // a few details (NAK messages, addresses)
    std::set<std::string> servers;  // a few servers that answered (the one that said NAK)
    Evidence ev;
    void add(const DhcpExchange& e, std::uint32_t file, std::uint64_t msgs) {
        if (!count) first = e.first_ts.seconds();
        ++count;
        messages += msgs;
        last = e.last_ts.seconds();
        if (clients.size() < 8) clients.insert(mac_str(e.client_mac));
        for (const DhcpServerReply& s : e.servers)
            if (servers.size() < 4) servers.insert(ip_str(s.server_id.family ? s.server_id : s.source));
        ev.add({file, e.first_frame});
        // The deciding answer (a NAK) is the evidence that matters; the last
        // frame may be another server's reply.
        if (e.answer_frame && e.answer_frame != e.first_frame) ev.add({file, e.answer_frame});
        else if (e.last_frame != e.first_frame) ev.add({file, e.last_frame});
    }
};

class DhcpRules final : public Rule {
public:
    explicit DhcpRules(const RuleConfig& c)
        : min_discovers_(c.number("dhcp.no_offer", "min_discovers")),
          nak_min_(c.number("dhcp.nak", "min_count")),
          decline_min_(c.number("dhcp.decline", "min_count")),
          min_servers_(c.number("dhcp.multiple_servers", "min_servers")),
          slow_s_(c.number("dhcp.slow_lease", "slow_s")),
          slow_warning_s_(c.number("dhcp.slow_lease", "warning_s")) {}

    void subscribe(EventBus& bus) override {
        bus.subscribe<&DhcpRules::on_dhcp>(this);
    }
    void on_dhcp(const DhcpExchange& e) {
        const std::uint32_t file = e.file;
        switch (e.outcome) {
            case DhcpOutcome::NoOffer:
                if (e.discovers) {
                    no_offer_.add(e, file, e.discovers);
                    if (auto* n = no_offer_per_client_.get(e.client_mac)) *n += e.discovers;
                }
                break;
            case DhcpOutcome::Nak:
                naks_.add(e, file, e.naks);
                if (!e.nak_message.empty() && naks_.notes.size() < 4) naks_.notes.insert(e.nak_message);
                break;
            case DhcpOutcome::Declined:
                declines_.add(e, file, e.declines);
                if (e.requested_ip.family && declines_.notes.size() < 4) declines_.notes.insert(ip_str(e.requested_ip));
                break;
            default: break;
        }
        if (e.time_to_lease > slow_s_) {
            slow_.add(e, file, 1);
            max_lease_ = std::max(max_lease_, e.time_to_lease);
            // The client sent its DISCOVER or REQUEST again: it was left waiting,
            // not just delayed by one slow answer.
            if (e.discovers > 1 || e.requests > 1) ++slow_retried_;
        }
        for (const DhcpServerReply& s : e.servers) {
            Server* sv = servers_.get(s.server_id);
            if (!sv) continue;
            if (!sv->replies) {
                sv->mac = s.mac;
                sv->has_mac = s.has_mac;
                sv->first = s.ts.seconds();
            }
            ++sv->replies;
            if (s.offered.family && !is_zero_ip(s.offered)) {  // a NAK's yiaddr is 0.0.0.0
                if (!sv->lowest.family || s.offered < sv->lowest) sv->lowest = s.offered;
                if (!sv->highest.family || sv->highest < s.offered) sv->highest = s.offered;
            }
            if (s.prefix_len >= 0) sv->prefix_len = s.prefix_len;
            sv->ev.add({file, s.frame});
        }
    }

    void finish(FinishContext& ctx) override {
        std::uint64_t stuck_discovers = 0;
        std::set<std::string> stuck;
        for (auto& [mac, n] : no_offer_per_client_)
            if (static_cast<double>(n) >= min_discovers_) {
                stuck_discovers += n;
                stuck.insert(mac_str(mac));
            }
        if (!stuck.empty()) raise_no_offer(ctx, stuck, stuck_discovers);
        if (naks_.count && naks_.count >= nak_min_) {
            Finding f = base("dhcp", naks_);
            f.title = naks_.servers.empty()
                          ? fmt::format("{} DHCP NAK(s) to {}", naks_.count, fmt::join(naks_.clients, ", "))
                          : fmt::format("{} DHCP NAK(s) from {} to {}", naks_.count, fmt::join(naks_.servers, ", "),
                                        fmt::join(naks_.clients, ", "));
            // The server that refused is where the pool or its configuration is checked.
            f.hosts.insert(f.hosts.begin(), naks_.servers.begin(), naks_.servers.end());
            f.detail = naks_.notes.empty() ? std::string("The server gave no message.")
                                           : fmt::format("Server message: {}", fmt::join(naks_.notes, "; "));
            f.figures = {{"naks", static_cast<double>(naks_.messages), ""}};
            ctx.sink.raise("dhcp.nak", std::move(f));
        }
        if (declines_.count && declines_.count >= decline_min_) {
            Finding f = base("dhcp", declines_);
            f.title = fmt::format("{} DHCP DECLINE(s) from {}{}", declines_.count, fmt::join(declines_.clients, ", "),
                                  declines_.notes.empty() ? std::string() : fmt::format(" for {}", fmt::join(declines_.notes, ", ")));
            f.detail = "Clients found the offered address already in use.";
            for (auto& n : declines_.notes) f.hosts.push_back(n);
            f.figures = {{"declines", static_cast<double>(declines_.messages), ""}};
            ctx.sink.raise("dhcp.decline", std::move(f));
        }
        if (static_cast<double>(servers_.size()) >= min_servers_) {
            Finding f;
            f.key = "dhcp";
            std::vector<std::string> names;
            for (auto& [ip, s] : servers_) {
                names.push_back(s.has_mac ? fmt::format("{} ({})", ip_str(ip), mac_str(s.mac)) : ip_str(ip));
                f.hosts.push_back(ip_str(ip));
                if (s.has_mac) f.hosts.push_back(mac_str(s.mac));
                f.evidence.merge(s.ev);
                if (!f.first_ts || s.first < f.first_ts) f.first_ts = s.first;
                f.last_ts = std::max(f.last_ts, s.first);
                f.figures.push_back({"replies_" + ip_str(ip), static_cast<double>(s.replies), ""});
            }
            f.title = fmt::format("{} DHCP servers answer: {}", servers_.size(), fmt::join(names, ", "));
            f.detail = "Clients may get addresses, gateways or DNS servers from the wrong server.";
            ctx.sink.raise("dhcp.multiple_servers", std::move(f));
        }
        if (slow_.count) raise_slow(ctx);
    }
    [[nodiscard]] std::uint64_t dropped() const override { return servers_.dropped() + no_offer_per_client_.dropped(); }

private:
    // A server that answers other clients but offers nothing to these has run
    // out of addresses; no answer from anyone is a missing (or unreachable) server.
    void raise_no_offer(FinishContext& ctx, const std::set<std::string>& stuck, std::uint64_t discovers) {
        Finding f = base("dhcp", no_offer_);
        f.hosts.assign(stuck.begin(), stuck.end());
        f.figures = {{"clients", static_cast<double>(stuck.size()), ""},
                     {"discovers", static_cast<double>(discovers), ""},
                     {"servers_answering_others", static_cast<double>(servers_.size()), ""}};
        if (servers_.size() == 0) {
            f.title = fmt::format("No DHCP server answered: {} client(s) got no OFFER for {} DISCOVER(s): {}", stuck.size(),
                                  discovers, fmt::join(stuck, ", "));
            f.detail = "No DHCP server answered any client in the capture: none runs on this link, or a relay or "
                       "filter keeps its answers away.";
            ctx.sink.raise("dhcp.no_offer", std::move(f));
            return;
        }
        std::vector<std::string> pools;
        std::size_t i = 0;
        for (auto& [ip, s] : servers_) {
            if (i++ < 4) f.hosts.insert(f.hosts.begin() + static_cast<std::ptrdiff_t>(i - 1), ip_str(ip));
            if (pools.size() >= 4) continue;
            std::string pool = ip_str(ip);
            if (s.lowest.family)
                pool += s.lowest == s.highest ? fmt::format(" (offered {})", ip_str(s.lowest))
                                               : fmt::format(" (offered {}..{})", ip_str(s.lowest), ip_str(s.highest));
            if (s.prefix_len >= 0 && s.lowest.family)
                pool += fmt::format(" in {}", subnet_str(prefix_network(s.lowest, s.prefix_len), s.prefix_len));
            pools.push_back(std::move(pool));
        }
        f.title = fmt::format("DHCP pool exhausted on {}: {} client(s) got no OFFER for {} DISCOVER(s) while it answered others",
                              fmt::join(pools, ", "), stuck.size(), discovers);
        f.detail = fmt::format("The server(s) answered other clients in the capture but offered nothing to {}: "
                               "no free address left in the pool (or the clients are excluded by its configuration).",
                               fmt::join(stuck, ", "));
        ctx.sink.raise("dhcp.no_offer", std::move(f));
    }

    void raise_slow(FinishContext& ctx) {
        Finding f = base("dhcp", slow_);
        f.title = fmt::format("{} DHCP lease(s) took over {:.0f} s (slowest {:.1f} s, {} with client retries)", slow_.count,
                              slow_s_, max_lease_, slow_retried_);
        if (!slow_retried_ && max_lease_ < slow_warning_s_) {
            // One DISCOVER, one REQUEST, a late answer: the server's own delay,
            // typically its ping-before-offer conflict check.
            f.at_most = Severity::Notice;
            f.detail = "From the first DISCOVER/REQUEST to the ACK, without client retries: the server answered late "
                       "once (its ping-before-offer check takes about 1-3 s, or it is loaded).";
        } else {
            f.detail = "From the first DISCOVER/REQUEST to the ACK; clients sent their DISCOVER or REQUEST again while "
                       "waiting.";
        }
        f.figures = {{"slow_leases", static_cast<double>(slow_.count), ""},
                     {"with_retries", static_cast<double>(slow_retried_), ""},
                     {"max", max_lease_, "s"}};
        ctx.sink.raise("dhcp.slow_lease", std::move(f));
    }

    static Finding base(const std::string& key, const Group& g) {
        Finding f;
        f.key = key;
        f.hosts.assign(g.clients.begin(), g.clients.end());
        f.first_ts = g.first;
        f.last_ts = g.last;
        f.evidence = g.ev;
        return f;
    }
    struct Server {
        MacAddress mac{};
        bool has_mac = false;
        std::uint64_t replies = 0;
        double first = 0;
        IpAddress lowest, highest;  // the offered addresses' range (the pool as seen)
        int prefix_len = -1;        // option 1 of its answers
        Evidence ev;
    };
    double min_discovers_, nak_min_, decline_min_, min_servers_, slow_s_, slow_warning_s_;
    double max_lease_ = 0;
    std::uint64_t slow_retried_ = 0;
    Group no_offer_, naks_, declines_, slow_;
    BoundedMap<MacAddress, std::uint64_t> no_offer_per_client_{"dhcp.no_offer: clients", "no-offer findings may undercount clients"};
    BoundedMap<IpAddress, Server, 256> servers_{"dhcp.*: servers", "DHCP findings for further servers"};
};

}  // namespace

void add_dhcp_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c) {
    out.push_back(std::make_unique<DhcpRules>(c));
}

}  // namespace netdx
