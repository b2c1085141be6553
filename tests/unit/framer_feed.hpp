#pragma once
// Feeding a protocol's incremental reader (dissectors/<proto>/<proto>_stream)
// and its analysis consumer (src/app/) in chunks of N bytes. A framer must
// report the same messages whatever the segment boundaries are, so each test
// compares a stream fed whole with the same stream cut every N bytes; these
// helpers make the chunked feeding one piece of code for every protocol.
#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/app_stream.hpp"
#include "flow/flow.hpp"

namespace netdx {

// A reader's events as text. Offsets are reported relative to the chunk being
// fed; `base` (set by read_in_chunks) makes them offsets in the whole stream,
// so a chunked run's log can equal a whole run's.
template <class Events>
struct FramerLog : Events {
    std::vector<std::string> log;
    std::size_t base = 0;
    void message_start(std::size_t at) override { log.push_back("start@" + std::to_string(base + at)); }
    void message_end(std::size_t at) override { log.push_back("end@" + std::to_string(base + at)); }
};

// Feeds `bytes` to `reader` `chunk` bytes at a time; returns what `ev` logged.
template <class Reader, class Log>
std::vector<std::string> read_in_chunks(Reader& reader, Log& ev, std::string_view bytes, std::size_t chunk) {
    for (std::size_t i = 0; i < bytes.size(); i += chunk) {
        ev.base = i;
        reader.feed(bytes.substr(i, chunk), ev);
    }
    return ev.log;
}

// The consumer of the protocol on TCP `server_port` for a flow from 10.0.0.2
// to 10.0.0.9 (client direction 0), with the bus it publishes on. A test
// subscribes its own handler for the transaction type it checks.
struct ConsumerFeed {
    EventBus bus;
    AppClock clock;
    std::unique_ptr<StreamConsumer> c;
    std::uint64_t frame = 0;

    explicit ConsumerFeed(std::uint16_t server_port, std::uint16_t client_port = 40000) {
        AppEndpoints ep;
        const std::uint8_t cl[4] = {10, 0, 0, 2}, sv[4] = {10, 0, 0, 9};
        ep.client = IpAddress::v4(cl);
        ep.server = IpAddress::v4(sv);
        ep.client_port = client_port;
        ep.server_port = server_port;
        ep.flow_id = 1;
        const AppProtocol* p = app_protocol_for_port(server_port);
        REQUIRE(p);
        c = p->make(ep, AppContext{bus, clock});
    }
    // `s` from one side (0 client, 1 server) at time `ts`, one frame per
    // `chunk` bytes (all in one frame when 0).
    void send(int dir, std::string_view s, double ts, std::size_t chunk = 0) {
        if (!chunk) chunk = s.size();
        for (std::size_t i = 0; i < s.size(); i += chunk) {
            clock.where = {0, ++frame};
            clock.ts = ts;
            const std::string_view part = s.substr(i, chunk);
            c->on_data(dir, Bytes(reinterpret_cast<const std::uint8_t*>(part.data()), part.size()));
        }
    }
};

}  // namespace netdx
