#pragma once
// Reachability and path MTU of one IPv4 host with ICMP echo: a small probe
// first, then don't-fragment probes between the smallest size that passed and
// the outgoing link's MTU (a reported next-hop MTU is tried directly). When
// large probes vanish without a fragmentation-needed message (a black hole),
// TTL-limited probes find the last hop that large packets still reach.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/packet.hpp"

namespace netdx {

struct PathProbeOptions {
    int wait_ms = 600;    // for each echo
    int tries = 2;        // per size
    int max_hops = 16;    // for the hop search
};

struct PathHop {
    int ttl = 0;
    IpAddress router;     // family 0: no answer
    bool large_passes = false;
};

struct PathProbeResult {
    std::string host;           // as given
    IpAddress address;
    std::string error;          // why nothing could be probed (no route, not resolved)
    bool reachable = false;     // a small echo was answered
    double rtt_ms = 0;
    // Unreachable reported by a router or the host itself (ICMP type 3).
    std::optional<IpAddress> unreachable_from;
    int unreachable_code = -1;
    int link_mtu = 0;           // of the outgoing interface
    int path_mtu = 0;           // largest size answered with DF set (0: not measured)
    int smallest_lost = 0;      // smallest size that got no answer at all (0: none)
    std::optional<IpAddress> frag_needed_from;  // a router reported fragmentation needed
    int frag_needed_mtu = 0;
    bool black_hole = false;    // large probes lost without fragmentation-needed
    std::vector<PathHop> hops;  // filled only for a black hole
    int black_hole_after = -1;  // index in hops of the last hop large packets reach (-1: not even the first)
    unsigned probes_sent = 0;
    double started = 0;
};

// Throws ProbeError without CAP_NET_RAW.
PathProbeResult path_probe(const std::string& host, const PathProbeOptions& opts);

}  // namespace netdx
