#include "probe/doctor.hpp"

#include <linux/if_ether.h>

#include <functional>

#include <fmt/format.h>

#include "core/escape.hpp"
#include "probe/arp_probe.hpp"
#include "probe/dhcp_probe.hpp"
#include "probe/dns_probe.hpp"
#include "probe/host_lookup.hpp"
#include "probe/link_socket.hpp"
#include "probe/path_probe.hpp"
#include "probe/probe_error.hpp"
#include "probe/resolv_conf.hpp"
#include "probe/tcp_probe.hpp"
#include "probe/verdicts.hpp"
#include "rules/format.hpp"

namespace netdx {

std::string_view check_status_text(CheckStatus s) {
    switch (s) {
        case CheckStatus::Ok: return "ok";
        case CheckStatus::Warn: return "warn";
        case CheckStatus::Fail: return "FAIL";
        case CheckStatus::Skipped: return "skip";
        case CheckStatus::NotRun: return "not run";
    }
    return "?";
}

const std::vector<std::string>& doctor_check_ids() {
    static const std::vector<std::string> ids = {"link", "address", "gateway", "duplicate", "dhcp", "dns", "target", "path_mtu"};
    return ids;
}

namespace {

const char* check_title(const std::string& id) {
    if (id == "link") return "Link up and carrier";
    if (id == "address") return "IPv4 address (not link-local)";
    if (id == "gateway") return "Default gateway answers ARP";
    if (id == "duplicate") return "No other host has our address";
    if (id == "dhcp") return "DHCP server answering";
    if (id == "dns") return "Resolvers answering and agreeing";
    if (id == "target") return "Target reachable over TCP";
    return "Path MTU";
}

std::string prefix_text(const Ipv4Address& a) {
    return fmt::format("{}/{} ({})", ip_str(a.addr), a.prefix, a.permanent ? "static" : "leased");
}

std::string offer_text(const DhcpOffer& o) {
    std::string t = fmt::format("server {} ({}) offers {}", ip_str(o.server()), mac_str(o.server_mac), ip_str(o.offered));
    if (o.prefix >= 0) t += fmt::format("/{}", o.prefix);
    if (!o.routers.empty()) t += fmt::format(", router {}", join(o.routers, ip_str));
    if (!o.dns_servers.empty()) t += fmt::format(", DNS {}", join(o.dns_servers, ip_str));
    if (!o.domain.empty()) t += fmt::format(", domain {}", o.domain);
    if (o.lease_s >= 0) t += fmt::format(", lease {} s", o.lease_s);
    return t + fmt::format(" ({:.0f} ms)", o.ms);
}

class Doctor {
public:
    Doctor(const DoctorOptions& o, const RuleConfig& c) : opts_(o), verdicts_(c) {}

