#pragma once
// c-ares plumbing shared by the DNS probe and host-name lookups: library
// initialisation, a channel that owns its ares_channel, and the loop that
// drives several channels at once until their queries finish or a deadline.
#include <ares.h>

#include <string>
#include <vector>

#include "probe/clock.hpp"

namespace netdx {

class AresChannel {
public:
    // A channel with the system's configuration (resolv.conf, hosts), or with
    // only `server` ("IP" or "IP:PORT" or "[IPv6]:PORT") when it is non-empty.
    // Throws ProbeError on a bad server or when c-ares cannot start.
    AresChannel(const std::string& server, int timeout_ms, int tries);
    ~AresChannel();
    AresChannel(const AresChannel&) = delete;
    AresChannel& operator=(const AresChannel&) = delete;
    [[nodiscard]] ares_channel get() const { return ch_; }

private:
    ares_channel ch_ = nullptr;
};

// Processes the channels' sockets until no query is pending or `deadline`
// passes (then the remaining queries are cancelled: their callbacks run with
// ARES_ECANCELLED).
void run_ares(const std::vector<AresChannel*>& channels, probe_clock::TimePoint deadline);

}  // namespace netdx
