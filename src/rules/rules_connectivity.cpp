// Connectivity: refused and unanswered connections per service (file shares
// and printers named as such), one host failing while others succeed, the
// internet unreachable while the LAN works, ICMP errors per router, and the
// gateway not answering ARP.
#include <algorithm>
#include <map>
#include <set>

#include "events/conn_events.hpp"
#include "network/network_model.hpp"
#include "events/dns_events.hpp"
#include "events/packet_events.hpp"
#include "rules/bounded.hpp"
#include "rules/format.hpp"
#include "rules/port_list.hpp"
#include "rules/rules_all.hpp"

namespace netdx {

namespace {

using Outcome = ConnAttempt::Outcome;

struct ServiceKey {
    IpAddress server;
    std::uint16_t port = 0;
    friend auto operator<=>(const ServiceKey&, const ServiceKey&) = default;
};

struct ClientCounts {
    std::uint32_t ok = 0, refused = 0, unanswered = 0, icmp = 0;
};

struct Service {
    std::map<IpAddress, ClientCounts> clients;  // at most kMaxClients
    std::uint32_t other_clients_failed = 0;     // failures of clients beyond the cap
    double first = 0, last = 0;
    Evidence refused_ev, unanswered_ev;
    std::vector<std::string> flows;  // a few failed attempts
    static constexpr std::size_t kMaxClients = 64;
};

struct HostTally {
    std::uint32_t ok = 0, fail = 0;
    std::uint32_t remote_ok = 0, remote_fail = 0;
    std::set<std::string> failed_classes;  // capped
    double first = 0, last = 0;
    Evidence ev;
};

class ConnRules final : public Rule {
public:
    explicit ConnRules(const RuleConfig& c)
        : refused_min_(c.number("conn.refused", "min_attempts")),
          unanswered_min_(c.number("conn.unanswered_syn", "min_attempts")),
          fs_ports_(parse_ports(c.text("conn.file_share_unreachable", "ports"))),
          fs_min_(c.number("conn.file_share_unreachable", "min_attempts")),
          pr_ports_(parse_ports(c.text("conn.printer_unreachable", "ports"))),
          pr_min_(c.number("conn.printer_unreachable", "min_attempts")),
          single_min_fail_(c.number("conn.single_host_failing", "min_failures")),
          single_max_ratio_(c.number("conn.single_host_failing", "max_success_ratio")),
          single_other_ratio_(c.number("conn.single_host_failing", "min_other_success_ratio")),
          single_other_min_(c.number("conn.single_host_failing", "min_other_successes")),
          local_bits_(static_cast<int>(c.number("net.internet_unreachable", "local_prefix_len"))),
          inet_min_fail_(c.number("net.internet_unreachable", "min_failures")),
          inet_max_ratio_(c.number("net.internet_unreachable", "max_success_ratio")),
          inet_min_local_(c.number("net.internet_unreachable", "min_local_successes")) {}