    DoctorReport run() {
        rep_.started = probe_clock::wall();
        rep_.nif = pick_interface();
        { LinkSocket permission_check(rep_.nif, ETH_P_ARP); }  // fail now, not halfway, without CAP_NET_RAW
        if (!opts_.target.empty() && !split_host_port(opts_.target, target_host_, target_port_))
            throw ProbeError(ExitCode::Usage, fmt::format("--target wants HOST:PORT, got \"{}\"", escaped(opts_.target)));
        const std::vector<std::pair<std::string, std::function<void(CheckResult&)>>> checks = {
            {"link", [this](CheckResult& c) { link(c); }},
            {"address", [this](CheckResult& c) { address(c); }},
            {"gateway", [this](CheckResult& c) { gateway(c); }},
            {"duplicate", [this](CheckResult& c) { duplicate(c); }},
            {"dhcp", [this](CheckResult& c) { dhcp(c); }},
            {"dns", [this](CheckResult& c) { dns(c); }},
            {"target", [this](CheckResult& c) { target(c); }},
            {"path_mtu", [this](CheckResult& c) { path(c); }},
        };
        for (const auto& [id, fn] : checks) {
            CheckResult c;
            c.id = id;
            c.title = check_title(id);
            if (rep_.stopped_at < 0 && !rep_.nif.has_mac && (id == "gateway" || id == "duplicate" || id == "dhcp")) {
                // A tunnel or point-to-point link has no ARP and usually no DHCP.
                c.status = CheckStatus::Skipped;
                c.summary = fmt::format("{} is not an Ethernet-like link", rep_.nif.name);
            } else if (rep_.stopped_at < 0) {
                const std::size_t before = verdicts_.findings().size();
                const auto t0 = probe_clock::now();
                fn(c);
                c.ms = probe_clock::ms_between(t0, probe_clock::now());
                for (std::size_t i = before; i < verdicts_.findings().size(); ++i)
                    c.finding_ids.emplace_back(verdicts_.findings()[i].def->id);
                if (c.status == CheckStatus::Fail) rep_.stopped_at = static_cast<int>(rep_.checks.size());
            } else {
                c.status = CheckStatus::NotRun;
            }
            rep_.checks.push_back(std::move(c));
        }
        rep_.findings = verdicts_.take();
        rep_.finished = probe_clock::wall();
        return std::move(rep_);
    }

private:
    NetInterface pick_interface() {
        if (opts_.interface.empty()) {
            auto nif = default_interface();
            if (!nif) throw ProbeError(ExitCode::NoSuchInterface, "no network interface to check (give one with -i)");
            return *nif;
        }
        auto nif = find_interface(opts_.interface);
        if (!nif) throw ProbeError(ExitCode::NoSuchInterface, fmt::format("no such interface: {}", escaped(opts_.interface)));
        return *nif;
    }

    void link(CheckResult& c) {
        const NetInterface& n = rep_.nif;
        if (!n.up) {
            c.status = CheckStatus::Fail;
            c.summary = fmt::format("{} is administratively down", n.name);
            if (Finding* f = verdicts_.raise("link.down", fmt::format("{} is down", n.name),
                                             fmt::format("{} does not have the UP flag: it was switched off in software.", n.name),
                                             probe_clock::wall()))
                f->hosts.push_back(n.name);
            return;
        }
        if (!n.carrier && !n.loopback) {
            c.status = CheckStatus::Fail;
            c.summary = fmt::format("{} is up but has no carrier", n.name);
            if (Finding* f = verdicts_.raise("link.no_carrier", fmt::format("No link on {}", n.name),
                                             fmt::format("{} is up but its lower layer is down (no carrier).", n.name),
                                             probe_clock::wall()))
                f->hosts.push_back(n.name);
            return;
        }
        c.status = CheckStatus::Ok;
        c.summary = fmt::format("{} is up with carrier{}, MTU {}", n.name,
                                n.has_mac ? fmt::format(", MAC {}", mac_str(n.mac)) : std::string(), n.mtu);
    }

    // The DHCP probe as evidence for an address problem.
    void dhcp_follow_up(CheckResult& c) {
        const DhcpProbeResult d = dhcp_probe(rep_.nif, {opts_.dhcp_wait_ms, 1000});
        if (d.offers.empty())
            c.notes.push_back(fmt::format("DHCP: no server answered {} DISCOVER(s) in {:.1f} s", d.discovers,
                                          opts_.dhcp_wait_ms / 1000.0));
        for (const DhcpOffer& o : d.offers)
            c.notes.push_back(fmt::format("DHCP: {}: a server answers, so this host's DHCP client did not take the lease",
                                          offer_text(o)));
        verdicts_.dhcp_offers(d, true);
    }

