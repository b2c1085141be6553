#pragma once
// Application protocols over reassembled TCP streams (HTTP, TLS, SMTP, FTP,
// Telnet, ...). A protocol is one file defining an AppProtocol plus one line in
// protocol_list.cpp; its consumer turns the two byte streams of a flow into
// transactions it publishes on the event bus (AppContext::bus).
#include <array>
#include <cstdint>
#include <memory>

#include "events/common.hpp"
#include "events/event_bus.hpp"
#include "flow/reassembly.hpp"

namespace netdx {

struct Flow;

// The frame being processed while a consumer runs: stream data is delivered
// synchronously inside FlowEngine::process, so this is the frame that carried
// (or completed) the bytes. The owner updates it before each packet.
struct AppClock {
    FrameRef where;
    double ts = 0;
};

// The flow as an application sees it: who is the client and which stream
// direction (the reassembler's 0 = originator, 1 = responder) carries what the
// client sends. The client is the side not on the protocol's port, so a flow
// picked up mid-stream with the server speaking first is still read right.
struct AppEndpoints {
    IpAddress client, server;
    std::uint16_t client_port = 0, server_port = 0;
    std::uint64_t flow_id = 0;
    int client_dir = 0;
};

// Copies the flow's endpoints into an application event (every event type
// names them alike), so a consumer fills only what is its own.
template <typename Event>
void set_endpoints(Event& e, const AppEndpoints& ep) {
    e.client = ep.client;
    e.server = ep.server;
    e.client_port = ep.client_port;
    e.server_port = ep.server_port;
    e.flow_id = ep.flow_id;
}

// A transaction started by the frame being processed: the flow's endpoints,
// and that frame and time both as its request's and as where it was seen (an
// answer moves where/ts later; an unanswered one still points at its request).
template <typename Transaction>
Transaction transaction_here(const AppEndpoints& ep, const AppClock& clock) {
    Transaction t;
    set_endpoints(t, ep);
    t.request_frame = t.where = clock.where;
    t.request_ts = t.ts = clock.ts;
    return t;
}

// A consumer publishes its transactions (src/events/<proto>_events.hpp) on
// the bus: bus.publish(transaction). Rules and the live view subscribe to the
// types they read.
struct AppContext {
    const EventBus& bus;
    const AppClock& clock;
};

// A protocol's stream consumer; its ports are in its declaration
// (src/app/protocol_list.cpp).
struct AppProtocol {
    const char* name;
    std::unique_ptr<StreamConsumer> (*make)(const AppEndpoints&, AppContext);
    // Whether the first bytes a client sent start this protocol, for flows on
    // ports no declaration names (tshark's heuristics); null: ports only.
    bool (*probe)(Bytes client_first) = nullptr;
};

// The consumer for a TCP flow that is starting, from the protocol bound to one
// of its ports (the responder's port wins; -d rebinds ports); on other ports a
// consumer that waits for the client's first bytes and asks each protocol's
// probe. Null when no protocol can apply.
std::unique_ptr<StreamConsumer> make_app_consumer(const Flow& flow, AppContext ctx);

// The protocol bound to TCP `port` (declarations and -d), or null.
const AppProtocol* app_protocol_for_port(std::uint16_t port);

}  // namespace netdx
