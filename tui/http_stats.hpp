#pragma once
// HTTP response times per server for the stats view, from the transactions of
// the pipeline's HTTP consumer: requests, answered, 4xx, 5xx and a bounded
// sample of latencies (request to response header). At most kMaxServers
// servers and LatencySample's bound each.
#include <cstdint>
#include <map>
#include <random>
#include <vector>

#include "events/http_events.hpp"
#include "tui/latency_sample.hpp"
#include "tui/snapshot.hpp"

namespace netdx::tui {

class HttpStats {
public:
    static constexpr std::size_t kMaxServers = 256;

    void on_http(const HttpTransaction& t);
    // Rows by requests, most first.
    void snapshot(std::vector<HttpServerRow>& out) const;

private:
    struct Server {
        std::uint64_t requests = 0, answered = 0, client_errors = 0, server_errors = 0;
        LatencySample latency;
    };
    std::map<IpAddress, Server> servers_;
    std::minstd_rand rng_{12345};
};

}  // namespace netdx::tui
