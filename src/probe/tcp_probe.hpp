#pragma once
// TCP connection attempts, all at once: open, refused (RST or ICMP port
// unreachable), filtered (no answer within the timeout), or unreachable (no
// route, or nobody on the link answers ARP/ND for the next hop).
#include <cstdint>
#include <string>
#include <vector>

#include "core/packet.hpp"

namespace netdx {

enum class TcpState : std::uint8_t { Open, Refused, Filtered, HostUnreachable, NoRoute, NotResolved, Error };

std::string_view tcp_state_text(TcpState s);

struct TcpTarget {
    std::string host;  // as given (a name or an address)
    std::uint16_t port = 0;
};

struct TcpProbeResult {
    TcpTarget target;
    IpAddress address;   // the address tried (family 0 when the name did not resolve)
    TcpState state = TcpState::Error;
    std::string error;   // the system's text for Error / NotResolved
    double ms = 0;       // connect() to the verdict
    double started = 0;  // wall clock
};

struct TcpProbeOptions {
    int timeout_ms = 3000;
};

// One result per target (the first address of a name is tried).
std::vector<TcpProbeResult> tcp_probe(const std::vector<TcpTarget>& targets, const TcpProbeOptions& opts);

}  // namespace netdx
