#pragma once
// Who answers ARP for an address on the local link. As an RFC 5227 probe
// (sender address 0.0.0.0) it checks an address without disturbing anyone's
// ARP cache, which is how a duplicate of our own address is found; as a plain
// request (sender = our address) it asks for a neighbour such as the gateway.
#include <vector>

#include "probe/netif.hpp"

namespace netdx {

struct ArpProbeOptions {
    IpAddress target;
    bool rfc5227 = true;        // sender address 0.0.0.0
    IpAddress sender;           // used when !rfc5227
    int tries = 3;              // requests sent
    int interval_ms = 200;      // between requests
    int wait_ms = 1000;         // listening after the last request
    bool stop_at_first = false; // a neighbour lookup needs one answer; a duplicate check all of them
};

struct ArpAnswer {
    MacAddress mac{};
    double first_ms = 0;        // after the first request
    unsigned replies = 0;
};

struct ArpProbeResult {
    std::string interface;
    IpAddress target;
    bool rfc5227 = true;
    unsigned sent = 0;
    std::vector<ArpAnswer> answers;  // one per distinct MAC, in order of first answer
    double started = 0;              // wall clock
};

// Throws ProbeError (no permission, interface gone).
ArpProbeResult arp_probe(const NetInterface& nif, const ArpProbeOptions& opts);

}  // namespace netdx
