// The "Network" part of the analyze report: what the capture showed of the
// network (subnets, gateways, DHCP servers, resolvers, busiest servers), in
// the text report and as the `network` object of the JSON report.
#include <fmt/format.h>

#include "report/report_network.hpp"
#include "rules/format.hpp"

namespace netdx {

namespace {

std::string ports_str(const std::vector<std::uint16_t>& ports) {
    return join(ports, [](std::uint16_t p) { return std::to_string(p); }, ",");
}

}  // namespace

void write_text_network(std::FILE* out, const NetworkPicture& n) {
    if (n.empty()) return;
    fmt::print(out, "  Network\n");
    for (const PictureSubnet& s : n.subnets)
        fmt::print(out, "    subnet   {:<20} {}{}, {} host{}\n", subnet_str(s.network, s.prefix_len), s.source,
                   s.gateway.family ? fmt::format(", gateway {}", ip_str(s.gateway)) : std::string(), s.hosts,
                   s.hosts == 1 ? "" : "s");
    for (const PictureGateway& g : n.gateways)
        fmt::print(out, "    gateway  {:<20} {}{}\n", g.address.family ? ip_str(g.address) : std::string("?"),
                   g.mac == MacAddress{} ? std::string() : mac_str(g.mac) + ", ",
                   g.offlink_addresses ? fmt::format("carries {} off-link addresses", g.offlink_addresses)
                                       : "from " + g.source);
    if (!n.dhcp_servers.empty()) fmt::print(out, "    DHCP     {}\n", join(n.dhcp_servers, ip_str));
    if (!n.resolvers.empty())
        fmt::print(out, "    DNS      {}{}\n",
                   join(n.resolvers, [](const PictureResolver& r) {
                       return fmt::format("{} ({} queries, {} answered)", ip_str(r.address), r.queries, r.answered);
                   }),
                   n.resolvers_total > n.resolvers.size() ? fmt::format(" and {} more", n.resolvers_total - n.resolvers.size())
                                                          : std::string());
    fmt::print(out, "    hosts    {} addresses, {} answering ARP on the link, {} clients, {} servers\n", n.addresses,
               n.hosts_on_link, n.clients, n.servers_total);
    const std::size_t show = std::min<std::size_t>(n.servers.size(), 5);
    for (std::size_t i = 0; i < show; ++i) {
        const PictureServer& s = n.servers[i];
        fmt::print(out, "    server   {:<20} {} connection{}, port{} {}{}\n", ip_str(s.address), s.connections,
                   s.connections == 1 ? "" : "s", s.ports.size() > 1 ? "s" : "", ports_str(s.ports),
                   s.on_link ? " (on the link)" : "");
    }
}

nlohmann::json network_json(const NetworkPicture& n) {
    nlohmann::json subnets = nlohmann::json::array();
    for (const PictureSubnet& s : n.subnets)
        subnets.push_back({{"subnet", subnet_str(s.network, s.prefix_len)},
                           {"prefix_len", s.prefix_len},
                           {"source", s.source},
                           {"gateway", s.gateway.family ? ip_str(s.gateway) : ""},
                           {"hosts", s.hosts}});
    nlohmann::json gateways = nlohmann::json::array();
    for (const PictureGateway& g : n.gateways)
        gateways.push_back({{"address", g.address.family ? ip_str(g.address) : ""},
                            {"mac", g.mac == MacAddress{} ? "" : mac_str(g.mac)},
                            {"offlink_addresses", g.offlink_addresses},
                            {"packets", g.packets},
                            {"source", g.source}});
    nlohmann::json dhcp = nlohmann::json::array();
    for (const IpAddress& a : n.dhcp_servers) dhcp.push_back(ip_str(a));
    nlohmann::json resolvers = nlohmann::json::array();
    for (const PictureResolver& r : n.resolvers)
        resolvers.push_back({{"address", ip_str(r.address)}, {"queries", r.queries}, {"answered", r.answered}});
    nlohmann::json servers = nlohmann::json::array();
    for (const PictureServer& s : n.servers)
        servers.push_back({{"address", ip_str(s.address)},
                           {"connections", s.connections},
                           {"ports", s.ports},
                           {"on_link", s.on_link}});
    return {{"subnets", subnets},
            {"gateways", gateways},
            {"dhcp_servers", dhcp},
            {"resolvers", resolvers},
            {"resolvers_total", n.resolvers_total},
            {"servers", servers},
            {"servers_total", n.servers_total},
            {"clients", n.clients},
            {"hosts_on_link", n.hosts_on_link},
            {"addresses", n.addresses}};
}

}  // namespace netdx