    void address(CheckResult& c) {
        const Ipv4Address* global = nullptr;
        const Ipv4Address* link_local = nullptr;
        for (const Ipv4Address& a : rep_.nif.ipv4) {
            if (is_link_local_v4(a.addr)) {
                if (!link_local) link_local = &a;
            } else if (!global) {
                global = &a;
            }
        }
        if (global) {
            ours_ = *global;
            c.status = CheckStatus::Ok;
            c.summary = prefix_text(*global);
            for (const Ipv4Address& a : rep_.nif.ipv4)
                if (&a != global) c.notes.push_back("also " + prefix_text(a));
            return;
        }
        c.status = CheckStatus::Fail;
        if (link_local) {
            c.summary = fmt::format("only the self-assigned {}/{}: DHCP did not give an address", ip_str(link_local->addr),
                                    link_local->prefix);
            if (Finding* f = verdicts_.raise(
                    "addr.link_local_only", fmt::format("{} has only the link-local address {}", rep_.nif.name, ip_str(link_local->addr)),
                    fmt::format("{} carries {}/{} and no other IPv4 address.", rep_.nif.name, ip_str(link_local->addr),
                                link_local->prefix),
                    probe_clock::wall()))
                f->hosts = {ip_str(link_local->addr), mac_str(rep_.nif.mac)};
        } else {
            c.summary = fmt::format("{} has no IPv4 address", rep_.nif.name);
            if (Finding* f = verdicts_.raise("addr.no_ipv4", fmt::format("{} has no IPv4 address", rep_.nif.name),
                                             fmt::format("{} carries no IPv4 address.", rep_.nif.name), probe_clock::wall()))
                f->hosts = {rep_.nif.name, mac_str(rep_.nif.mac)};
        }
        if (rep_.nif.has_mac) dhcp_follow_up(c);
    }

    void gateway(CheckResult& c) {
        const std::vector<DefaultRoute> routes = default_routes();
        const DefaultRoute* mine = nullptr;
        for (const DefaultRoute& r : routes)
            if (r.interface == rep_.nif.name) {
                mine = &r;
                break;
            }
        if (routes.empty()) {
            c.status = CheckStatus::Fail;
            c.summary = "no default route: only directly attached networks are reachable";
            verdicts_.raise("route.no_default", "No default route",
                            fmt::format("The main routing table has no IPv4 default route ({} is {}).", rep_.nif.name,
                                        ip_str(ours_.addr)),
                            probe_clock::wall());
            return;
        }
        if (!mine) {
            c.status = CheckStatus::Warn;
            c.summary = fmt::format("the default route leaves through {}, not {}", routes.front().interface, rep_.nif.name);
            return;
        }
        if (!mine->gateway) {
            c.status = CheckStatus::Ok;
            c.summary = fmt::format("the default route is a device route on {} (no gateway to ask)", rep_.nif.name);
            return;
        }
        ArpProbeOptions o;
        o.target = *mine->gateway;
        o.rfc5227 = false;
        o.sender = ours_.addr;
        o.tries = 3;
        o.interval_ms = 500;
        o.wait_ms = 1000;
        o.stop_at_first = true;
        const ArpProbeResult r = arp_probe(rep_.nif, o);
        if (r.answers.empty()) {
            c.status = CheckStatus::Fail;
            c.summary = fmt::format("gateway {} does not answer ARP ({} requests)", ip_str(o.target), r.sent);
            if (Finding* f = verdicts_.raise(
                    "net.gateway_unreachable", fmt::format("Gateway {} does not answer ARP", ip_str(o.target)),
                    fmt::format("{} ARP requests from {} ({}) for the default gateway {} got no reply.", r.sent,
                                ip_str(ours_.addr), rep_.nif.name, ip_str(o.target)),
                    r.started)) {
                f->hosts = {ip_str(o.target), ip_str(ours_.addr)};
                f->figures.push_back({"requests", static_cast<double>(r.sent), ""});
            }
            return;
        }
        c.status = CheckStatus::Ok;
        c.summary = fmt::format("gateway {} is at {} ({:.1f} ms)", ip_str(o.target), mac_str(r.answers.front().mac),
                                r.answers.front().first_ms);
    }

    void duplicate(CheckResult& c) {
        ArpProbeOptions o;
        o.target = ours_.addr;
        o.tries = 2;
        o.interval_ms = 200;
        o.wait_ms = 800;
        const ArpProbeResult r = arp_probe(rep_.nif, o);
        verdicts_.arp_answers(r, true);
        if (r.answers.empty()) {
            c.status = CheckStatus::Ok;
            c.summary = fmt::format("no other host answers ARP probes for {}", ip_str(ours_.addr));
            return;
        }
        c.status = CheckStatus::Fail;
        std::string macs;
        for (const ArpAnswer& a : r.answers) macs += (macs.empty() ? "" : ", ") + mac_str(a.mac);
        c.summary = fmt::format("{} is also used by {}", ip_str(ours_.addr), macs);
    }