    void use_network(const NetworkModel& network) override { network_ = &network; }
    void subscribe(EventBus& bus) override {
        bus.subscribe<&ConnRules::on_conn>(this);
        bus.subscribe<&ConnRules::on_dns>(this);
        bus.subscribe<&ConnRules::on_arp>(this);
    }
    void on_conn(const ConnAttempt& e) {
        const bool ok = e.outcome == Outcome::Established;
        const bool remote = outside(e.client, e.server);
        if (Service* s = services_.get({e.server, e.server_port})) {
            if (!s->first) s->first = e.syn_ts;
            s->last = e.ts;
            ClientCounts* cc = nullptr;
            if (auto it = s->clients.find(e.client); it != s->clients.end()) cc = &it->second;
            else if (s->clients.size() < Service::kMaxClients) cc = &s->clients[e.client];
            if (cc) {
                switch (e.outcome) {
                    case Outcome::Established: ++cc->ok; break;
                    case Outcome::Refused: ++cc->refused; break;
                    case Outcome::Unanswered: ++cc->unanswered; break;
                    case Outcome::IcmpError: ++cc->icmp; break;
                }
            } else if (!ok) {
                ++s->other_clients_failed;
            }
            if (!ok) {
                Evidence& ev = e.outcome == Outcome::Refused ? s->refused_ev : s->unanswered_ev;
                ev.add(e.syn_frame);
                if (e.where != e.syn_frame) ev.add(e.where);
                if (s->flows.size() < 4)
                    s->flows.push_back(tcp_flow_str(e.client, e.client_port, e.server, e.server_port));
            }
        }
        const std::string cls = remote ? "remote" : "tcp:" + endpoint_str(e.server, e.server_port);
        // A reset from an outside server still proves the path to it works.
        const bool reached = ok || e.outcome == Outcome::Refused;
        tally(e.client, ok, reached, remote, cls, e.syn_ts, e.ts, e.syn_frame, e.where);
        if (remote && !ok && e.has_mac) ++gateway_macs_[e.server_mac];
        if (remote && !ok && inet_flows_.size() < 6)
            inet_flows_.push_back(tcp_flow_str(e.client, e.client_port, e.server, e.server_port));
    }

    void on_dns(const DnsTransaction& t) {
        const std::uint32_t file = t.file;
        if (t.mdns || t.llmnr || !t.has_query) return;
        if (t.end == DnsEnd::Evicted || t.end == DnsEnd::Unsolicited) return;
        // A response of any kind (even NXDOMAIN) means the resolver was reached;
        // SERVFAIL/REFUSED mean resolution failed for the client.
        const bool ok = t.has_response && t.rcode != 2 && t.rcode != 5;
        const bool remote = outside(t.client, t.server);
        const FrameRef q{file, t.query_frame};
        const FrameRef r{file, t.has_response ? t.response_frame : t.query_frame};
        // Any answer, REFUSED included, came back across the path.
        tally(t.client, ok, t.has_response, remote, "dns", t.query_ts.seconds(), t.has_response ? t.response_ts.seconds() : t.query_ts.seconds(), q, r);
    }

    void on_arp(const ArpObservation& e) {
        if (e.sender_ip.family != 4 || e.probe) return;
        if (!is_zero_ip(e.sender_ip)) {
            if (MacAddress* m = arp_table_.get(e.sender_ip)) *m = e.sender_mac;
        }
    }

    void finish(FinishContext& ctx) override {
        const bool inet = check_internet(ctx);
        report_services(ctx, inet);
        check_single_host(ctx);
    }

    [[nodiscard]] std::uint64_t dropped() const override {
        return services_.dropped() + hosts_.dropped() + arp_table_.dropped();
    }

private:
    // The server is outside the client's network: not a host that answered ARP
    // on this link with a MAC of its own, and outside the subnet the capture
    // taught for the client (DHCP, RA, --set); local_prefix_len only where
    // nothing was learned. A /16 LAN's hosts are local to each other.
    [[nodiscard]] bool outside(const IpAddress& client, const IpAddress& server) const {
        if (network_ && network_->on_link(server)) return false;
        int bits = network_ ? network_->learned_prefix(client) : -1;
        if (bits < 0) bits = local_bits_;
        return !same_prefix(client, server, bits);
    }

    // ok: the client got what it wanted (single-host contrast); reached: the
    // destination answered at all (internet reachability).
    void tally(const IpAddress& client, bool ok, bool reached, bool remote, const std::string& cls, double t0,
               double t1, FrameRef a, FrameRef b) {
        HostTally* h = hosts_.get(client);
        if (!h) return;
        if (!h->first) h->first = t0;
        h->last = t1;
        if (remote) ++(reached ? h->remote_ok : h->remote_fail);
        if (ok) {
            ++h->ok;
            if (success_classes_.size() < 4096) success_classes_[cls].insert(client);
        } else {
            ++h->fail;
            if (h->failed_classes.size() < 16) h->failed_classes.insert(cls);
            h->ev.add(a);
            if (b != a) h->ev.add(b);
        }
        if (!remote && ok) {
            ++local_ok_;
        }
    }

