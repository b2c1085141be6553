// addr.link_local_only, IPv6 side: a host that sends only from fe80::/10
// while it asks for an address (Router Solicitations, DHCPv6 Solicits) and
// nothing gives it one, on a link where other hosts do have global or ULA
// addresses. An fe80 source alone is ordinary (every IPv6 host has one, and
// IPv4-only LANs are full of soliciting hosts nobody answers): the finding
// needs the request, the missing answer and, by default, the contrast.
#include <set>

#include "events/dhcp_events.hpp"
#include "events/packet_events.hpp"
#include "rules/bounded.hpp"
#include "rules/format.hpp"
#include "rules/rules_all.hpp"

namespace netdx {

namespace {

bool is_link_local6(const IpAddress& a) { return a.family == 6 && a.bytes[0] == 0xfe && (a.bytes[1] & 0xc0) == 0x80; }

class LinkLocal6OnlyRule final : public Rule {
public:
    explicit LinkLocal6OnlyRule(const RuleConfig& c)
        : min_packets_(c.number("addr.link_local_only", "min_packets")),
          min_solicits_(c.number("addr.link_local_only", "min_solicits")),
          need_peers_(c.number("addr.link_local_only", "need_global_peers") != 0) {}

    void subscribe(EventBus& bus) override {
        bus.subscribe<&LinkLocal6OnlyRule::on_ip>(this);
        bus.subscribe<&LinkLocal6OnlyRule::on_dhcpv6>(this);
    }
    void on_ip(const IpPacketSeen& e) {
        if (e.src.family != 6) return;
        if (e.ra_autoconf_prefix) prefix_offered_ = true;
        if (!e.has_eth || is_zero_ip(e.src) || is_multicast_or_broadcast(e.src)) return;
        Host* h = hosts_.get(e.eth_src);
        if (!h) return;
        if (!is_link_local6(e.src)) {
            h->global = true;
            return;
        }
        if (!h->ll_packets) {
            h->ll_ip = e.src;
            h->first = e.ts;
        }
        ++h->ll_packets;
        h->last = e.ts;
        const bool rs = e.ip_proto == 58 && e.icmp6_type == 133;
        const bool dhcpv6 = e.ip_proto == 17 && e.has_ports && e.dst_port == 547;
        if (rs || dhcpv6) {
            ++(rs ? h->router_solicits : h->dhcp_solicits);
            h->ev.add(e.where);
        }
    }

    void on_dhcpv6(const Dhcpv6Exchange& e) {
        if (e.addresses.empty()) return;
        if (answered_.size() < 4096) answered_.insert(e.client);
    }

    void finish(FinishContext& ctx) override {
        if (prefix_offered_) return;  // hosts had a prefix to configure from
        std::size_t global_hosts = 0;
        for (const auto& entry : hosts_) global_hosts += entry.second.global ? 1 : 0;
        if (need_peers_ && !global_hosts) return;
        for (const auto& [mac, h] : hosts_) {
            const std::uint64_t solicits = h.router_solicits + h.dhcp_solicits;
            if (h.global || static_cast<double>(h.ll_packets) < min_packets_ ||
                static_cast<double>(solicits) < min_solicits_ || answered_.contains(h.ll_ip))
                continue;
            Finding f;
            f.key = mac_str(mac) + " ipv6";
            f.title = fmt::format("{} ({}) has only the IPv6 link-local address {}", ip_str(h.ll_ip), mac_str(mac),
                                  ip_str(h.ll_ip));
            f.detail = fmt::format(
                "{} sent {} Router Solicitation(s) and {} DHCPv6 message(s) from {} and never used another IPv6 "
                "address: no router advertised a prefix and no DHCPv6 server gave it an address{}.",
                mac_str(mac), h.router_solicits, h.dhcp_solicits, ip_str(h.ll_ip),
                global_hosts ? fmt::format(", while {} other host(s) on the link use global or ULA addresses",
                                           global_hosts)
                             : std::string());
            f.hosts = {ip_str(h.ll_ip), mac_str(mac)};
            f.first_ts = h.first;
            f.last_ts = h.last;
            f.figures = {{"packets", static_cast<double>(h.ll_packets), ""},
                         {"router_solicitations", static_cast<double>(h.router_solicits), ""},
                         {"dhcpv6_solicits", static_cast<double>(h.dhcp_solicits), ""},
                         {"hosts_with_global", static_cast<double>(global_hosts), ""}};
            f.evidence = h.ev;
            ctx.sink.raise("addr.link_local_only", std::move(f));
        }
    }
    [[nodiscard]] std::uint64_t dropped() const override { return hosts_.dropped(); }

private:
    struct Host {
        bool global = false;
        std::uint64_t ll_packets = 0, router_solicits = 0, dhcp_solicits = 0;
        IpAddress ll_ip;
        double first = 0, last = 0;
        Evidence ev;  // its solicitations
    };
    double min_packets_, min_solicits_;
    bool need_peers_;
    bool prefix_offered_ = false;
    std::set<IpAddress> answered_;  // DHCPv6 clients that were given an address
    BoundedMap<MacAddress, Host> hosts_{"addr.link_local_only (IPv6): hosts", "link-local-only findings for further hosts"};
};

}  // namespace

void add_link_local6_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c) {
    out.push_back(std::make_unique<LinkLocal6OnlyRule>(c));
}

}  // namespace netdx
