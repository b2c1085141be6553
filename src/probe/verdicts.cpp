#include "probe/verdicts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/escape.hpp"
#include "probe/services.hpp"
#include "rules/format.hpp"
#include "rules/port_list.hpp"

namespace netdx {

namespace {

void add_host(Finding& f, const std::string& h) {
    if (std::find(f.hosts.begin(), f.hosts.end(), h) == f.hosts.end()) f.hosts.push_back(h);
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string server_list(const std::vector<const DnsServerResult*>& v) {
    std::string out;
    for (const DnsServerResult* s : v) out += (out.empty() ? "" : ", ") + escaped(s->server);
    return out;
}

}  // namespace

Finding* Verdicts::raise(std::string_view id, std::string title, std::string detail, double ts) {
    const FindingDef* def = find_def(id);
    if (!def || !config_.enabled(id)) return nullptr;
    Finding f;
    f.def = def;
    f.severity = config_.severity(*def);
    f.key = std::string(id);
    f.title = std::move(title);
    f.detail = std::move(detail);
    f.first_ts = f.last_ts = ts;
    findings_.push_back(std::move(f));
    return &findings_.back();
}

void Verdicts::arp_answers(const ArpProbeResult& r, bool ours) {
    const std::size_t others = r.answers.size();
    if (ours ? others == 0 : others < 2) return;
    const std::string ip = ip_str(r.target);
    std::string macs;
    for (const ArpAnswer& a : r.answers) macs += (macs.empty() ? "" : ", ") + mac_str(a.mac);
    Finding* f =
        ours ? raise("arp.duplicate_ip", fmt::format("Duplicate IP address {}: another host answers for our address", ip),
                     fmt::format("An ARP probe for {} (sender 0.0.0.0, RFC 5227) from {} was answered by {}, which "
                                 "is not this host.", ip, r.interface, macs),
                     r.started)
             : raise("arp.duplicate_ip", fmt::format("Duplicate IP address {}: {} MACs answer ARP", ip, others),
                     fmt::format("ARP requests for {} on {} were answered by {} different MACs: {}.", ip, r.interface,
                                 others, macs),
                     r.started);
    if (!f) return;
    add_host(*f, ip);
    for (const ArpAnswer& a : r.answers) add_host(*f, mac_str(a.mac));
    f->figures.push_back({"macs", static_cast<double>(others), ""});
}

void Verdicts::dhcp_offers(const DhcpProbeResult& r, bool want_offer) {
    if (r.offers.empty() && want_offer) {
        if (Finding* f = raise("dhcp.no_offer", fmt::format("No DHCP server answered on {}", r.interface),
                               fmt::format("{} sent from {} (broadcast) got no OFFER: no DHCP server or relay "
                                           "reaches this link, or the server's pool is exhausted (a full pool "
                                           "sends nothing either).",
                                           plural(r.discovers, "DHCPDISCOVER", "DHCPDISCOVERs"), mac_str(r.client_mac)),
                               r.started)) {
            add_host(*f, mac_str(r.client_mac));
            f->figures.push_back({"discovers", static_cast<double>(r.discovers), ""});
        }
    }
    if (r.offers.size() < 2) return;
    std::string who;
    for (const DhcpOffer& o : r.offers)
        who += fmt::format("{}{} ({}) offers {}", who.empty() ? "" : "; ", ip_str(o.server()), mac_str(o.server_mac),
                           ip_str(o.offered));
    if (Finding* f = raise("dhcp.multiple_servers",
                           fmt::format("{} DHCP servers answer on {}", r.offers.size(), r.interface),
                           fmt::format("One DHCPDISCOVER got offers from {} servers: {}.", r.offers.size(), who),
                           r.started)) {
        for (const DhcpOffer& o : r.offers) {
            add_host(*f, ip_str(o.server()));
            add_host(*f, mac_str(o.server_mac));
        }
        f->figures.push_back({"servers", static_cast<double>(r.offers.size()), ""});
    }
}

void Verdicts::dns_results(const DnsProbeResult& r) {
    const std::string q = fmt::format("{} {}", escaped(r.name), dns_type_text(r.type));
    if (r.servers.empty()) {
        raise("dns.no_resolver", "No DNS resolver configured", "resolv.conf names no nameserver.", r.started);
        return;
    }
    std::vector<const DnsServerResult*> unanswered, servfail, refused, nxdomain;
    for (const DnsServerResult& s : r.servers) {
        if (s.outcome != DnsOutcome::Answered) unanswered.push_back(&s);
        else if (s.rcode == 2) servfail.push_back(&s);
        else if (s.rcode == 5) refused.push_back(&s);
        else if (s.rcode == 3) nxdomain.push_back(&s);
    }
    auto group = [&](std::string_view id, const std::vector<const DnsServerResult*>& v, std::string title,
                     std::string detail) {
        if (v.empty()) return;
        if (Finding* f = raise(id, std::move(title), std::move(detail), r.started)) {
            for (const DnsServerResult* s : v) add_host(*f, escaped(s->server));
            f->figures.push_back({"resolvers", static_cast<double>(v.size()), ""});
            f->figures.push_back({"of", static_cast<double>(r.servers.size()), ""});
        }
    };
    std::string why;
    for (const DnsServerResult* s : unanswered)
        why += fmt::format("{}{}: {}", why.empty() ? "" : "; ", escaped(s->server),
                           s->outcome == DnsOutcome::Timeout   ? fmt::format("no response in {:.0f} ms", s->ms)
                           : s->outcome == DnsOutcome::Refused ? std::string("nothing listens on its DNS port (ICMP port unreachable)")
                                                               : escaped(s->error));
    group("dns.unanswered", unanswered,
          fmt::format("{} of {} resolvers do not answer", unanswered.size(), r.servers.size()),
          fmt::format("Asked {}: {}.", q, why));
    group("dns.servfail", servfail, fmt::format("SERVFAIL from {} for {}", server_list(servfail), q),
          fmt::format("{} answered SERVFAIL for {}.", server_list(servfail), q));
    group("dns.refused", refused, fmt::format("{} refused to answer {}", server_list(refused), q),
          fmt::format("{} answered REFUSED for {}: this host may not use it, or it does not recurse.",
                      server_list(refused), q));
    if (dns_agreement(r) == DnsAgreement::Disagree) {
        std::string verdicts;
        for (const DnsServerResult& s : r.servers) {
            if (s.outcome != DnsOutcome::Answered || (s.rcode != 0 && s.rcode != 3)) continue;
            verdicts += fmt::format("{}{} says {}", verdicts.empty() ? "" : "; ", escaped(s.server),
                                    s.rcode == 3         ? std::string("NXDOMAIN")
                                    : s.matching.empty() ? fmt::format("no {} record", dns_type_text(r.type))
                                                         : fmt::format("{}", fmt::join(s.matching, " ")));
        }
        if (Finding* f = raise("dns.resolvers_disagree", fmt::format("Resolvers disagree on {}", q),
                               verdicts + ".", r.started))
            for (const DnsServerResult& s : r.servers)
                if (s.outcome == DnsOutcome::Answered && (s.rcode == 0 || s.rcode == 3)) add_host(*f, escaped(s.server));
    } else if (!nxdomain.empty()) {
        group("dns.nxdomain", nxdomain, fmt::format("{} does not exist (NXDOMAIN)", escaped(r.name)),
              fmt::format("{} answered NXDOMAIN for {}.", server_list(nxdomain), q));
    }
}

void Verdicts::tcp_results(const std::vector<TcpProbeResult>& rs) {
    const auto share = parse_ports(config_.text("conn.file_share_unreachable", "ports"));
    const auto printer = parse_ports(config_.text("conn.printer_unreachable", "ports"));
    std::map<std::string, std::vector<const TcpProbeResult*>> by_id;
    for (const TcpProbeResult& r : rs) {
        const bool failed = r.state == TcpState::Refused || r.state == TcpState::Filtered;
        if (failed && share.count(r.target.port)) by_id["conn.file_share_unreachable"].push_back(&r);
        else if (failed && printer.count(r.target.port)) by_id["conn.printer_unreachable"].push_back(&r);
        else if (r.state == TcpState::Refused) by_id["conn.refused"].push_back(&r);
        else if (r.state == TcpState::Filtered) by_id["conn.unanswered_syn"].push_back(&r);
        else if (r.state == TcpState::HostUnreachable || r.state == TcpState::NoRoute)
            by_id["conn.host_unreachable"].push_back(&r);
        else if (r.state == TcpState::NotResolved) by_id["dns.nxdomain"].push_back(&r);
    }
    for (auto& [id, list] : by_id) {
        std::string what;
        for (const TcpProbeResult* r : list) {
            const std::string_view svc = service_name(r->target.port);
            const std::string ep = r->address.family ? endpoint_str(r->address, r->target.port)
                                                     : fmt::format("{}:{}", escaped(r->target.host), r->target.port);
            what += fmt::format("{}{}{} {} after {:.1f} ms", what.empty() ? "" : "; ", ep,
                                svc.empty() ? std::string() : fmt::format(" ({})", svc), tcp_state_text(r->state), r->ms);
            if (!r->error.empty()) what += fmt::format(" ({})", escaped(r->error));
        }
        const TcpProbeResult& first = *list.front();
        const std::string target = first.address.family ? endpoint_str(first.address, first.target.port)
                                                        : escaped(first.target.host);
        std::string title;
        if (id == "conn.refused") title = fmt::format("Connection refused by {}", target);
        else if (id == "conn.unanswered_syn") title = fmt::format("No answer from {} (filtered)", target);
        else if (id == "conn.host_unreachable") title = fmt::format("{} is unreachable from this host", target);
        else if (id == "dns.nxdomain") title = fmt::format("{} does not resolve", escaped(first.target.host));
        else title = fmt::format("{} unreachable: {} {}", id == "conn.printer_unreachable" ? "Printer" : "File share",
                                 target, tcp_state_text(first.state));
        if (list.size() > 1) title += fmt::format(" (and {} more)", list.size() - 1);
        if (Finding* f = raise(id, title, "TCP connect to " + what + ".", first.started)) {
            for (const TcpProbeResult* r : list) {
                if (r->address.family) {
                    add_host(*f, ip_str(r->address));
                    f->flows.push_back(fmt::format("tcp -> {} {}", endpoint_str(r->address, r->target.port),
                                                   tcp_state_text(r->state)));
                } else {
                    add_host(*f, escaped(r->target.host));
                }
            }
            f->figures.push_back({"attempts", static_cast<double>(list.size()), ""});
        }
    }
}

void Verdicts::path_result(const PathProbeResult& r) {
    const std::string host = r.address.family ? ip_str(r.address) : escaped(r.host);
    if (!r.error.empty()) {
        if (Finding* f = raise("conn.host_unreachable", fmt::format("{} is unreachable from this host", host),
                               fmt::format("No path to {}: {}.", host, escaped(r.error)), r.started))
            add_host(*f, host);
        return;
    }
    if (r.unreachable_from) {
        if (Finding* f = raise("icmp.unreachable", fmt::format("{} reports {} unreachable", ip_str(*r.unreachable_from), host),
                               fmt::format("An echo request to {} was answered with ICMP destination unreachable "
                                           "(code {}) by {}.", host, r.unreachable_code, ip_str(*r.unreachable_from)),
                               r.started)) {
            add_host(*f, ip_str(*r.unreachable_from));
            add_host(*f, host);
        }
        return;
    }
    if (!r.reachable) {
        if (Finding* f = raise("path.no_reply", fmt::format("{} does not answer ping", host),
                               fmt::format("{} echo requests to {} got no reply and no ICMP error.", r.probes_sent, host),
                               r.started))
            add_host(*f, host);
        return;
    }
    if (!r.black_hole) return;
    std::string where;
    if (r.black_hole_after >= 0) {
        const PathHop& h = r.hops[static_cast<std::size_t>(r.black_hole_after)];
        where = fmt::format(" Large probes still reach hop {} ({}) and vanish after it: the next link has the smaller "
                            "MTU and the fragmentation-needed messages of {} do not reach this host.",
                            h.ttl, h.router.family ? ip_str(h.router) : std::string("no address"),
                            h.router.family ? ip_str(h.router) : std::string("that router"));
    } else if (!r.hops.empty()) {
        where = " Large probes vanish before the first hop: the smaller MTU is on this host's own link (a switch or "
                "bridge with a smaller MTU).";
    }
    if (Finding* f = raise("tcp.mtu_blackhole", fmt::format("MTU black hole toward {}: packets over {} bytes vanish", host, r.path_mtu),
                           fmt::format("Echo requests with don't-fragment set pass up to {} bytes; {} bytes and more get "
                                       "no answer and no ICMP fragmentation-needed (the link MTU here is {}).{}",
                                       r.path_mtu, r.smallest_lost, r.link_mtu, where),
                           r.started)) {
        add_host(*f, host);
        if (r.black_hole_after >= 0) {
            const PathHop& h = r.hops[static_cast<std::size_t>(r.black_hole_after)];
            if (h.router.family) add_host(*f, ip_str(h.router));
        }
        f->figures.push_back({"path_mtu", static_cast<double>(r.path_mtu), "B"});
        f->figures.push_back({"link_mtu", static_cast<double>(r.link_mtu), "B"});
    }
}

}  // namespace netdx