    bool check_internet(FinishContext& ctx) {
        std::uint32_t rok = 0, rfail = 0;
        Evidence ev;
        std::vector<std::string> clients;
        double first = 0, last = 0;
        for (auto& [ip, h] : hosts_) {
            if (ctx.facts.scanners.count(ip)) continue;
            rok += h.remote_ok;
            rfail += h.remote_fail;
            if (h.remote_fail) {
                if (clients.size() < 8) clients.push_back(ip_str(ip));
                ev.merge(h.ev);
                if (!first || h.first < first) first = h.first;
                last = std::max(last, h.last);
            }
        }
        const double ratio = rok + rfail ? static_cast<double>(rok) / (rok + rfail) : 1;
        if (rfail < inet_min_fail_ || ratio > inet_max_ratio_ || local_ok_ < inet_min_local_) return false;
        Finding f;
        f.key = "internet";
        // The MAC the failed outside traffic was sent to is the gateway's.
        std::string gw;
        if (!gateway_macs_.empty()) {
            auto best = std::max_element(gateway_macs_.begin(), gateway_macs_.end(),
                                         [](auto& a, auto& b) { return a.second < b.second; });
            gw = mac_str(best->first);
            for (auto& [ip, mac] : arp_table_)
                if (mac == best->first) {
                    gw = ip_str(ip) + " (" + gw + ")";
                    f.hosts.push_back(ip_str(ip));
                    break;
                }
            f.hosts.push_back(mac_str(best->first));
        }
        f.title = gw.empty() ? fmt::format("Outside destinations unreachable: {} of {} attempts failed", rfail, rok + rfail)
                             : fmt::format("Outside destinations unreachable through gateway {}: {} of {} attempts failed",
                                           gw, rfail, rok + rfail);
        f.detail = fmt::format("{} attempt(s) to destinations outside the clients' network failed and {} succeeded, "
                               "while {} local attempt(s) succeeded. Clients affected: {}.",
                               rfail, rok, local_ok_, fmt::join(clients, ", "));
        for (auto& c : clients) f.hosts.push_back(c);
        f.flows = inet_flows_;
        f.first_ts = first;
        f.last_ts = last;
        f.figures = {{"outside_failed", static_cast<double>(rfail), ""},
                     {"outside_succeeded", static_cast<double>(rok), ""},
                     {"local_succeeded", static_cast<double>(local_ok_), ""}};
        f.evidence = ev;
        ctx.sink.raise("net.internet_unreachable", std::move(f));
        return true;
    }

