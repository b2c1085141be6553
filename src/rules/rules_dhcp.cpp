// DHCP rules over the DHCP tracker's exchanges: no offer (pool exhausted or
// no server), NAKs, DECLINEs (address conflicts), several servers, slow leases.
#include <algorithm>
#include <map>
#include <set>

#include "events/dhcp_events.hpp"
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
          slow_s_(c.number("dhcp.slow_lease", "slow_s")) {}

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
            if (s.offered.family && sv->offered.size() < 3) sv->offered.insert(ip_str(s.offered));
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
        if (!stuck.empty()) {
            Finding f = base("dhcp", no_offer_);
            f.title = fmt::format("{} DHCP client(s) got no OFFER for {} DISCOVER(s): {}", stuck.size(), stuck_discovers,
                                  fmt::join(stuck, ", "));
            f.detail = "No DHCP server offered an address: the pool may be exhausted or the server unreachable.";
            f.hosts.assign(stuck.begin(), stuck.end());
            f.figures = {{"clients", static_cast<double>(stuck.size()), ""}, {"discovers", static_cast<double>(stuck_discovers), ""}};
            ctx.sink.raise("dhcp.no_offer", std::move(f));
        }
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
        if (slow_.count) {
            Finding f = base("dhcp", slow_);
            f.title = fmt::format("{} DHCP lease(s) took over {:.0f} s (slowest {:.1f} s)", slow_.count, slow_s_, max_lease_);
            f.detail = "From the first DISCOVER/REQUEST to the ACK.";
            f.figures = {{"slow_leases", static_cast<double>(slow_.count), ""}, {"max", max_lease_, "s"}};
            ctx.sink.raise("dhcp.slow_lease", std::move(f));
        }
    }
    [[nodiscard]] std::uint64_t dropped() const override { return servers_.dropped() + no_offer_per_client_.dropped(); }

private:
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
        std::set<std::string> offered;
        Evidence ev;
    };
    double min_discovers_, nak_min_, decline_min_, min_servers_, slow_s_;
    double max_lease_ = 0;
    Group no_offer_, naks_, declines_, slow_;
    BoundedMap<MacAddress, std::uint64_t> no_offer_per_client_{"dhcp.no_offer: clients", "no-offer findings may undercount clients"};
    BoundedMap<IpAddress, Server, 256> servers_{"dhcp.*: servers", "DHCP findings for further servers"};
};

}  // namespace

void add_dhcp_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c) {
    out.push_back(std::make_unique<DhcpRules>(c));
}

}  // namespace netdx
