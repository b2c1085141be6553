#pragma once
// AMQP 0-9-1 events as the rules see them, from the consumer (src/app/amqp.cpp):
//  - Open: a connection reached connection.open-ok (vhost, user, heartbeat);
//  - ConnectionClose / ChannelClose: a close, by the broker or the client, with
//    its reply code and text and the class/method that caused it; `handshake`
//    when the connection was not open yet (a refusal);
//  - Publish: one basic.publish; under confirm mode with its delivery tag and
//    the broker's basic.ack / basic.nack, or none (the connection or the
//    channel ended first); outside confirm mode outcome NotConfirmed at once;
//  - Settle: a client's basic.ack / basic.nack / basic.reject of deliveries;
//  - MissedHeartbeat: one side sent nothing for more than twice the
//    negotiated heartbeat while the connection was open.
// Text fields are copies from the wire, escaped and capped at kAmqpTextCap.
#include <cstdint>
#include <string>

#include "events/app_flow_fields.hpp"
#include "events/common.hpp"

namespace netdx {

enum class AmqpKind : std::uint8_t { Open, ConnectionClose, ChannelClose, Publish, Settle, MissedHeartbeat };

enum class AmqpOutcome : std::uint8_t {
    Ok,              // opened; a close with 200; a publish acked
    Error,           // a close with another reply code
    Nacked,          // a confirmed publish the broker nacked
    Unconfirmed,     // under confirm mode, the connection ended before the ack
    ChannelClosed,   // under confirm mode, the broker closed the channel first
    NotConfirmed,    // published outside confirm mode: nothing to wait for
};

// server: the broker; where/ts: the answer (the request when none).
struct AmqpTransaction : EventBase, AppFlowFields {
    AmqpKind kind = AmqpKind::Open;
    AmqpOutcome outcome = AmqpOutcome::Ok;
    std::string vhost;            // connection.open's
    std::string user;             // PLAIN's user name (never the password)
    std::uint16_t channel = 0;
    bool by_broker = false;       // a close sent by the broker
    bool handshake = false;       // a connection close before open-ok
    std::uint16_t reply_code = 0;
    std::string reply_text;
    std::uint16_t cause_class = 0, cause_method = 0;  // what the close blames
    // Publish / Settle
    std::string exchange, routing_key;
    std::uint64_t delivery_tag = 0;
    std::uint16_t method = 0;     // Settle: 80 ack, 90 reject, 120 nack
    bool multiple = false, requeue = false;
    FrameRef request_frame;       // the publish, the silent side's last frame
    double request_ts = 0;
    double latency = -1;          // publish to its confirm; -1 none
    // MissedHeartbeat
    std::uint16_t heartbeat = 0;  // negotiated, seconds
    double silence = 0;           // seconds without a frame from that side
    bool client_silent = false;
    bool connection_ended = false;  // the silence ended with the connection
    bool at_capture_end = false;  // Unconfirmed: the flow was still open when the capture ended
};

inline constexpr std::size_t kAmqpTextCap = 160;

}  // namespace netdx