    void report_services(FinishContext& ctx, bool internet_down) {
        struct Named {
            std::uint32_t failed = 0, refused = 0, ok = 0;
            std::set<std::uint16_t> ports;
            std::set<IpAddress> clients;
            double first = 0, last = 0;
            Evidence ev;
            std::vector<std::string> flows;
        };
        std::map<IpAddress, Named> shares, printers;
        // Named, not a structured binding: clang 14 (the libFuzzer build) cannot
        // capture bindings in the lambda below.
        for (auto& entry : services_) {
            const auto& k = entry.first;
            auto& s = entry.second;
            ClientCounts sum;
            std::vector<IpAddress> failing;
            for (auto& [client, cc] : s.clients) {
                if (ctx.facts.scanners.count(client)) continue;
                sum.ok += cc.ok;
                sum.refused += cc.refused;
                sum.unanswered += cc.unanswered;
                sum.icmp += cc.icmp;
                if (cc.refused + cc.unanswered + cc.icmp) failing.push_back(client);
            }
            const std::uint32_t failed = sum.refused + sum.unanswered + sum.icmp + s.other_clients_failed;
            if (!failed) continue;
            const bool share = fs_ports_.count(k.port) != 0, printer = pr_ports_.count(k.port) != 0;
            if (share || printer) {
                Named& n = (share ? shares : printers)[k.server];
                n.failed += failed;
                n.refused += sum.refused;
                n.ok += sum.ok;
                n.ports.insert(k.port);
                n.clients.insert(failing.begin(), failing.end());
                if (!n.first || s.first < n.first) n.first = s.first;
                n.last = std::max(n.last, s.last);
                n.ev.merge(s.refused_ev);
                n.ev.merge(s.unanswered_ev);
                for (auto& fl : s.flows)
                    if (n.flows.size() < 4) n.flows.push_back(fl);
                continue;
            }
            if (ctx.facts.flood_targets.count(k.server)) continue;
            const bool remote = !failing.empty() && outside(failing.front(), k.server);
            if (internet_down && remote) continue;  // listed in net.internet_unreachable
            const std::string svc = endpoint_str(k.server, k.port);
            auto base = [&](Finding& f, const Evidence& ev) {
                f.key = svc;
                f.hosts.push_back(ip_str(k.server));
                for (auto& c : failing)
                    if (f.hosts.size() < 9) f.hosts.push_back(ip_str(c));
                f.flows = s.flows;
                f.first_ts = s.first;
                f.last_ts = s.last;
                f.evidence = ev;
            };
            if (sum.refused && sum.refused >= refused_min_) {
                Finding f;
                base(f, s.refused_ev);
                f.title = fmt::format("{} refused {} connection attempt(s) from {}", svc, sum.refused,
                                      join(failing, ip_str));
                f.detail = fmt::format("The server answered SYN with RST {} time(s); {} attempt(s) to it succeeded.",
                                       sum.refused, sum.ok);
                f.figures = {{"refused", static_cast<double>(sum.refused), ""}, {"succeeded", static_cast<double>(sum.ok), ""}};
                ctx.sink.raise("conn.refused", std::move(f));
            }
            const std::uint32_t silent = sum.unanswered + sum.icmp;
            if (silent && silent >= unanswered_min_) {
                Finding f;
                base(f, s.unanswered_ev);
                f.title = fmt::format("{} did not answer {} connection attempt(s) from {}", svc, silent,
                                      join(failing, ip_str));
                f.detail = fmt::format("{} attempt(s) got no answer{}; {} succeeded.", sum.unanswered,
                                       sum.icmp ? fmt::format(" and {} got an ICMP unreachable", sum.icmp) : std::string(),
                                       sum.ok);
                f.figures = {{"unanswered", static_cast<double>(sum.unanswered), ""},
                             {"icmp_unreachable", static_cast<double>(sum.icmp), ""},
                             {"succeeded", static_cast<double>(sum.ok), ""}};
                ctx.sink.raise("conn.unanswered_syn", std::move(f));
            }
        }
        auto named = [&](std::map<IpAddress, Named>& table, std::string_view id, std::string_view what, double min) {
            for (auto& [server, n] : table) {
                if (n.failed < min) continue;
                Finding f;
                f.key = ip_str(server);
                const std::string ports = join(n.ports, [](std::uint16_t p) { return std::to_string(p); }, "/");
                f.title = fmt::format("{} on {} unreachable (port {}): {} attempt(s) {}", what, ip_str(server), ports,
                                      n.failed,
                                      n.refused == n.failed ? "refused" : n.refused ? "refused or unanswered" : "unanswered");
                f.detail = fmt::format("{} of {} connection attempt(s) to port {} failed ({} refused with RST, {} "
                                       "unanswered or ICMP unreachable). Clients: {}.",
                                       n.failed, n.failed + n.ok, ports, n.refused, n.failed - n.refused,
                                       join(n.clients, ip_str));
                f.hosts.push_back(ip_str(server));
                for (auto& c : n.clients)
                    if (f.hosts.size() < 9) f.hosts.push_back(ip_str(c));
                f.flows = n.flows;
                f.first_ts = n.first;
                f.last_ts = n.last;
                f.figures = {{"failed", static_cast<double>(n.failed), ""},
                             {"refused", static_cast<double>(n.refused), ""},
                             {"succeeded", static_cast<double>(n.ok), ""}};
                f.evidence = n.ev;
                ctx.sink.raise(id, std::move(f));
            }
        };
        named(shares, "conn.file_share_unreachable", "File share", fs_min_);
        named(printers, "conn.printer_unreachable", "Printer", pr_min_);
    }

