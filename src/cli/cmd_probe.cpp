// `netdx probe dns|arp|dhcp|tcp|path`: ask the network one question now and
// say what the answer means, with the findings `netdx analyze` would raise.
#include <fmt/format.h>

#include <csignal>

#include "analysis/summary.hpp"
#include "cli/commands.hpp"
#include "cli/probe_common.hpp"
#include "core/escape.hpp"
#include "probe/host_lookup.hpp"
#include "probe/probe_error.hpp"
#include "probe/probe_output.hpp"
#include "probe/resolv_conf.hpp"
#include "probe/verdicts.hpp"
#include "report/report.hpp"
#include "rules/format.hpp"

namespace netdx {

namespace {

struct ProbeArgs {
    ReportArgs report;
    std::string interface;
    // dns
    std::string name;
    std::vector<std::string> servers;
    std::string type = "A";
    std::string resolv_conf = kResolvConf;
    // arp
    std::string address;
    int count = 3;
    // dhcp
    double wait_s = 3;
    // tcp
    std::vector<std::string> targets;
    int timeout_ms = 3000;
    int dns_timeout_ms = 2000;
    // path
    std::string host;
};

std::optional<NetInterface> interface_for(const std::string& name, const IpAddress* toward) {
    if (!name.empty()) return find_interface(name);
    if (toward)  // the interface whose subnet holds the address
        for (NetInterface& nif : list_interfaces())
            for (const Ipv4Address& a : nif.ipv4)
                if (same_prefix(a.addr, *toward, a.prefix)) return nif;
    return default_interface();
}

NetInterface need_interface(const std::string& name, const IpAddress* toward) {
    auto nif = interface_for(name, toward);
    if (!nif)
        throw ProbeError(ExitCode::NoSuchInterface,
                         name.empty() ? "no network interface to probe from (give one with -i)"
                                      : fmt::format("no such interface: {}", escaped(name)));
    if (!nif->has_mac)
        throw ProbeError(ExitCode::UnsupportedLinkType, fmt::format("{} is not an Ethernet-like interface", nif->name));
    return *nif;
}

// Prints the result and the findings, returns the exit code.
int report(const ProbeArgs& a, const char* kind, const std::function<void(std::FILE*)>& text,
           const std::function<nlohmann::json()>& json, const std::vector<Finding>& findings) {
    std::FILE* out = stdout;
    const CaptureSummary none;
    if (a.report.format == "json") {
        nlohmann::json j;
        j["netdx_version"] = NETDX_VERSION;
        j["command"] = fmt::format("probe {}", kind);
        j["result"] = json();
        nlohmann::json list = nlohmann::json::array();
        nlohmann::json counts = {{"error", 0}, {"warning", 0}, {"notice", 0}, {"info", 0}};
        for (const Finding& f : findings) {
            list.push_back(finding_json(f, none));
            const std::string s(severity_name(f.severity));
            counts[s] = counts[s].get<int>() + 1;
        }
        j["counts"] = counts;
        j["findings"] = list;
        std::fputs(j.dump(2).c_str(), out);
        std::fputc('\n', out);
    } else {
        const bool color = use_color(a.report.color, out);
        text(out);
        if (!findings.empty()) fmt::print(out, "\nFindings: {}\n", findings.size());
        for (const Finding& f : findings) write_text_finding(out, f, none, color);
    }
    if (std::fflush(out) != 0) {
        fmt::print(stderr, "netdx probe: writing the report failed\n");
        return code(ExitCode::WriteFailed);
    }
    std::optional<Severity> fail_on;
    if (!a.report.fail_on.empty()) fail_on = parse_severity(a.report.fail_on);
    return findings_exit(findings, fail_on);
}

int run_probe(ProbeArgs& a, const std::string& kind) {
    RuleConfig config;
    if (int rc = load_rule_config(a.report, config, "probe")) return rc;
    std::signal(SIGPIPE, SIG_IGN);
    Verdicts v(config);
    try {
        if (kind == "dns") {
            const auto type = parse_dns_type(a.type);
            if (!type) {
                fmt::print(stderr, "netdx probe dns: unknown record type \"{}\"\n", escaped(a.type));
                return code(ExitCode::Usage);
            }
            std::string name = a.name;
            if (*type == 12)
                if (auto rev = reverse_name(name)) name = *rev;
            const auto servers = a.servers.empty() ? resolv_conf_servers(a.resolv_conf) : a.servers;
            DnsProbeOptions o;
            o.timeout_ms = a.dns_timeout_ms;
            const DnsProbeResult r = dns_probe(name, *type, servers, o);
            v.dns_results(r);
            return report(a, "dns", [&](std::FILE* out) { print_dns(out, r); }, [&] { return dns_json(r); }, v.findings());
        }
        if (kind == "arp") {
            const auto ip = parse_ip(a.address);
            if (!ip || ip->family != 4) {
                fmt::print(stderr, "netdx probe arp: \"{}\" is not an IPv4 address\n", escaped(a.address));
                return code(ExitCode::Usage);
            }
            const NetInterface nif = need_interface(a.interface, &*ip);
            ArpProbeOptions o;
            o.target = *ip;
            o.tries = a.count;
            const ArpProbeResult r = arp_probe(nif, o);
            v.arp_answers(r, false);
            return report(a, "arp", [&](std::FILE* out) { print_arp(out, r); }, [&] { return arp_json(r); }, v.findings());
        }
        if (kind == "dhcp") {
            const NetInterface nif = need_interface(a.interface, nullptr);
            DhcpProbeOptions o;
            o.wait_ms = static_cast<int>(a.wait_s * 1000);
            const DhcpProbeResult r = dhcp_probe(nif, o);
            v.dhcp_offers(r, true);
            return report(a, "dhcp", [&](std::FILE* out) { print_dhcp(out, r, o.wait_ms); }, [&] { return dhcp_json(r); },
                          v.findings());
        }
        if (kind == "tcp") {
            std::vector<TcpTarget> targets;
            for (const std::string& t : a.targets) {
                TcpTarget tt;
                if (!split_host_port(t, tt.host, tt.port)) {
                    fmt::print(stderr, "netdx probe tcp: \"{}\" is not HOST:PORT\n", escaped(t));
                    return code(ExitCode::Usage);
                }
                targets.push_back(tt);
            }
            const auto rs = tcp_probe(targets, {a.timeout_ms});
            v.tcp_results(rs);
            return report(a, "tcp", [&](std::FILE* out) { print_tcp(out, rs); }, [&] { return tcp_json(rs); }, v.findings());
        }
        const PathProbeResult r = path_probe(a.host, {});
        v.path_result(r);
        return report(a, "path", [&](std::FILE* out) { print_path(out, r); }, [&] { return path_json(r); }, v.findings());
    } catch (const ProbeError& e) {
        fmt::print(stderr, "netdx probe {}: {}\n", kind, e.what());
        return code(e.code());
    }
}

}  // namespace

CommandRunner add_probe_command(CLI::App& app) {
    auto a = std::make_shared<ProbeArgs>();
    CLI::App* cmd = app.add_subcommand("probe", "Ask the network now: dns, arp, dhcp, tcp, path (raw sockets need root)");
    cmd->require_subcommand(1);
    const char* fail_help = "Exit with code 20 when a finding reaches this severity";
    CLI::App* dns = cmd->add_subcommand("dns", "Resolve NAME with every resolver in parallel and compare the answers");
    dns->add_option("name", a->name, "The name to resolve (an address for --type PTR)")->required();
    dns->add_option("--server", a->servers, "Ask this resolver (IP, IP:PORT or [IPv6]:PORT; repeatable) instead of resolv.conf's")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    dns->add_option("--type", a->type, "Record type: A, AAAA, MX, NS, TXT, PTR, SRV, SOA, CNAME, ... or TYPEn");
    dns->add_option("--resolv-conf", a->resolv_conf, "Read the resolvers from this file");
    dns->add_option("--timeout", a->dns_timeout_ms, "Milliseconds per try (2 tries)")->check(CLI::Range(50, 60000));
    CLI::App* arp = cmd->add_subcommand("arp", "RFC 5227 ARP probe: which MACs answer for IP (two = duplicate address)");
    arp->add_option("address", a->address, "The IPv4 address to probe")->required();
    arp->add_option("-i,--interface", a->interface, "Interface (default: the one whose subnet holds the address)");
    arp->add_option("-c,--count", a->count, "Probes to send (200 ms apart; answers are awaited 1 s after the last)")
        ->check(CLI::Range(1, 100));
    CLI::App* dhcp = cmd->add_subcommand("dhcp", "Send a DHCPDISCOVER (no lease is taken) and list every OFFER");
    dhcp->add_option("-i,--interface", a->interface, "Interface (default: the default route's)");
    dhcp->add_option("--wait", a->wait_s, "Seconds to listen for offers")->check(CLI::Range(0.5, 60.0));
    CLI::App* tcp = cmd->add_subcommand("tcp", "Connect to each HOST:PORT at once: open, refused, filtered, unreachable");
    tcp->add_option("targets", a->targets, "HOST:PORT ([IPv6]:PORT)")->required();
    tcp->add_option("--timeout", a->timeout_ms, "Milliseconds before a silent port counts as filtered")
        ->check(CLI::Range(50, 60000));
    CLI::App* path = cmd->add_subcommand("path", "Reachability and path MTU (DF probes), black holes and their hop");
    path->add_option("host", a->host, "Host name or IPv4 address")->required();
    for (CLI::App* sub : {dns, arp, dhcp, tcp, path}) add_report_options(*sub, a->report, fail_help);
    return [cmd, a]() {
        if (!cmd->parsed()) return -1;
        for (const char* kind : {"dns", "arp", "dhcp", "tcp", "path"})
            if (cmd->get_subcommand(kind)->parsed()) return run_probe(*a, kind);
        return code(ExitCode::Usage);
    };
}

}  // namespace netdx
