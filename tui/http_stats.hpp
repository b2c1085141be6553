#pragma once
// HTTP response times per server for the stats view, from the transactions of
// the pipeline's HTTP consumer: requests, answered, 4xx, 5xx and a bounded
// sample of latencies (request to response header). At most kMaxServers
// servers and kMaxSamples latencies each (a uniform reservoir beyond that).
#include <cstdint>
#include <map>
#include <random>
#include <vector>

#include "app/app_stream.hpp"
#include "tui/snapshot.hpp"

namespace netdx::tui {

class HttpStats final : public AppEventSink {
public:
    static constexpr std::size_t kMaxServers = 256;
    static constexpr std::size_t kMaxSamples = 4096;

    void on_http(const HttpTransaction& t) override;
    // Rows by requests, most first.
    void snapshot(std::vector<HttpServerRow>& out) const;

private:
    struct Server {
        std::uint64_t requests = 0, answered = 0, client_errors = 0, server_errors = 0;
        std::uint64_t latencies_seen = 0;
        double max = 0;
        std::vector<double> sample;
    };
    std::map<IpAddress, Server> servers_;
    std::minstd_rand rng_{12345};
};

}  // namespace netdx::tui