    void check_single_host(FinishContext& ctx) {
        std::vector<IpAddress> failing;
        for (auto& [ip, h] : hosts_) {
            if (ctx.facts.scanners.count(ip)) continue;
            const double ratio = static_cast<double>(h.ok) / static_cast<double>(h.ok + h.fail ? h.ok + h.fail : 1);
            if (h.fail >= single_min_fail_ && ratio <= single_max_ratio_) failing.push_back(ip);
        }
        for (const IpAddress& ip : failing) {
            std::uint64_t ok = 0, fail = 0;
            std::set<IpAddress> others;
            for (auto& [other, h] : hosts_) {
                if (std::find(failing.begin(), failing.end(), other) != failing.end()) continue;
                if (ctx.facts.scanners.count(other)) continue;
                ok += h.ok;
                fail += h.fail;
                if (h.ok) others.insert(other);
            }
            const double other_ratio = ok + fail ? static_cast<double>(ok) / static_cast<double>(ok + fail) : 0;
            if (static_cast<double>(ok) < single_other_min_ || other_ratio < single_other_ratio_) continue;
            // The contrast must be like for like: others succeeded at something this host failed at.
            const HostTally& h = *hosts_.find(ip);
            std::vector<std::string> shared;
            for (const std::string& cls : h.failed_classes) {
                auto it = success_classes_.find(cls);
                if (it != success_classes_.end() && (it->second.size() > 1 || !it->second.count(ip))) shared.push_back(cls);
            }
            if (shared.empty()) continue;
            Finding f;
            f.key = ip_str(ip);
            f.title = fmt::format("{} fails {} of {} attempts while {} other host(s) succeed", ip_str(ip), h.fail,
                                  h.ok + h.fail, others.size());
            f.detail = fmt::format("{} failed at {} where other hosts succeeded ({:.0f}% of their {} attempts "
                                   "worked). Look at this host's configuration.",
                                   ip_str(ip), fmt::join(shared, ", "), other_ratio * 100, ok + fail);
            f.hosts.push_back(ip_str(ip));
            for (auto& o : others)
                if (f.hosts.size() < 6) f.hosts.push_back(ip_str(o));
            f.first_ts = h.first;
            f.last_ts = h.last;
            f.figures = {{"failed", static_cast<double>(h.fail), ""},
                         {"succeeded", static_cast<double>(h.ok), ""},
                         {"others_success_ratio", other_ratio, ""}};
            f.evidence = h.ev;
            ctx.sink.raise("conn.single_host_failing", std::move(f));
        }
    }

    double refused_min_, unanswered_min_;
    std::set<std::uint16_t> fs_ports_;
    double fs_min_;
    std::set<std::uint16_t> pr_ports_;
    double pr_min_;
    double single_min_fail_, single_max_ratio_, single_other_ratio_, single_other_min_;
    int local_bits_;
    const NetworkModel* network_ = nullptr;
    double inet_min_fail_, inet_max_ratio_, inet_min_local_;
    BoundedMap<ServiceKey, Service> services_{"conn.*: services (server, port)", "refused/unanswered connection findings for further services"};
    BoundedMap<IpAddress, HostTally> hosts_{"conn.single_host_failing: clients", "single-host failure findings for further clients"};
    BoundedMap<IpAddress, MacAddress, 4096> arp_table_{"net.gateway_unreachable: ARP table", "gateway findings may miss gateways"};
    std::map<std::string, std::set<IpAddress>> success_classes_;  // capped at insert
    std::map<MacAddress, std::uint32_t> gateway_macs_;  // few: the MACs outside traffic goes to
    std::vector<std::string> inet_flows_;
    std::uint32_t local_ok_ = 0;
};

class IcmpRules final : public Rule {
public:
    explicit IcmpRules(const RuleConfig& c)
        : unreach_min_(c.number("icmp.unreachable", "min_count")),
          timex_min_(c.number("icmp.time_exceeded", "min_count")) {}

