// Addressing rules: duplicate addresses (ARP, NDP), flip-flops, gratuitous
// ARP conflicts, link-local-only hosts, off-subnet ARP (wrong netmask).
#include <algorithm>
#include <vector>

#include "events/packet_events.hpp"
#include "network/network_model.hpp"
#include "rules/bounded.hpp"
#include "rules/format.hpp"
#include "rules/rules_all.hpp"

namespace netdx {

namespace {

// One MAC's claim on an address.
struct Claim {
    MacAddress mac{};
    double first = 0, last = 0;
    FrameRef last_frame;
    std::uint64_t count = 0;
};

// Who claimed an address and how the owner changed over time.
struct AddressHistory {
    std::vector<Claim> claims;  // at most kMaxClaims MACs
    MacAddress current{}, previous{};
    bool has_current = false, has_previous = false;
    std::uint32_t changes = 0, returns = 0;
    bool conflict = false;  // two MACs within the window
    Evidence conflict_ev, flip_ev;
    double conflict_first = 0, conflict_last = 0;
    static constexpr std::size_t kMaxClaims = 8;

    Claim* claim_for(const MacAddress& mac) {
        for (Claim& c : claims)
            if (c.mac == mac) return &c;
        if (claims.size() >= kMaxClaims) return nullptr;
        Claim c;
        c.mac = mac;
        claims.push_back(c);
        return &claims.back();
    }

    // Records a claim; true when it conflicts with another MAC within `window`.
    void observe(const MacAddress& mac, double ts, FrameRef where, double window) {
        for (const Claim& c : claims) {
            if (c.mac != mac && c.count && ts - c.last <= window) {
                if (!conflict) {
                    conflict_first = c.last;
                    conflict_ev.add(c.last_frame);
                }
                conflict = true;
                conflict_last = ts;
                conflict_ev.add(where);
                break;
            }
        }
        if (Claim* c = claim_for(mac)) {
            if (!c->count) c->first = ts;
            c->last = ts;
            c->last_frame = where;
            ++c->count;
        }
        if (!has_current) {
            current = mac;
            has_current = true;
            flip_ev.add(where);
        } else if (mac != current) {
            ++changes;
            if (has_previous && mac == previous) ++returns;
            previous = current;
            has_previous = true;
            current = mac;
            flip_ev.add(where);
        }
    }

    [[nodiscard]] std::vector<std::string> macs() const {
        std::vector<std::string> out;
        for (const Claim& c : claims) out.push_back(mac_str(c.mac));
        return out;
    }
};

class ArpAddressRules final : public Rule {
public:
    explicit ArpAddressRules(const RuleConfig& c)
        : dup_window_(c.number("arp.duplicate_ip", "window_s")),
          min_returns_(c.number("arp.mac_flip_flop", "min_returns")),
          garp_window_(c.number("arp.gratuitous_conflict", "window_s")),
          netmask_bits_(static_cast<int>(c.number("addr.wrong_netmask", "prefix_len"))),
          netmask_min_(c.number("addr.wrong_netmask", "min_requests")) {}

    void subscribe(EventBus& bus) override {
        bus.subscribe<&ArpAddressRules::on_arp>(this);
    }
    void on_arp(const ArpObservation& e) {
        if (e.sender_ip.family != 4) return;
        if (e.probe) {
            // RFC 5227 probe: a claim by another MAC right after it means the address is taken.
            if (Probe* p = probes_.get(e.target_ip)) *p = Probe{e.sender_mac, e.ts, e.where};
            return;
        }
        if (is_zero_ip(e.sender_ip)) return;
        AddressHistory* h = history_.get(e.sender_ip);
        if (!h) return;
        check_gratuitous(e, *h);
        h->observe(e.sender_mac, e.ts, e.where, dup_window_);
        if (e.op == ArpObservation::Op::Request && !e.gratuitous) check_netmask(e);
    }