    void dhcp(CheckResult& c) {
        bool leased = false;
        for (const Ipv4Address& a : rep_.nif.ipv4) leased = leased || !a.permanent;
        const DhcpProbeResult d = dhcp_probe(rep_.nif, {opts_.dhcp_wait_ms, 1000});
        verdicts_.dhcp_offers(d, leased);
        for (const DhcpOffer& o : d.offers) c.notes.push_back(offer_text(o));
        if (d.offers.size() > 1) {
            c.status = CheckStatus::Fail;
            c.summary = fmt::format("{} DHCP servers answer: one of them is rogue or misconfigured", d.offers.size());
        } else if (d.offers.size() == 1) {
            c.status = CheckStatus::Ok;
            c.summary = fmt::format("one server answers: {}", ip_str(d.offers.front().server()));
        } else if (leased) {
            c.status = CheckStatus::Fail;
            c.summary = fmt::format("no DHCP server answered in {:.1f} s: the lease on {} will not be renewed",
                                    opts_.dhcp_wait_ms / 1000.0, ip_str(ours_.addr));
        } else {
            c.status = CheckStatus::Ok;
            c.summary = fmt::format("no DHCP server answered; {} is static, so none is needed", ip_str(ours_.addr));
        }
    }

    void dns(CheckResult& c) {
        const std::vector<std::string> servers =
            resolv_conf_servers(opts_.resolv_conf.empty() ? std::string(kResolvConf) : opts_.resolv_conf);
        std::string name = opts_.name;
        std::uint16_t type = 1;
        asks_target_ = false;
        if (name.empty() && !target_host_.empty() && !parse_ip(target_host_)) {
            name = target_host_;
            asks_target_ = true;
        }
        if (name.empty()) {
            name = ".";
            type = 2;  // NS of the root: any working recursive resolver answers it
        }
        DnsProbeOptions dopts;
        dopts.timeout_ms = opts_.dns_timeout_ms;
        const DnsProbeResult r = dns_probe(name, type, servers, dopts);
        if (asks_target_)  // the target check connects to what the checked resolvers say
            for (const DnsServerResult& s : r.servers)
                for (const std::string& a : s.matching)
                    if (auto ip = parse_ip(a); ip && !target_addr_.family) target_addr_ = *ip;
        const std::size_t before = verdicts_.findings().size();
        verdicts_.dns_results(r);
        unsigned verdicts = 0, nx = 0;
        for (const DnsServerResult& s : r.servers) {
            std::string line = fmt::format("{}: ", escaped(s.server));
            if (s.outcome == DnsOutcome::Answered) {
                line += fmt::format("{} in {:.1f} ms", rcode_text(s.rcode), s.ms);
                if (!s.answers.empty()) line += fmt::format(": {}", fmt::join(s.answers, ", "));
                if (s.rcode == 0 || s.rcode == 3) ++verdicts;
                if (s.rcode == 3) ++nx;
            } else {
                line += s.outcome == DnsOutcome::Timeout   ? fmt::format("no answer in {:.0f} ms", s.ms)
                        : s.outcome == DnsOutcome::Refused ? std::string("DNS port unreachable")
                                                           : escaped(s.error);
            }
            c.notes.push_back(line);
        }
        const std::string q = fmt::format("{} {}", escaped(name), dns_type_text(type));
        if (servers.empty()) {
            c.status = CheckStatus::Fail;
            c.summary = "resolv.conf names no resolver";
        } else if (verdicts == 0) {
            c.status = CheckStatus::Fail;
            c.summary = fmt::format("no resolver of {} gives an answer for {}", servers.size(), q);
        } else if (asks_target_ && nx == verdicts) {
            c.status = CheckStatus::Fail;
            c.summary = fmt::format("the target's name {} does not exist (NXDOMAIN)", escaped(name));
        } else if (verdicts_.findings().size() > before) {
            c.status = CheckStatus::Warn;
            c.summary = fmt::format("{} of {} resolvers answer {}, with problems", verdicts, servers.size(), q);
        } else {
            c.status = CheckStatus::Ok;
            c.summary = fmt::format("{} of {} resolvers answer {}{}", verdicts, servers.size(), q,
                                    dns_agreement(r) == DnsAgreement::DifferentData
                                        ? " (different addresses: normal for load-balanced names)"
                                        : "");
        }
    }