    void subscribe(EventBus& bus) override {
        bus.subscribe<&IcmpRules::on_icmp_error>(this);
    }
    void on_icmp_error(const IcmpError& e) {
        using K = IcmpError::Kind;
        if (e.kind != K::Unreachable && e.kind != K::TimeExceeded && e.kind != K::PacketTooBig) return;
        const bool timex = e.kind == K::TimeExceeded;
        // A traceroute ends when its destination answers a probe to a closed UDP
        // port (33434 and up): that port unreachable is the answer, not a fault.
        const bool port_unreach = e.kind == K::Unreachable && e.code == (e.version == 4 ? 3 : 4);
        if (port_unreach && e.has_quote && e.orig_proto == 17 && e.orig_dport >= 33434 && e.orig_dport <= 33534) return;
        // Unreachables per reporting router and code; time-exceeded per original
        // destination, so one traceroute (or loop) is one finding listing its routers.
        const IpAddress& who = timex && e.has_quote ? e.orig_dst : e.reporter;
        Key k{who, timex ? std::uint16_t(0xffff) : static_cast<std::uint16_t>(e.version * 256 + e.code)};
        if (e.kind == K::PacketTooBig) k.code = 0xfffe;
        Entry* en = table_.get(k);
        if (!en) return;
        if (!en->count) {
            en->first = e.ts;
            en->version = e.version;
            en->code = e.code;
            en->kind = e.kind;
        }
        ++en->count;
        en->last = e.ts;
        en->mtu = e.mtu ? e.mtu : en->mtu;
        if (en->to.size() < 4) en->to.insert(e.reported_to);
        if (timex && en->routers.size() < 32) en->routers.insert(e.reporter);
        if (e.has_quote && en->dests.size() < 4)
            en->dests.insert(e.orig_proto == 6 || e.orig_proto == 17 ? endpoint_str(e.orig_dst, e.orig_dport)
                                                                     : ip_str(e.orig_dst));
        en->ev.add(e.where);
    }

