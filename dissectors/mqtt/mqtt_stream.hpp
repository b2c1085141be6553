#pragma once
// MQTT (3.1, 3.1.1 and 5) over one direction of a reassembled TCP stream: an
// incremental framer that reports each control packet (fixed header, its
// remaining length, the first bytes of its body) as it completes, and where
// each starts and ends. The one MQTT reader of netdx: the analysis's consumer
// (src/app/mqtt.cpp) pairs what it reports, and the packet view
// (dissectors/mqtt.cpp, src/output/stream_pdus.cpp) shows each packet on the
// frame that completes it, as tshark's MQTT dissector (tcp_dissect_pdus) does.
//
// Bounded: only the first kKeep bytes of a body are buffered (every field
// netdx reads is in the variable header, before the payload); the rest is
// counted and skipped, so a hostile remaining length (up to the protocol's
// 268,435,455) costs no memory. Feeding the same bytes in one piece or split
// at any byte gives the same reports.
#include <cstdint>
#include <string>
#include <string_view>

namespace netdx {

// What can go wrong in an MQTT stream (Wireshark's ei[] / Suricata's event table).
enum class MqttAnomaly : std::uint8_t {
    None = 0,
    BadType,     // control packet type 0 (reserved)
    BadLength,   // a remaining length over 4 bytes
    StreamLost,  // a gap in the stream outside a body
};
const char* mqtt_anomaly_name(MqttAnomaly a);  // "mqtt.bad_type", ...

enum MqttType : std::uint8_t {
    kMqttConnect = 1, kMqttConnack, kMqttPublish, kMqttPuback, kMqttPubrec, kMqttPubrel, kMqttPubcomp,
    kMqttSubscribe, kMqttSuback, kMqttUnsubscribe, kMqttUnsuback, kMqttPingreq, kMqttPingresp,
    kMqttDisconnect, kMqttAuth,
};
const char* mqtt_type_name(std::uint8_t type);  // tshark's: "Connect Command", ...

// One control packet as the framer completes it.
struct MqttMessage {
    std::uint8_t header = 0;       // the fixed header's first byte (type << 4 | flags)
    std::uint32_t length = 0;      // the remaining length
    std::string_view body;         // its first bytes (up to kKeep)
    bool body_cut = false;         // longer than kKeep, or a gap inside it
    std::size_t end = 0;           // just past it in the bytes passed to feed()
    [[nodiscard]] std::uint8_t type() const { return header >> 4; }
    [[nodiscard]] std::uint8_t qos() const { return (header >> 1) & 3; }
};

class MqttEvents {
public:
    virtual ~MqttEvents() = default;
    virtual void message_start(std::size_t /*at*/) {}
    virtual void message(const MqttMessage& /*m*/) {}
    virtual void message_end(std::size_t /*at*/) {}
    virtual void malformed(MqttAnomaly /*why*/) {}
};

class MqttReader {
public:
    static constexpr std::size_t kKeep = 1024;  // body bytes kept: headers, topics, client ids

    explicit MqttReader(bool /*client*/ = true) {}
    void feed(std::string_view data, MqttEvents& ev);
    // `len` bytes missing: inside a body the framing holds; else the stream
    // is no longer read (StreamLost).
    void gap(std::uint64_t len, MqttEvents& ev);
    [[nodiscard]] bool stopped() const { return mode_ == Mode::Stopped; }
    [[nodiscard]] bool in_message() const { return mode_ != Mode::Header; }

private:
    enum class Mode : std::uint8_t { Header, Length, Body, Stopped };
    void done(std::size_t end_at, MqttEvents& ev);
    void fail(MqttAnomaly why, MqttEvents& ev);

    Mode mode_ = Mode::Header;
    std::uint8_t header_ = 0;
    std::uint32_t length_ = 0;
    int length_bytes_ = 0;
    std::uint32_t remaining_ = 0;
    std::string body_;
    bool cut_ = false;
};

// The fields of one control packet's variable header and payload that netdx
// reads. `version`: the connection's protocol level from its CONNECT (3: 3.1,
// 4: 3.1.1, 5: 5), 0 when unknown (the packet view's guess then applies).
struct MqttFields {
    static constexpr int kMaxList = 8;  // topic filters / return codes kept
    bool truncated = false;             // the body ended before a field
    bool has_msgid = false;
    std::uint16_t msgid = 0;
    std::string_view topic;  // PUBLISH
    std::string_view filters[kMaxList];  // SUBSCRIBE / UNSUBSCRIBE
    std::uint8_t filter_qos[kMaxList] = {};
    int n_filters = 0;
    std::uint8_t codes[kMaxList] = {};  // SUBACK / UNSUBACK (5) return or reason codes
    int n_codes = 0;
    // CONNECT
    std::string_view protoname, clientid, username;
    std::uint16_t proto_len = 0;
    std::uint8_t version = 0, conflags = 0;
    std::uint16_t keepalive = 0;
    bool has_username = false;
    // CONNACK: flags and return code (3.1.1) / reason code (5)
    std::uint8_t ack_flags = 0, code = 0;
    bool has_code = false;  // CONNACK, and the reason code of a 5 PUB*/DISCONNECT
};
MqttFields mqtt_fields(const MqttMessage& m, int version);

}  // namespace netdx