    void target(CheckResult& c) {
        if (target_host_.empty()) {
            c.status = CheckStatus::Skipped;
            c.summary = "no --target HOST:PORT given";
            return;
        }
        const std::string host = target_addr_.family ? ip_str(target_addr_) : target_host_;
        std::vector<TcpProbeResult> rs = tcp_probe({{host, target_port_}}, {opts_.tcp_timeout_ms});
        rs.front().target.host = target_host_;
        const TcpProbeResult& r = rs.front();
        verdicts_.tcp_results(rs);
        std::string ep = r.address.family ? endpoint_str(r.address, r.target.port)
                                          : fmt::format("{}:{}", escaped(target_host_), target_port_);
        if (r.address.family && ip_str(r.address) != target_host_) ep = fmt::format("{} ({})", escaped(target_host_), ep);
        c.summary = fmt::format("{} {} after {:.1f} ms", ep, tcp_state_text(r.state), r.ms);
        if (!r.error.empty()) c.summary += fmt::format(" ({})", escaped(r.error));
        c.status = r.state == TcpState::Open ? CheckStatus::Ok : CheckStatus::Fail;
        if (r.address.family) target_addr_ = r.address;
    }

    void path(CheckResult& c) {
        if (target_host_.empty()) {
            c.status = CheckStatus::Skipped;
            c.summary = "no --target HOST:PORT given";
            return;
        }
        if (target_addr_.family != 4) {
            c.status = CheckStatus::Skipped;
            c.summary = "the path MTU is measured for IPv4 targets only";
            return;
        }
        const PathProbeResult r = path_probe(ip_str(target_addr_), {});
        rep_.sent_ttl_probes = !r.hops.empty();
        if (!r.reachable) {
            c.status = CheckStatus::Skipped;
            c.summary = fmt::format("not measured: {} does not answer ping", ip_str(target_addr_));
            return;
        }
        verdicts_.path_result(r);
        for (const PathHop& h : r.hops)
            c.notes.push_back(fmt::format("hop {}: {}: large probes {}", h.ttl,
                                          h.router.family ? ip_str(h.router) : std::string("no answer"),
                                          h.large_passes ? "pass" : "vanish"));
        if (r.black_hole) {
            c.status = CheckStatus::Fail;
            c.summary = fmt::format("black hole: packets over {} bytes vanish without ICMP fragmentation-needed", r.path_mtu);
        } else if (r.frag_needed_from) {
            c.status = CheckStatus::Ok;
            c.summary = fmt::format("path MTU {} (link {}): {} reports fragmentation needed, so PMTU discovery works",
                                    r.path_mtu, r.link_mtu, ip_str(*r.frag_needed_from));
        } else {
            c.status = CheckStatus::Ok;
            c.summary = fmt::format("path MTU {} (link {}), echo RTT {:.1f} ms", r.path_mtu, r.link_mtu, r.rtt_ms);
        }
    }

    const DoctorOptions& opts_;
    Verdicts verdicts_;
    DoctorReport rep_;
    Ipv4Address ours_;
    std::string target_host_;
    std::uint16_t target_port_ = 0;
    IpAddress target_addr_;
    bool asks_target_ = false;
};

}  // namespace

DoctorReport run_doctor(const DoctorOptions& opts, const RuleConfig& config) { return Doctor(opts, config).run(); }

}  // namespace netdx