    void finish(FinishContext& ctx) override {
        for (auto& [k, en] : table_) {
            const bool timex = en.kind == IcmpError::Kind::TimeExceeded;
            if (static_cast<double>(en.count) < (timex ? timex_min_ : unreach_min_)) continue;
            Finding f;
            f.key = ip_str(k.reporter) + "/" + std::to_string(k.code);
            const std::string what = describe(en);
            if (timex) {
                f.title = fmt::format("{} router(s) reported {} {} time(s) for traffic to {}", en.routers.size(), what,
                                      en.count, ip_str(k.reporter));
                f.detail = fmt::format("Reported by {} to {}. Many routers for one destination is a traceroute; one "
                                       "router many times is a routing loop.",
                                       join(en.routers, ip_str), join(en.to, ip_str));
                for (auto& r : en.routers) f.hosts.push_back(ip_str(r));
                for (auto& t : en.to) f.hosts.push_back(ip_str(t));
                f.first_ts = en.first;
                f.last_ts = en.last;
                f.figures = {{"count", static_cast<double>(en.count), ""}, {"routers", static_cast<double>(en.routers.size()), ""}};
                f.evidence = en.ev;
                ctx.sink.raise("icmp.time_exceeded", std::move(f));
                continue;
            }
            f.title = fmt::format("{} reported {} {} time(s) for {}", ip_str(k.reporter), what, en.count,
                                  en.dests.empty() ? std::string("(no quoted header)") : fmt::format("{}", fmt::join(en.dests, ", ")));
            f.detail = fmt::format("ICMP{} {} sent by {} to {}.", en.version == 6 ? "v6" : "", what, ip_str(k.reporter),
                                   join(en.to, ip_str));
            f.hosts.push_back(ip_str(k.reporter));
            for (auto& t : en.to) f.hosts.push_back(ip_str(t));
            f.first_ts = en.first;
            f.last_ts = en.last;
            f.figures = {{"count", static_cast<double>(en.count), ""}};
            if (en.mtu) f.figures.push_back({"mtu", static_cast<double>(en.mtu), "bytes"});
            f.evidence = en.ev;
            ctx.sink.raise(timex ? "icmp.time_exceeded" : "icmp.unreachable", std::move(f));
        }
    }
    [[nodiscard]] std::uint64_t dropped() const override { return table_.dropped(); }

private:
    struct Key {
        IpAddress reporter;
        std::uint16_t code = 0;
        friend auto operator<=>(const Key&, const Key&) = default;
    };
    struct Entry {
        IcmpError::Kind kind{};
        std::uint8_t version = 4, code = 0;
        std::uint32_t mtu = 0;
        std::uint64_t count = 0;
        double first = 0, last = 0;
        std::set<IpAddress> to;
        std::set<IpAddress> routers;  // time exceeded: the routers that reported
        std::set<std::string> dests;
        Evidence ev;
    };
    static std::string describe(const Entry& en) {
        if (en.kind == IcmpError::Kind::TimeExceeded) return en.code == 1 ? "fragment reassembly time exceeded" : "TTL exceeded";
        if (en.kind == IcmpError::Kind::PacketTooBig) return fmt::format("packet too big (MTU {})", en.mtu);
        if (en.version == 6) {
            static const char* const k6[] = {"no route to destination", "administratively prohibited", "beyond scope",
                                             "address unreachable", "port unreachable", "source address failed policy",
                                             "reject route"};
            return en.code < 7 ? k6[en.code] : fmt::format("unreachable code {}", en.code);
        }
        static const char* const k4[] = {"network unreachable", "host unreachable", "protocol unreachable",
                                         "port unreachable", "fragmentation needed", "source route failed",
                                         "destination network unknown", "destination host unknown",
                                         "source host isolated", "network administratively prohibited",
                                         "host administratively prohibited", "network unreachable for TOS",
                                         "host unreachable for TOS", "communication administratively prohibited",
                                         "host precedence violation", "precedence cutoff"};
        if (en.code == 4 && en.mtu) return fmt::format("fragmentation needed (MTU {})", en.mtu);
        return en.code < 16 ? k4[en.code] : fmt::format("unreachable code {}", en.code);
    }
    double unreach_min_, timex_min_;
    BoundedMap<Key, Entry, 4096> table_{"icmp.*: reporters", "ICMP unreachable/time-exceeded findings for further reporters"};
};

class GatewayArpRule final : public Rule {
public:
    explicit GatewayArpRule(const RuleConfig& c)
        : min_requests_(c.number("net.gateway_unreachable", "min_requests")),
          bits_(static_cast<int>(c.number("net.gateway_unreachable", "prefix_len"))) {
        const std::string list = c.text("net.gateway_unreachable", "gateways");
        std::string_view s = list;
        while (!s.empty()) {
            const auto comma = s.find(',');
            std::string item(s.substr(0, comma));
            unsigned a, b, cc, d;
            if (std::sscanf(item.c_str(), " %u.%u.%u.%u", &a, &b, &cc, &d) == 4 && a < 256 && b < 256 && cc < 256 && d < 256) {
                const std::uint8_t bytes[4] = {static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b),
                                               static_cast<std::uint8_t>(cc), static_cast<std::uint8_t>(d)};
                gateways_.insert(IpAddress::v4(bytes));
            }
            if (comma == std::string_view::npos) break;
            s.remove_prefix(comma + 1);
        }
    }

