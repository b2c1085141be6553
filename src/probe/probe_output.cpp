#include "probe/probe_output.hpp"

#include <fmt/format.h>

#include "core/escape.hpp"
#include "probe/services.hpp"
#include "rules/format.hpp"

namespace netdx {

namespace {

std::string ips(const std::vector<IpAddress>& v) { return join(v, ip_str); }

nlohmann::json ip_list(const std::vector<IpAddress>& v) {
    nlohmann::json j = nlohmann::json::array();
    for (const IpAddress& a : v) j.push_back(ip_str(a));
    return j;
}

std::string outcome_text(const DnsServerResult& s) {
    switch (s.outcome) {
        case DnsOutcome::Answered: return rcode_text(s.rcode);
        case DnsOutcome::Timeout: return "timeout";
        case DnsOutcome::Refused: return "port unreachable";
        case DnsOutcome::Error: return "error";
    }
    return "error";
}

std::string tcp_endpoint(const TcpProbeResult& r) {
    return r.address.family ? endpoint_str(r.address, r.target.port)
                            : fmt::format("{}:{}", escaped(r.target.host), r.target.port);
}

}  // namespace

void print_arp(std::FILE* out, const ArpProbeResult& r) {
    fmt::print(out, "netdx probe arp: who has {} on {}? ({} {}, sender {})\n", ip_str(r.target), r.interface, r.sent,
               r.sent == 1 ? "request" : "requests", r.rfc5227 ? "0.0.0.0 (RFC 5227 probe)" : "this host");
    if (r.answers.empty()) fmt::print(out, "  nobody answers: the address is free (or its host is down)\n");
    for (const ArpAnswer& a : r.answers)
        fmt::print(out, "  {} is at {}  ({} {}, first after {:.1f} ms)\n", ip_str(r.target), mac_str(a.mac), a.replies,
                   a.replies == 1 ? "reply" : "replies", a.first_ms);
    if (r.answers.size() > 1) fmt::print(out, "  {} different MACs answer: the address is in use twice\n", r.answers.size());
}

void print_dhcp(std::FILE* out, const DhcpProbeResult& r, int wait_ms) {
    fmt::print(out, "netdx probe dhcp: DISCOVER from {} on {} (xid 0x{:08x}, {} sent, listened {:.1f} s, no lease taken)\n",
               mac_str(r.client_mac), r.interface, r.xid, r.discovers, wait_ms / 1000.0);
    if (r.offers.empty())
        fmt::print(out, "  no OFFER: no DHCP server reaches this link, or the pool is exhausted\n");
    for (const DhcpOffer& o : r.offers) {
        fmt::print(out, "  OFFER from {} ({}) after {:.0f} ms{}\n", ip_str(o.server()), mac_str(o.server_mac), o.ms,
                   o.copies > 1 ? fmt::format(" ({} copies)", o.copies) : std::string());
        fmt::print(out, "    address {}{}\n", ip_str(o.offered), o.prefix >= 0 ? fmt::format("/{}", o.prefix) : "");
        if (!o.routers.empty()) fmt::print(out, "    router  {}\n", ips(o.routers));
        if (!o.dns_servers.empty()) fmt::print(out, "    DNS     {}\n", ips(o.dns_servers));
        if (!o.domain.empty()) fmt::print(out, "    domain  {}\n", o.domain);
        if (o.lease_s >= 0) fmt::print(out, "    lease   {} s\n", o.lease_s);
    }
    if (r.offers.size() > 1) fmt::print(out, "  {} servers answer: one of them is rogue or misconfigured\n", r.offers.size());
}

void print_dns(std::FILE* out, const DnsProbeResult& r) {
    fmt::print(out, "netdx probe dns: {} {} asked of {} {}\n", escaped(r.name), dns_type_text(r.type), r.servers.size(),
               r.servers.size() == 1 ? "resolver" : "resolvers");
    if (r.servers.empty()) fmt::print(out, "  no resolver: resolv.conf names no nameserver and none was given\n");
    for (const DnsServerResult& s : r.servers) {
        fmt::print(out, "  {:<24} {:<16} {:>8.1f} ms", escaped(s.server), outcome_text(s), s.ms);
        if (s.truncated) fmt::print(out, " (truncated)");
        fmt::print(out, "\n");
        for (const std::string& a : s.answers) fmt::print(out, "    {}\n", a);
        if (s.outcome == DnsOutcome::Answered && s.rcode == 0 && s.answers.empty())
            fmt::print(out, "    (no {} record: the name exists without one)\n", dns_type_text(r.type));
        if (s.outcome == DnsOutcome::Timeout) fmt::print(out, "    no response: the resolver is down, unreachable, or drops the query\n");
        if (s.outcome == DnsOutcome::Refused) fmt::print(out, "    nothing listens on its DNS port (ICMP port unreachable)\n");
        if (s.outcome == DnsOutcome::Answered && s.rcode == 2)
            fmt::print(out, "    SERVFAIL: the resolver could not get an answer (its upstream or DNSSEC validation failed)\n");
        if (s.outcome == DnsOutcome::Answered && s.rcode == 5)
            fmt::print(out, "    REFUSED: the resolver does not serve this host (ACL) or does not recurse\n");
        if (!s.error.empty()) fmt::print(out, "    {}\n", escaped(s.error));
    }
    switch (dns_agreement(r)) {
        case DnsAgreement::Agree: break;
        case DnsAgreement::DifferentData:
            fmt::print(out, "  the resolvers give different records (normal for load-balanced names)\n");
            break;
        case DnsAgreement::Disagree:
            fmt::print(out, "  the resolvers DISAGREE on whether the name exists\n");
            break;
    }
}

void print_tcp(std::FILE* out, const std::vector<TcpProbeResult>& rs) {
    fmt::print(out, "netdx probe tcp: {} {}\n", rs.size(), rs.size() == 1 ? "target" : "targets");
    for (const TcpProbeResult& r : rs) {
        const std::string_view svc = service_name(r.target.port);
        fmt::print(out, "  {:<28} {:<17} {:>8.1f} ms  {}{}\n", tcp_endpoint(r), tcp_state_text(r.state), r.ms, svc,
                   r.error.empty() ? "" : fmt::format(" ({})", escaped(r.error)));
    }
}

void print_path(std::FILE* out, const PathProbeResult& r) {
    fmt::print(out, "netdx probe path: {}{}\n", escaped(r.host),
               r.address.family && ip_str(r.address) != r.host ? fmt::format(" ({})", ip_str(r.address)) : "");
    if (!r.error.empty()) {
        fmt::print(out, "  not probed: {}\n", escaped(r.error));
        return;
    }
    if (r.unreachable_from)
        fmt::print(out, "  unreachable: {} answers ICMP destination unreachable (code {})\n", ip_str(*r.unreachable_from),
                   r.unreachable_code);
    else if (!r.reachable)
        fmt::print(out, "  no answer to {} echo requests (host down, or ICMP echo filtered)\n", r.probes_sent);
    if (!r.reachable) return;
    fmt::print(out, "  reachable, echo RTT {:.1f} ms\n", r.rtt_ms);
    fmt::print(out, "  link MTU {}, path MTU {}\n", r.link_mtu, r.path_mtu);
    if (r.frag_needed_from)
        fmt::print(out, "  {} reports fragmentation needed (next-hop MTU {})\n", ip_str(*r.frag_needed_from),
                   r.frag_needed_mtu);
    if (r.black_hole) {
        fmt::print(out, "  BLACK HOLE: {} bytes and more vanish without fragmentation-needed\n", r.smallest_lost);
        for (const PathHop& h : r.hops)
            fmt::print(out, "    hop {:>2}  {:<16} large probes {}\n", h.ttl,
                       h.router.family ? ip_str(h.router) : std::string("*"), h.large_passes ? "pass" : "vanish");
    }
    fmt::print(out, "  {} probes sent\n", r.probes_sent);
}

nlohmann::json arp_json(const ArpProbeResult& r) {
    nlohmann::json answers = nlohmann::json::array();
    for (const ArpAnswer& a : r.answers)
        answers.push_back({{"mac", mac_str(a.mac)}, {"replies", a.replies}, {"first_ms", a.first_ms}});
    return {{"interface", r.interface}, {"target", ip_str(r.target)}, {"rfc5227", r.rfc5227}, {"sent", r.sent},
            {"answers", answers}};
}

nlohmann::json dhcp_json(const DhcpProbeResult& r) {
    nlohmann::json offers = nlohmann::json::array();
    for (const DhcpOffer& o : r.offers)
        offers.push_back({{"server", ip_str(o.server())}, {"server_mac", mac_str(o.server_mac)}, {"source", ip_str(o.source)},
                          {"address", ip_str(o.offered)}, {"prefix", o.prefix}, {"routers", ip_list(o.routers)},
                          {"dns_servers", ip_list(o.dns_servers)}, {"domain", o.domain}, {"lease_s", o.lease_s},
                          {"ms", o.ms}, {"copies", o.copies}});
    return {{"interface", r.interface}, {"client_mac", mac_str(r.client_mac)}, {"xid", r.xid},
            {"discovers", r.discovers}, {"offers", offers}};
}

nlohmann::json dns_json(const DnsProbeResult& r) {
    nlohmann::json servers = nlohmann::json::array();
    for (const DnsServerResult& s : r.servers) {
        nlohmann::json j = {{"server", escaped(s.server)}, {"outcome", outcome_text(s)}, {"ms", s.ms},
                            {"answers", s.answers}, {"truncated", s.truncated}};
        if (s.outcome == DnsOutcome::Answered) j["rcode"] = rcode_text(s.rcode);
        if (!s.error.empty()) j["error"] = escaped(s.error);
        servers.push_back(j);
    }
    const DnsAgreement a = dns_agreement(r);
    return {{"name", escaped(r.name)}, {"type", dns_type_text(r.type)}, {"servers", servers},
            {"agreement", a == DnsAgreement::Agree ? "agree" : a == DnsAgreement::DifferentData ? "different_data" : "disagree"}};
}

nlohmann::json tcp_json(const std::vector<TcpProbeResult>& rs) {
    nlohmann::json list = nlohmann::json::array();
    for (const TcpProbeResult& r : rs) {
        nlohmann::json j = {{"host", escaped(r.target.host)}, {"port", r.target.port},
                            {"address", r.address.family ? ip_str(r.address) : ""},
                            {"state", tcp_state_text(r.state)}, {"ms", r.ms},
                            {"service", service_name(r.target.port)}};
        if (!r.error.empty()) j["error"] = escaped(r.error);
        list.push_back(j);
    }
    return {{"targets", list}};
}

nlohmann::json path_json(const PathProbeResult& r) {
    nlohmann::json hops = nlohmann::json::array();
    for (const PathHop& h : r.hops)
        hops.push_back({{"ttl", h.ttl}, {"router", h.router.family ? ip_str(h.router) : ""}, {"large_passes", h.large_passes}});
    nlohmann::json j = {{"host", escaped(r.host)}, {"address", r.address.family ? ip_str(r.address) : ""},
                        {"reachable", r.reachable}, {"rtt_ms", r.rtt_ms}, {"link_mtu", r.link_mtu},
                        {"path_mtu", r.path_mtu}, {"black_hole", r.black_hole}, {"hops", hops},
                        {"probes_sent", r.probes_sent}};
    if (!r.error.empty()) j["error"] = escaped(r.error);
    if (r.frag_needed_from) j["frag_needed"] = {{"from", ip_str(*r.frag_needed_from)}, {"mtu", r.frag_needed_mtu}};
    if (r.unreachable_from) j["unreachable"] = {{"from", ip_str(*r.unreachable_from)}, {"code", r.unreachable_code}};
    return j;
}

}  // namespace netdx