    void finish(FinishContext& ctx) override {
        for (auto& [ip, h] : history_) {
            if (h.conflict) {
                Finding f;
                f.key = ip_str(ip);
                f.title = fmt::format("{} is claimed by {} MAC addresses: {}", ip_str(ip), h.claims.size(),
                                      fmt::join(h.macs(), ", "));
                f.detail = fmt::format("ARP packets from {} different MACs claimed {} within {} s of each other; "
                                       "the owner changed {} times.",
                                       h.claims.size(), ip_str(ip), dup_window_, h.changes);
                f.hosts.push_back(ip_str(ip));
                for (auto& m : h.macs()) f.hosts.push_back(m);
                f.first_ts = h.conflict_first;
                f.last_ts = h.conflict_last;
                f.figures.push_back({"macs", static_cast<double>(h.claims.size()), ""});
                f.figures.push_back({"owner_changes", static_cast<double>(h.changes), ""});
                f.evidence = h.conflict_ev;
                ctx.sink.raise("arp.duplicate_ip", std::move(f));
            } else if (h.returns >= min_returns_) {
                Finding f;
                f.key = ip_str(ip);
                f.title = fmt::format("{} flip-flops between {} and {}", ip_str(ip), mac_str(h.current),
                                      mac_str(h.previous));
                f.detail = fmt::format("The MAC answering for {} changed {} times, {} of them back to a MAC it "
                                       "had before.",
                                       ip_str(ip), h.changes, h.returns);
                f.hosts.push_back(ip_str(ip));
                for (auto& m : h.macs()) f.hosts.push_back(m);
                f.figures.push_back({"owner_changes", static_cast<double>(h.changes), ""});
                f.evidence = h.flip_ev;
                if (!h.claims.empty()) {
                    f.first_ts = h.claims.front().first;
                    f.last_ts = h.claims.front().last;
                    for (const Claim& c : h.claims) {
                        f.first_ts = std::min(f.first_ts, c.first);
                        f.last_ts = std::max(f.last_ts, c.last);
                    }
                }
                ctx.sink.raise("arp.mac_flip_flop", std::move(f));
            }
        }
        for (auto& [ip, g] : garp_) {
            Finding f;
            f.key = ip_str(ip);
            f.title = fmt::format("{} announced by {} while {} uses it", ip_str(ip), mac_str(g.newcomer),
                                  mac_str(g.owner));
            f.detail = fmt::format("{} gratuitous ARP or probe conflict(s) for {}: the address is already in use.",
                                   g.count, ip_str(ip));
            f.hosts = {ip_str(ip), mac_str(g.newcomer), mac_str(g.owner)};
            f.first_ts = g.first;
            f.last_ts = g.last;
            f.figures.push_back({"conflicts", static_cast<double>(g.count), ""});
            f.evidence = g.ev;
            ctx.sink.raise("arp.gratuitous_conflict", std::move(f));
        }
        for (auto& [sender, n] : netmask_) judge_netmask(ctx, sender, n);
    }

    [[nodiscard]] std::uint64_t dropped() const override {
        return history_.dropped() + probes_.dropped() + garp_.dropped() + netmask_.dropped();
    }

private:
    struct Probe {
        MacAddress mac{};
        double ts = 0;
        FrameRef where;
    };
    struct GarpConflict {
        MacAddress newcomer{}, owner{};
        double first = 0, last = 0;
        std::uint64_t count = 0;
        Evidence ev;
    };
    // The ARP targets of one sender, judged at the end against the network
    // picture (the subnet is only known once DHCP and ARP answers were seen).
    struct ArpTarget {
        IpAddress ip;
        std::uint64_t count = 0;
        int common = 0;  // leading bits shared with the sender
        std::array<FrameRef, 4> frames{};
        double first = 0, last = 0;
    };
    struct OffSubnet {
        MacAddress mac{};
        // The most distant targets (fewest leading bits in common with the
        // sender): only those can be off its subnet, whatever the subnet is.
        std::vector<ArpTarget> targets;
        static constexpr std::size_t kMaxTargets = 8;
    };