    void use_network(const NetworkModel& network) override { network_ = &network; }
    void subscribe(EventBus& bus) override {
        bus.subscribe<&GatewayArpRule::on_arp>(this);
    }
    void on_arp(const ArpObservation& e) {
        if (e.sender_ip.family != 4) return;
        if (!e.probe && !is_zero_ip(e.sender_ip))
            if (bool* seen = owners_.get(e.sender_ip)) *seen = true;
        if (e.op != ArpObservation::Op::Request || e.gratuitous || e.probe) return;
        if (!looks_like_gateway(e.target_ip)) return;
        Target* t = targets_.get(e.target_ip);
        if (!t) return;
        if (!t->requests) t->first = e.ts;
        ++t->requests;
        t->last = e.ts;
        if (t->askers.size() < 8) t->askers.insert(e.sender_ip);
        t->ev.add(e.where);
    }

    void finish(FinishContext& ctx) override {
        // Once DHCP or the user named the gateways, an unanswered .1 elsewhere
        // in a large subnet is an absent host, not a gateway.
        const bool named = gateways_.empty() && ctx.network.has_named_gateways();
        for (auto& [ip, t] : targets_) {
            const bool* owner = owners_.find(ip);
            if ((owner && *owner) || static_cast<double>(t.requests) < min_requests_) continue;
            if (named && !ctx.network.is_named_gateway(ip)) continue;
            Finding f;
            f.key = ip_str(ip);
            f.title = fmt::format("Gateway {} does not answer ARP ({} unanswered requests from {})", ip_str(ip),
                                  t.requests, join(t.askers, ip_str));
            f.detail = fmt::format("{} ARP request(s) for {} got no reply: nothing owns that address on this segment.",
                                   t.requests, ip_str(ip));
            f.hosts.push_back(ip_str(ip));
            for (auto& a : t.askers) f.hosts.push_back(ip_str(a));
            f.first_ts = t.first;
            f.last_ts = t.last;
            f.figures = {{"requests", static_cast<double>(t.requests), ""}};
            f.evidence = t.ev;
            ctx.sink.raise("net.gateway_unreachable", std::move(f));
        }
    }
    [[nodiscard]] std::uint64_t dropped() const override { return targets_.dropped() + owners_.dropped(); }

private:
    struct Target {
        std::uint64_t requests = 0;
        double first = 0, last = 0;
        std::set<IpAddress> askers;
        Evidence ev;
    };
    bool looks_like_gateway(const IpAddress& ip) const {
        if (!gateways_.empty()) return gateways_.count(ip) != 0;
        // The first or last host address of the prefix, where gateways usually
        // sit: the subnet learned for it, prefix_len where none was, and the
        // DHCP-named gateways whatever their address.
        if (network_ && network_->is_named_gateway(ip)) return true;
        const int learned = network_ ? network_->learned_prefix(ip) : -1;
        const std::uint32_t v = (std::uint32_t(ip.bytes[0]) << 24) | (ip.bytes[1] << 16) | (ip.bytes[2] << 8) | ip.bytes[3];
        const int host_bits = 32 - std::clamp(learned >= 0 ? learned : bits_, 8, 30);
        const std::uint32_t mask = (1u << host_bits) - 1;
        const std::uint32_t host = v & mask;
        return host == 1 || host == mask - 1;
    }
    double min_requests_;
    int bits_;
    std::set<IpAddress> gateways_;
    const NetworkModel* network_ = nullptr;
    BoundedMap<IpAddress, Target, 4096> targets_{"net.gateway_unreachable: ARP targets", "unanswered-gateway findings for further targets"};
    BoundedMap<IpAddress, bool> owners_{"net.gateway_unreachable: ARP owners", "unanswered-gateway findings may name answered addresses"};  // addresses some MAC claimed in ARP
};

}  // namespace

void add_connectivity_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c) {
    out.push_back(std::make_unique<ConnRules>(c));
    out.push_back(std::make_unique<IcmpRules>(c));
    out.push_back(std::make_unique<GatewayArpRule>(c));
}

}  // namespace netdx
