#pragma once
// AMQP 0-9-1 over one direction of a reassembled TCP stream: an incremental
// framer that reports the protocol header ("AMQP" 0 0 9 1) and each frame
// (type, channel, size, the first bytes of its payload, the 0xCE end octet)
// as it completes, and where each starts and ends. The one AMQP reader of
// netdx: the analysis's consumer (src/app/amqp.cpp) pairs what it reports,
// and the packet view (dissectors/amqp.cpp, src/output/stream_pdus.cpp) shows
// each frame on the TCP segment that completes it, as tshark's AMQP dissector
// (tcp_dissect_pdus) does.
//
// Bounded: only the first kKeep bytes of a payload are buffered (method
// arguments and content headers are short; bodies are not read); the rest is
// counted and skipped, so a hostile size (up to 4 GiB) costs no memory.
// Feeding the same bytes in one piece or split at any byte gives the same
// reports.
#include <cstdint>
#include <string>
#include <string_view>

namespace netdx {

// What can go wrong in an AMQP stream (Wireshark's ei[] / Suricata's event table).
enum class AmqpAnomaly : std::uint8_t {
    None = 0,
    NotAmqp091,  // a protocol header for another version (AMQP 1.0, its SASL or TLS layers)
    BadHeader,   // a frame starting with 'A' that is not "AMQP"
    BadType,     // a frame type other than 1 (method) .. 8 (heartbeat)
    BadEnd,      // the octet after the payload is not 0xCE
    StreamLost,  // a gap in the stream outside a payload
};
const char* amqp_anomaly_name(AmqpAnomaly a);  // "amqp.bad_type", ...

enum AmqpFrameType : std::uint8_t { kAmqpMethod = 1, kAmqpHeader = 2, kAmqpBody = 3, kAmqpHeartbeat = 8 };

// One frame, or the protocol header, as the framer completes it.
struct AmqpFrame {
    bool protocol_header = false;  // the 8-byte "AMQP" id major minor revision
    std::uint8_t proto[4] = {};    // its last four bytes
    std::uint8_t type = 0;
    std::uint16_t channel = 0;
    std::uint32_t size = 0;    // the payload size the frame announces
    std::string_view payload;  // its first bytes (up to kKeep)
    bool payload_cut = false;  // longer than kKeep, or a gap inside it
    std::size_t end = 0;       // just past the end octet in the bytes passed to feed()
};

class AmqpEvents {
public:
    virtual ~AmqpEvents() = default;
    virtual void message_start(std::size_t /*at*/) {}
    virtual void message(const AmqpFrame& /*f*/) {}
    virtual void message_end(std::size_t /*at*/) {}
    virtual void malformed(AmqpAnomaly /*why*/) {}
};

class AmqpReader {
public:
    static constexpr std::size_t kKeep = 1024;  // payload bytes kept

    explicit AmqpReader(bool /*client*/ = true) {}
    void feed(std::string_view data, AmqpEvents& ev);
    // `len` bytes missing: inside a payload the framing holds; else the
    // stream is no longer read (StreamLost).
    void gap(std::uint64_t len, AmqpEvents& ev);
    [[nodiscard]] bool stopped() const { return mode_ == Mode::Stopped; }
    [[nodiscard]] bool in_message() const { return mode_ != Mode::Start; }

private:
    enum class Mode : std::uint8_t { Start, ProtoHeader, FrameHeader, Payload, End, Stopped };
    void fail(AmqpAnomaly why, AmqpEvents& ev);

    Mode mode_ = Mode::Start;
    std::uint8_t head_[8] = {};  // the frame header (7 bytes) or the protocol header (8)
    int have_ = 0;
    std::uint32_t remaining_ = 0;
    std::string payload_;
    bool cut_ = false;
};

// The method frame's class and method ids and the arguments netdx reads.
// Strings are views into the frame's kept payload.
struct AmqpMethod {
    bool truncated = false;  // the payload (or its kept part) ended before an argument
    std::uint16_t class_id = 0, method_id = 0;
    // connection.start / tune / open / close, channel.close
    std::uint8_t version_major = 0, version_minor = 0;
    std::string_view mechanism, response;  // start-ok (the response holds PLAIN's credentials)
    std::uint16_t channel_max = 0, heartbeat = 0;
    std::uint32_t frame_max = 0;
    bool has_tune = false;
    std::string_view vhost;
    std::uint16_t reply_code = 0, close_class = 0, close_method = 0;
    std::string_view reply_text;
    // exchange / queue / basic
    std::string_view exchange, routing_key, queue, consumer_tag, type, destination, source;
    bool has_exchange = false, has_routing_key = false, has_queue = false, has_consumer_tag = false;
    bool has_type = false;
    std::uint64_t delivery_tag = 0;
    bool has_delivery_tag = false;
    bool multiple = false, requeue = false, redelivered = false, nowait = false;
    bool has_multiple = false, has_requeue = false;
    std::uint32_t message_count = 0, consumer_count = 0;
    bool has_message_count = false, has_consumer_count = false;
    std::uint16_t prefetch_count = 0;
    bool has_prefetch = false;
};
// Its texts are views into payload, which must outlive the result.
AmqpMethod amqp_method(std::string_view payload);

// A content header frame's fields.
struct AmqpContentHeader {
    bool truncated = false;
    std::uint16_t class_id = 0, weight = 0;
    std::uint64_t body_size = 0;
    std::uint16_t flags = 0;
    std::string_view content_type;  // when flag 0x8000
    bool has_content_type = false;
    std::uint8_t delivery_mode = 0;
    bool has_delivery_mode = false;
};
// content_type is a view into payload, which must outlive the result.
AmqpContentHeader amqp_content_header(std::string_view payload);

// tshark's name of a method ("Basic.Publish"), null when unknown.
const char* amqp_method_name(std::uint16_t class_id, std::uint16_t method_id);
// The reply code's name in the 0-9-1 spec ("NOT_FOUND"), null when unknown.
const char* amqp_reply_name(std::uint16_t code);

}  // namespace netdx