    void add_garp(const IpAddress& ip, const MacAddress& newcomer, const MacAddress& owner, double ts,
                  FrameRef a, FrameRef b) {
        GarpConflict* g = garp_.get(ip);
        if (!g) return;
        if (!g->count) {
            g->newcomer = newcomer;
            g->owner = owner;
            g->first = ts;
            g->ev.add(a);
        }
        ++g->count;
        g->last = ts;
        g->ev.add(b);
    }

    void check_gratuitous(const ArpObservation& e, const AddressHistory& h) {
        // A probe for this address from another MAC, answered (defended) by this one.
        if (const Probe* p = probes_.find(e.sender_ip); p && p->mac != e.sender_mac && e.ts - p->ts <= 2.0)
            add_garp(e.sender_ip, p->mac, e.sender_mac, e.ts, p->where, e.where);
        if (!e.gratuitous) return;
        for (const Claim& c : h.claims)
            if (c.mac != e.sender_mac && e.ts - c.last <= garp_window_) {
                add_garp(e.sender_ip, e.sender_mac, c.mac, e.ts, c.last_frame, e.where);
                return;
            }
    }

    static int common_bits(const IpAddress& a, const IpAddress& b) {
        int n = 0;
        while (n < 32 && same_prefix(a, b, n + 1)) ++n;
        return n;
    }

    void check_netmask(const ArpObservation& e) {
        const auto link_local = [](const IpAddress& a) { return a.bytes[0] == 169 && a.bytes[1] == 254; };
        if (is_zero_ip(e.target_ip) || link_local(e.sender_ip) || link_local(e.target_ip)) return;
        const int common = common_bits(e.sender_ip, e.target_ip);
        if (common >= 31) return;  // on any subnet that holds the sender
        OffSubnet* n = netmask_.get(e.sender_ip);
        if (!n) return;
        n->mac = e.sender_mac;
        ArpTarget* t = nullptr;
        for (ArpTarget& x : n->targets)
            if (x.ip == e.target_ip) t = &x;
        if (!t) {
            if (n->targets.size() < OffSubnet::kMaxTargets) {
                t = &n->targets.emplace_back();
            } else {
                // Full: a more distant target replaces the nearest one kept.
                auto nearest = std::max_element(n->targets.begin(), n->targets.end(),
                                                [](const ArpTarget& a, const ArpTarget& b) { return a.common < b.common; });
                if (nearest->common <= common) return;
                *nearest = ArpTarget{};
                t = &*nearest;
            }
            t->ip = e.target_ip;
            t->common = common;
            t->first = e.ts;
        }
        if (t->count < t->frames.size()) t->frames[t->count] = e.where;
        ++t->count;
        t->last = e.ts;
    }

    // A target is off the sender's subnet by the learned prefix (the fallback
    // prefix_len when nothing was learned for it) and nothing on the link
    // answered for it with a MAC of its own: the sender should have used its gateway.
    void judge_netmask(FinishContext& ctx, const IpAddress& sender, const OffSubnet& n) {
        const int learned = ctx.network.learned_prefix(sender);
        const int bits = learned >= 0 ? learned : netmask_bits_;
        std::vector<const ArpTarget*> off;
        std::uint64_t requests = 0;
        for (const ArpTarget& t : n.targets) {
            if (t.common >= bits || ctx.network.on_link(t.ip)) continue;
            off.push_back(&t);
            requests += t.count;
        }
        if (off.empty() || static_cast<double>(requests) < netmask_min_) return;
        std::sort(off.begin(), off.end(), [](const ArpTarget* a, const ArpTarget* b) { return a->first < b->first; });
        Finding f;
        f.key = ip_str(sender);
        f.title = fmt::format("{} ARPs for off-subnet address{} {}", ip_str(sender), off.size() > 1 ? "es" : "",
                              join(off, [](const ArpTarget* t) { return ip_str(t->ip); }));
        const std::string subnet = subnet_str(masked_prefix(sender, bits), bits);
        f.detail = fmt::format("{} ARP request(s) from {} ({}) for addresses outside its subnet {} ({}), and no host "
                               "on the link answered for them: it treats them as on-link instead of using the gateway.",
                               requests, ip_str(sender), mac_str(n.mac), subnet,
                               learned >= 0 ? "learned from the capture" : "assumed: nothing in the capture gave the prefix");
        f.hosts = {ip_str(sender), mac_str(n.mac)};
        f.first_ts = off.front()->first;
        f.last_ts = 0;
        for (const ArpTarget* t : off) {
            f.last_ts = std::max(f.last_ts, t->last);
            for (std::size_t i = 0; i < std::min<std::uint64_t>(t->count, t->frames.size()); ++i) f.evidence.add(t->frames[i]);
            f.evidence.total += t->count - std::min<std::uint64_t>(t->count, t->frames.size());
        }
        f.figures.push_back({"requests", static_cast<double>(requests), ""});
        f.figures.push_back({"subnet_prefix_len", static_cast<double>(bits), ""});
        ctx.sink.raise("addr.wrong_netmask", std::move(f));
    }

