#pragma once
// What the host says about its interfaces and routes (netlink, getifaddrs,
// /proc/net/route), read once per check: link flags, MAC, MTU, IPv4 addresses
// with their lifetime (a finite one means DHCP or another agent set it) and
// default routes.
#include <optional>
#include <string>
#include <vector>

#include "events/common.hpp"

namespace netdx {

struct Ipv4Address {
    IpAddress addr;
    int prefix = 0;
    bool permanent = true;  // no valid lifetime: configured statically
};

struct NetInterface {
    std::string name;
    int index = 0;
    MacAddress mac{};
    bool has_mac = false;  // Ethernet-like link layer
    bool up = false;       // administratively up (IFF_UP)
    bool carrier = false;  // IFF_LOWER_UP / IFF_RUNNING
    bool loopback = false;
    int mtu = 0;
    std::vector<Ipv4Address> ipv4;
};

struct DefaultRoute {
    std::string interface;
    std::optional<IpAddress> gateway;  // none for a device route
    unsigned metric = 0;
};

// Every interface of this network namespace, in index order.
std::vector<NetInterface> list_interfaces();
std::optional<NetInterface> find_interface(const std::string& name);
// IPv4 default routes of the main table, lowest metric first.
std::vector<DefaultRoute> default_routes();

// The interface a check should look at when none is named: the one of the
// default route, else the first non-loopback interface that is up, else the
// first non-loopback one.
std::optional<NetInterface> default_interface();

IpAddress ipv4_from_u32(std::uint32_t host_order);
std::uint32_t ipv4_to_u32(const IpAddress& a);
bool is_link_local_v4(const IpAddress& a);
// Parses dotted IPv4 or IPv6 text; nullopt when it is neither.
std::optional<IpAddress> parse_ip(const std::string& text);

}  // namespace netdx
