#pragma once
// MQTT transactions as the rules see them: one event per exchange the broker
// or a client answers (CONNECT/CONNACK, PUBLISH with QoS 1/2 and its
// acknowledgements, each SUBSCRIBE filter with its SUBACK code,
// UNSUBSCRIBE/UNSUBACK, PINGREQ/PINGRESP), paired by the consumer
// (src/app/mqtt.cpp) by packet identifier. QoS 0 publishes, which nothing
// answers, are events too (outcome Ok, no latency). Text fields are copies
// from the wire, escaped and capped at kMqttTextCap.
#include <cstdint>
#include <string>

#include "events/app_flow_fields.hpp"
#include "events/common.hpp"

namespace netdx {

// KeepAliveTimeout: not an exchange but the client's silence past 1.5 times
// its CONNECT's keep-alive when the connection ended (src/app/mqtt.cpp).
enum class MqttKind : std::uint8_t { Connect, Publish, Subscribe, Unsubscribe, Ping, KeepAliveTimeout };

enum class MqttOutcome : std::uint8_t {
    Ok,          // accepted, granted, acknowledged
    Refused,     // CONNACK code != 0, SUBACK code >= 0x80, a 5 PUBACK/PUBREC reason >= 0x80
    Unanswered,  // the connection ended (or the capture did) before the answer
};

// server: the broker; where/ts: the answer (the request when unanswered).
struct MqttTransaction : EventBase, AppFlowFields {
    MqttKind kind = MqttKind::Connect;
    MqttOutcome outcome = MqttOutcome::Ok;
    std::uint8_t version = 0;      // the CONNECT's protocol level (4: 3.1.1, 5: 5); 0 unseen
    std::string client_id;         // the CONNECT's, escaped, capped
    std::string username;          // the CONNECT's (never the password)
    FrameRef request_frame;        // the frame that completed the request
    double request_ts = 0;
    std::string topic;             // PUBLISH topic or SUBSCRIBE/UNSUBSCRIBE filter
    std::uint16_t msgid = 0;
    std::uint8_t qos = 0;          // PUBLISH QoS, SUBSCRIBE requested QoS
    std::uint8_t code = 0;         // CONNACK return/reason code, SUBACK code, PUB* reason code
    bool from_broker = false;      // PUBLISH sent by the broker to the client
    double latency = -1;           // seconds from the request to its answer; -1 none
    bool at_capture_end = false;   // Unanswered, KeepAliveTimeout: the flow was still open when the capture ended
    // KeepAliveTimeout: request_frame is the CONNECT, where the end (the last
    // frame heard from the client when the capture ended first).
    std::uint16_t keepalive = 0;   // seconds, the CONNECT's
    double silence = 0;            // seconds from the client's last bytes to the end
    FrameRef last_heard;           // the client's last frame
};

inline constexpr std::size_t kMqttTextCap = 128;

}  // namespace netdx