    static IpAddress masked_prefix(IpAddress a, int bits) {
        for (int i = 0; i < 4; ++i) {
            const int b = std::clamp(bits - i * 8, 0, 8);
            a.bytes[static_cast<std::size_t>(i)] &= static_cast<std::uint8_t>(b == 0 ? 0 : 0xff << (8 - b));
        }
        return a;
    }

    double dup_window_, min_returns_, garp_window_;
    int netmask_bits_;
    double netmask_min_;
    BoundedMap<IpAddress, AddressHistory> history_{"arp.duplicate_ip/mac_flip_flop: addresses",
                                                   "duplicate-address findings for further addresses"};
    BoundedMap<IpAddress, Probe> probes_{"arp.gratuitous_conflict: probes", "conflict findings for further probes"};
    BoundedMap<IpAddress, GarpConflict> garp_{"arp.gratuitous_conflict: addresses", "conflict findings for further addresses"};
    BoundedMap<IpAddress, OffSubnet> netmask_{"addr.wrong_netmask: ARP senders", "wrong-netmask findings for further senders"};
};

class NdpDuplicateRule final : public Rule {
public:
    explicit NdpDuplicateRule(const RuleConfig& c) : window_(c.number("ndp.duplicate_ip", "window_s")) {}

    void subscribe(EventBus& bus) override {
        bus.subscribe<&NdpDuplicateRule::on_ndp>(this);
    }
    void on_ndp(const NdpObservation& e) {
        if (!e.has_lladdr) return;
        if (e.kind == NdpObservation::Kind::Solicitation) {
            if (e.dad)
                if (Dad* d = dad_.get(e.target)) *d = Dad{e.lladdr, e.ts, e.where};
            return;
        }
        AddressHistory* h = history_.get(e.target);
        if (!h) return;
        // Duplicate address detection answered by another MAC: the address is taken.
        if (const Dad* d = dad_.find(e.target); d && d->mac != e.lladdr && e.ts - d->ts <= 2.0) {
            if (!h->conflict) {
                h->conflict_first = d->ts;
                h->conflict_ev.add(d->where);
                h->claim_for(d->mac);
            }
            h->conflict = true;
            h->conflict_last = e.ts;
            h->conflict_ev.add(e.where);
        }
        h->observe(e.lladdr, e.ts, e.where, window_);
    }

