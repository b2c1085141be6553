#include "network/network_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include <arpa/inet.h>

#include "core/format_addr.hpp"
#include "rules/format.hpp"

namespace netdx {

namespace {

std::uint32_t v4_value(const IpAddress& a) {
    return std::uint32_t{a.bytes[0]} << 24 | std::uint32_t{a.bytes[1]} << 16 | std::uint32_t{a.bytes[2]} << 8 |
           a.bytes[3];
}

}  // namespace

bool parse_ip_address(std::string_view s, IpAddress& out) {
    const std::string z(s);
    std::uint8_t buf[16];
    if (inet_pton(AF_INET, z.c_str(), buf) == 1) {
        out = IpAddress::v4(buf);
        return true;
    }
    if (inet_pton(AF_INET6, z.c_str(), buf) == 1) {
        out = IpAddress::v6(buf);
        return true;
    }
    return false;
}

namespace {

template <typename Fn>
std::string split_list(std::string_view text, Fn fn) {
    while (!text.empty()) {
        const auto comma = text.find(',');
        std::string_view item = text.substr(0, comma);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (!item.empty())
            if (std::string err = fn(item); !err.empty()) return err;
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return {};
}

}  // namespace

IpAddress prefix_network(IpAddress a, int len) {
    const int n = a.family == 4 ? 4 : 16;
    for (int i = 0; i < n; ++i) {
        const int bits = std::clamp(len - i * 8, 0, 8);
        a.bytes[static_cast<std::size_t>(i)] &= static_cast<std::uint8_t>(bits == 0 ? 0 : 0xff << (8 - bits));
    }
    return a;
}

std::string subnet_str(const IpAddress& network, int prefix_len) {
    return fmt::format("{}/{}", ip_str(network), prefix_len);
}

std::string parse_subnet_list(std::string_view text, std::vector<std::pair<IpAddress, int>>& out) {
    return split_list(text, [&](std::string_view item) -> std::string {
        const auto slash = item.find('/');
        IpAddress a;
        if (slash == std::string_view::npos || !parse_ip_address(item.substr(0, slash), a))
            return fmt::format("network.subnets: expected ADDRESS/PREFIX, got \"{}\"", item);
        int len = -1;
        const std::string_view ls = item.substr(slash + 1);
        auto [p, ec] = std::from_chars(ls.data(), ls.data() + ls.size(), len);
        if (ec != std::errc() || p != ls.data() + ls.size() || len < 0 || len > (a.family == 4 ? 32 : 128))
            return fmt::format("network.subnets: bad prefix length in \"{}\"", item);
        out.emplace_back(prefix_network(a, len), len);
        return {};
    });
}

std::string parse_address_list(std::string_view text, std::vector<IpAddress>& out) {
    return split_list(text, [&](std::string_view item) -> std::string {
        IpAddress a;
        if (!parse_ip_address(item, a)) return fmt::format("network.gateways: expected an IP address, got \"{}\"", item);
        out.push_back(a);
        return {};
    });
}

NetworkModel::NetworkModel(NetworkOverrides overrides, std::size_t max_addresses)
    : override_gateways_(std::move(overrides.gateways)), max_addresses_(max_addresses) {
    for (auto& [net, len] : overrides.subnets) subnets_.push_back({net, len, "--set", {}});
}

void NetworkModel::subscribe(EventBus& bus) {
    bus.subscribe<&NetworkModel::on_arp>(this);
    bus.subscribe<&NetworkModel::on_ip>(this);
    bus.subscribe<&NetworkModel::on_dhcp>(this);
    bus.subscribe<&NetworkModel::on_dns>(this);
    bus.subscribe<&NetworkModel::on_conn>(this);
}

std::uint64_t NetworkModel::mac_key(const MacAddress& m) {
    std::uint64_t k = 0;
    for (std::uint8_t b : m) k = k << 8 | b;
    return k;
}

NetworkModel::Host* NetworkModel::host(const IpAddress& ip) {
    auto it = hosts_.find(ip);
    if (it != hosts_.end()) return &it->second;
    if (hosts_.size() >= max_addresses_) {
        ++dropped_;
        return nullptr;
    }
    return &hosts_[ip];
}

void NetworkModel::learn_subnet(const IpAddress& addr, int len, std::string source, const IpAddress& gateway) {
    const IpAddress net = prefix_network(addr, len);
    for (const LearnedSubnet& s : subnets_)
        if (s.network == net && s.len == len) return;  // the first source that taught it stays
    if (subnets_.size() >= 64) return;                 // a handful on any real link
    subnets_.push_back({net, len, std::move(source), gateway});
}

void NetworkModel::on_arp(const ArpObservation& e) {
    if (e.sender_ip.family != 4 || e.probe || is_zero_ip(e.sender_ip)) return;
    Host* h = host(e.sender_ip);
    if (!h) return;
    if (!h->arp_claimed) {
        h->arp_claimed = true;
        h->arp_mac = e.sender_mac;
        ++mac_claims_[mac_key(e.sender_mac)];
    }
}

void NetworkModel::on_ip(const IpPacketSeen& e) {
    if (e.icmp6_type == 134 && e.ra_prefix.family == 6 && e.ra_prefix_len > 0) {
        learn_subnet(e.ra_prefix, e.ra_prefix_len, "router advertisement", e.src);
        if (e.has_eth && ra_routers_.size() < 8 &&
            std::none_of(ra_routers_.begin(), ra_routers_.end(), [&](auto& r) { return r.first == e.src; }))
            ra_routers_.emplace_back(e.src, e.eth_src);
    }
    if (is_multicast_or_broadcast(e.src) || is_zero_ip(e.src)) return;
    Host* h = host(e.src);
    if (!h) return;
    ++h->packets;
    if (!e.has_eth) return;
    if (!h->has_mac) {
        h->mac = e.eth_src;
        h->has_mac = true;
    } else if (h->mac != e.eth_src) {
        h->mac_multi = true;
    }
}

void NetworkModel::on_dhcp(const DhcpExchange& e) {
    for (const DhcpServerReply& s : e.servers) {
        if (std::find(dhcp_servers_.begin(), dhcp_servers_.end(), s.server_id) == dhcp_servers_.end() &&
            dhcp_servers_.size() < 16)
            dhcp_servers_.push_back(s.server_id);
        if (s.prefix_len < 0) continue;
        // The subnet of the address it hands out (a server on another subnet, via
        // a relay, offers addresses of the client's subnet).
        const IpAddress& addr = s.offered.family == 4 && !is_zero_ip(s.offered) ? s.offered : s.router;
        if (addr.family != 4) continue;
        learn_subnet(addr, s.prefix_len, fmt::format("DHCP option 1 from {}", ip_str(s.server_id)), s.router);
    }
}

void NetworkModel::on_dns(const DnsTransaction& t) {
    if (t.mdns || t.llmnr || !t.has_query) return;
    Host* h = host(t.server);
    if (!h) return;
    ++h->dns_queries;
    if (t.has_response) ++h->dns_answered;
}

void NetworkModel::on_conn(const ConnAttempt& a) {
    if (Host* c = host(a.client)) c->client = true;
    if (a.outcome != ConnAttempt::Outcome::Established) return;
    Host* s = host(a.server);
    if (!s) return;
    ++s->served;
    const auto end = s->ports.begin() + s->nports;
    if (std::find(s->ports.begin(), end, a.server_port) == end && s->nports < s->ports.size())
        s->ports[s->nports++] = a.server_port;
}

int NetworkModel::learned_prefix(const IpAddress& host) const {
    int best = -1;
    for (const LearnedSubnet& s : subnets_)
        if (host.family == s.network.family && same_prefix(host, s.network, s.len)) best = std::max(best, s.len);
    return best;
}

bool NetworkModel::has_named_gateways() const {
    auto v4 = [](const IpAddress& g) { return g.family == 4; };
    return std::any_of(override_gateways_.begin(), override_gateways_.end(), v4) ||
           std::any_of(subnets_.begin(), subnets_.end(), [&](const LearnedSubnet& s) { return v4(s.gateway); });
}

bool NetworkModel::is_named_gateway(const IpAddress& ip) const {
    if (ip.family != 4) return false;
    if (std::find(override_gateways_.begin(), override_gateways_.end(), ip) != override_gateways_.end()) return true;
    return std::any_of(subnets_.begin(), subnets_.end(), [&](const LearnedSubnet& s) { return s.gateway == ip; });
}

bool NetworkModel::on_link(const IpAddress& ip) const {
    auto it = hosts_.find(ip);
    if (it == hosts_.end() || !it->second.arp_claimed) return false;
    auto c = mac_claims_.find(mac_key(it->second.arp_mac));
    return c != mac_claims_.end() && c->second < kProxyClaims;
}

bool NetworkModel::is_gateway_mac(const MacAddress& mac) const {
    for (const PictureGateway& g : picture().gateways)
        if (g.mac == mac) return true;
    return false;
}

bool NetworkModel::answers_connections(const IpAddress& ip) const {
    auto it = hosts_.find(ip);
    return it != hosts_.end() && it->second.served > 0;
}

NetworkPicture NetworkModel::picture() const {
    NetworkPicture p;
    p.addresses = hosts_.size();
    // Gateways: MACs that carry traffic of many addresses they never claimed in ARP.
    struct MacTally {
        std::uint64_t offlink = 0, packets = 0;
    };
    std::map<std::uint64_t, MacTally> by_mac;
    std::map<std::uint64_t, MacAddress> mac_of;
    std::map<std::uint64_t, IpAddress> claimed_by;  // an address each MAC claimed in ARP
    for (const auto& [ip, h] : hosts_) {
        if (h.arp_claimed) {
            const auto k = mac_key(h.arp_mac);
            auto c = mac_claims_.find(k);
            if (c != mac_claims_.end() && c->second < kProxyClaims) ++p.hosts_on_link;
            if (!claimed_by.count(k) || ip < claimed_by[k]) claimed_by[k] = ip;
        }
        if (h.client) ++p.clients;
        if (!h.has_mac || (h.arp_claimed && h.arp_mac == h.mac)) continue;
        MacTally& t = by_mac[mac_key(h.mac)];
        ++t.offlink;
        t.packets += h.packets;
        mac_of[mac_key(h.mac)] = h.mac;
    }
    for (const auto& [k, t] : by_mac) {
        if (t.offlink < kGatewayAddresses) continue;
        PictureGateway g;
        g.mac = mac_of[k];
        g.offlink_addresses = t.offlink;
        g.packets = t.packets;
        g.source = "off-link traffic";
        if (auto c = claimed_by.find(k); c != claimed_by.end()) g.address = c->second;
        p.gateways.push_back(g);
    }
    // Gateways the capture names but whose traffic was not seen (DHCP option 3, RAs, --set).
    auto add_named = [&](const IpAddress& ip, const std::string& source) {
        if (ip.family == 0) return;
        for (PictureGateway& g : p.gateways)
            if (g.address == ip) return;
        PictureGateway g;
        g.address = ip;
        g.source = source;
        if (auto it = hosts_.find(ip); it != hosts_.end() && it->second.arp_claimed) g.mac = it->second.arp_mac;
        p.gateways.push_back(g);
    };
    for (const IpAddress& gw : override_gateways_) add_named(gw, "--set");
    for (const LearnedSubnet& s : subnets_)
        if (s.network.family == 4) add_named(s.gateway, "DHCP option 3");
    for (const auto& [ip, mac] : ra_routers_) {
        bool known = false;
        for (PictureGateway& g : p.gateways) known = known || g.mac == mac;
        if (!known) {
            PictureGateway g;
            g.address = ip;
            g.mac = mac;
            g.source = "router advertisement";
            p.gateways.push_back(g);
        }
    }
    std::stable_sort(p.gateways.begin(), p.gateways.end(),
                     [](const PictureGateway& a, const PictureGateway& b) { return a.packets > b.packets; });

    // Subnets: learned ones, then for on-link IPv4 addresses no learned subnet
    // covers, the smallest prefix covering each cluster (addresses sharing a /16),
    // at most a /24: a lower bound of the real subnet.
    for (const LearnedSubnet& s : subnets_) p.subnets.push_back({s.network, s.len, s.source, s.gateway, 0});
    std::map<std::uint32_t, std::pair<std::uint32_t, std::uint32_t>> clusters;  // /16 -> (min, max)
    for (const auto& [ip, h] : hosts_) {
        if (ip.family != 4 || !h.arp_claimed) continue;
        auto c = mac_claims_.find(mac_key(h.arp_mac));
        if (c == mac_claims_.end() || c->second >= kProxyClaims) continue;
        bool covered = false;
        for (PictureSubnet& s : p.subnets)
            if (s.network.family == 4 && same_prefix(ip, s.network, s.prefix_len)) {
                ++s.hosts;
                covered = true;
                break;
            }
        if (covered || (ip.bytes[0] == 169 && ip.bytes[1] == 254)) continue;
        const std::uint32_t v = v4_value(ip);
        auto [it, fresh] = clusters.try_emplace(v >> 16, v, v);
        if (!fresh) it->second = {std::min(it->second.first, v), std::max(it->second.second, v)};
    }
    for (const auto& [hi, range] : clusters) {
        int len = 16;
        while (len < 24 && (range.first >> (31 - len)) == (range.second >> (31 - len))) ++len;
        std::uint8_t b[4] = {static_cast<std::uint8_t>(range.first >> 24), static_cast<std::uint8_t>(range.first >> 16),
                             static_cast<std::uint8_t>(range.first >> 8), static_cast<std::uint8_t>(range.first)};
        PictureSubnet s{prefix_network(IpAddress::v4(b), len), len, "ARP (inferred: addresses answering on the link)", {}, 0};
        for (const auto& [ip, h] : hosts_)
            if (ip.family == 4 && h.arp_claimed && same_prefix(ip, s.network, len)) ++s.hosts;
        for (const PictureGateway& g : p.gateways)
            if (g.address.family == 4 && same_prefix(g.address, s.network, len)) s.gateway = g.address;
        p.subnets.push_back(s);
    }
    // IPv6 subnets (no ARP): the addresses seen inside them.
    for (PictureSubnet& s : p.subnets)
        if (s.network.family == 6)
            for (const auto& [ip, h] : hosts_)
                if (ip.family == 6 && same_prefix(ip, s.network, s.prefix_len)) ++s.hosts;
    for (PictureSubnet& s : p.subnets)
        if (s.gateway.family == 0)
            for (const PictureGateway& g : p.gateways)
                if (g.address.family == s.network.family && same_prefix(g.address, s.network, s.prefix_len))
                    s.gateway = g.address;

    p.dhcp_servers = dhcp_servers_;

    // Resolvers and servers, busiest first.
    for (const auto& [ip, h] : hosts_) {
        if (h.dns_answered) {
            ++p.resolvers_total;
            p.resolvers.push_back({ip, h.dns_queries, h.dns_answered});
        }
        if (h.served) {
            ++p.servers_total;
            PictureServer s{ip, h.served, std::vector<std::uint16_t>(h.ports.begin(), h.ports.begin() + h.nports),
                            on_link(ip) || learned_prefix(ip) >= 0};
            p.servers.push_back(std::move(s));
        }
    }
    auto by_queries = [](const PictureResolver& a, const PictureResolver& b) {
        return a.queries != b.queries ? a.queries > b.queries : a.address < b.address;
    };
    std::sort(p.resolvers.begin(), p.resolvers.end(), by_queries);
    if (p.resolvers.size() > 8) p.resolvers.resize(8);
    auto by_conns = [](const PictureServer& a, const PictureServer& b) {
        return a.connections != b.connections ? a.connections > b.connections : a.address < b.address;
    };
    std::sort(p.servers.begin(), p.servers.end(), by_conns);
    if (p.servers.size() > 10) p.servers.resize(10);
    return p;
}

}  // namespace netdx
