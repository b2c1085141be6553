#pragma once
// A DHCPDISCOVER that takes no lease: it is sent from the interface's MAC
// (broadcast flag set), every OFFER that comes back within the wait is
// collected, and no REQUEST follows, so no address is ever bound.
#include <string>
#include <vector>

#include "probe/netif.hpp"

namespace netdx {

struct DhcpProbeOptions {
    int wait_ms = 3000;      // listening for offers
    int resend_ms = 1000;    // a second DISCOVER after this long, in case one was lost
};

struct DhcpOffer {
    MacAddress server_mac{};
    IpAddress source;             // IP source of the OFFER
    IpAddress server_id;          // option 54 (family 0 when absent)
    IpAddress offered;            // yiaddr
    int prefix = -1;              // option 1 as a prefix length; -1 absent or not contiguous
    std::vector<IpAddress> routers;      // option 3
    std::vector<IpAddress> dns_servers;  // option 6
    std::string domain;                  // option 15, escaped
    long lease_s = -1;                   // option 51
    double ms = 0;                       // after the first DISCOVER
    unsigned copies = 1;                 // offers from this server
    // The server as one string for reports: its identifier, else its source.
    [[nodiscard]] IpAddress server() const { return server_id.family ? server_id : source; }
};

struct DhcpProbeResult {
    std::string interface;
    MacAddress client_mac{};
    std::uint32_t xid = 0;
    unsigned discovers = 0;
    std::vector<DhcpOffer> offers;  // one per server, in order of arrival
    double started = 0;
};

// Throws ProbeError (no permission, interface gone).
DhcpProbeResult dhcp_probe(const NetInterface& nif, const DhcpProbeOptions& opts);

}  // namespace netdx