    void finish(FinishContext& ctx) override {
        for (auto& [ip, h] : history_) {
            if (!h.conflict) continue;
            Finding f;
            f.key = ip_str(ip);
            f.title = fmt::format("{} is claimed by {} MAC addresses: {}", ip_str(ip), h.claims.size(),
                                  fmt::join(h.macs(), ", "));
            f.detail = fmt::format("Neighbor advertisements (or an answered duplicate address detection) from {} "
                                   "MACs for {}.",
                                   h.claims.size(), ip_str(ip));
            f.hosts.push_back(ip_str(ip));
            for (auto& m : h.macs()) f.hosts.push_back(m);
            f.first_ts = h.conflict_first;
            f.last_ts = h.conflict_last;
            f.evidence = h.conflict_ev;
            ctx.sink.raise("ndp.duplicate_ip", std::move(f));
        }
    }
    [[nodiscard]] std::uint64_t dropped() const override { return history_.dropped() + dad_.dropped(); }

private:
    struct Dad {
        MacAddress mac{};
        double ts = 0;
        FrameRef where;
    };
    double window_;
    BoundedMap<IpAddress, AddressHistory> history_{"ndp.duplicate_ip: addresses", "NDP duplicate findings for further addresses"};
    BoundedMap<IpAddress, Dad> dad_{"ndp.duplicate_ip: DAD probes", "NDP duplicate findings for further probes"};
};

class LinkLocalOnlyRule final : public Rule {
public:
    explicit LinkLocalOnlyRule(const RuleConfig& c) : min_packets_(c.number("addr.link_local_only", "min_packets")) {}

    void subscribe(EventBus& bus) override {
        bus.subscribe<&LinkLocalOnlyRule::on_ip>(this);
        bus.subscribe<&LinkLocalOnlyRule::on_arp>(this);
    }
    void on_ip(const IpPacketSeen& e) {
        if (e.src.family != 4 || !e.has_eth) return;
        note(e.eth_src, e.src, e.ts, e.where);
    }
    void on_arp(const ArpObservation& e) {
        if (e.sender_ip.family == 4 && !e.probe) note(e.sender_mac, e.sender_ip, e.ts, e.where);
    }

    void finish(FinishContext& ctx) override {
        for (auto& [mac, h] : hosts_) {
            if (h.routable || static_cast<double>(h.ll_packets) < min_packets_) continue;
            Finding f;
            f.key = mac_str(mac);
            f.title = fmt::format("{} ({}) has only the link-local address {}", ip_str(h.ll_ip), mac_str(mac),
                                  ip_str(h.ll_ip));
            f.detail = fmt::format("{} packet(s) from {} used a self-assigned 169.254/16 address and no other IPv4 "
                                   "address: DHCP did not give it a lease.",
                                   h.ll_packets, mac_str(mac));
            f.hosts = {ip_str(h.ll_ip), mac_str(mac)};
            f.first_ts = h.first;
            f.last_ts = h.last;
            f.figures.push_back({"packets", static_cast<double>(h.ll_packets), ""});
            f.evidence = h.ev;
            ctx.sink.raise("addr.link_local_only", std::move(f));
        }
    }
    [[nodiscard]] std::uint64_t dropped() const override { return hosts_.dropped(); }

private:
    struct HostAddrs {
        bool routable = false;
        std::uint64_t ll_packets = 0;
        IpAddress ll_ip;
        double first = 0, last = 0;
        Evidence ev;
    };
    void note(const MacAddress& mac, const IpAddress& ip, double ts, FrameRef where) {
        if (is_zero_ip(ip) || is_multicast_or_broadcast(ip)) return;
        const bool ll = ip.bytes[0] == 169 && ip.bytes[1] == 254;
        HostAddrs* h = hosts_.get(mac);
        if (!h) return;
        if (!ll) {
            h->routable = true;
            return;
        }
        if (!h->ll_packets) {
            h->ll_ip = ip;
            h->first = ts;
        }
        ++h->ll_packets;
        h->last = ts;
        h->ev.add(where);
    }
    double min_packets_;
    BoundedMap<MacAddress, HostAddrs> hosts_{"addr.link_local_only: hosts", "link-local-only findings for further hosts"};
};

}  // namespace

void add_addressing_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c) {
    out.push_back(std::make_unique<ArpAddressRules>(c));
    out.push_back(std::make_unique<NdpDuplicateRule>(c));
    out.push_back(std::make_unique<LinkLocalOnlyRule>(c));
}

}  // namespace netdx
