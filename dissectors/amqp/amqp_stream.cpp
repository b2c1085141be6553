#include "dissectors/amqp/amqp_stream.hpp"

#include <algorithm>

namespace netdx {

const char* amqp_anomaly_name(AmqpAnomaly a) {
    switch (a) {
        case AmqpAnomaly::None: return "none";
        case AmqpAnomaly::NotAmqp091: return "amqp.not_0_9_1";
        case AmqpAnomaly::BadHeader: return "amqp.bad_protocol_header";
        case AmqpAnomaly::BadType: return "amqp.bad_type";
        case AmqpAnomaly::BadEnd: return "amqp.bad_frame_end";
        case AmqpAnomaly::StreamLost: return "amqp.stream_lost";
    }
    return "?";
}

void AmqpReader::feed(std::string_view data, AmqpEvents& ev) {
    std::size_t i = 0;
    while (i < data.size() && mode_ != Mode::Stopped) {
        const auto b = static_cast<std::uint8_t>(data[i]);
        switch (mode_) {
            case Mode::Start:
                // 'A' is no frame type: it can only begin a protocol header.
                if (b != 'A' && (b < kAmqpMethod || b > kAmqpHeartbeat)) return fail(AmqpAnomaly::BadType, ev);
                ev.message_start(i);
                head_[0] = b;
                have_ = 1;
                payload_.clear();
                cut_ = false;
                mode_ = b == 'A' ? Mode::ProtoHeader : Mode::FrameHeader;
                ++i;
                break;
            case Mode::ProtoHeader: {
                head_[have_++] = b;
                ++i;
                if (have_ < 8) break;
                if (std::string_view(reinterpret_cast<const char*>(head_), 4) != "AMQP")
                    return fail(AmqpAnomaly::BadHeader, ev);
                AmqpFrame f;
                f.protocol_header = true;
                std::copy(head_ + 4, head_ + 8, f.proto);
                f.end = i;
                mode_ = Mode::Start;
                ev.message(f);
                ev.message_end(i);
                // AMQP 1.0 ("AMQP" 0|2|3 1 0 0) shares the port; its frames are not read.
                if (f.proto[1] == 1 && f.proto[2] == 0 && f.proto[3] == 0) return fail(AmqpAnomaly::NotAmqp091, ev);
                break;
            }
            case Mode::FrameHeader:
                head_[have_++] = b;
                ++i;
                if (have_ < 7) break;
                remaining_ = static_cast<std::uint32_t>(head_[3]) << 24 | static_cast<std::uint32_t>(head_[4]) << 16 |
                             static_cast<std::uint32_t>(head_[5]) << 8 | head_[6];
                mode_ = remaining_ ? Mode::Payload : Mode::End;
                break;
            case Mode::Payload: {
                const std::size_t n = std::min<std::size_t>(remaining_, data.size() - i);
                const std::size_t keep = std::min(n, kKeep - std::min(kKeep, payload_.size()));
                payload_.append(data.substr(i, keep));
                if (keep < n) cut_ = true;
                i += n;
                remaining_ -= static_cast<std::uint32_t>(n);
                if (remaining_ == 0) mode_ = Mode::End;
                break;
            }
            case Mode::End: {
                ++i;
                AmqpFrame f;
                f.type = head_[0];
                f.channel = static_cast<std::uint16_t>(head_[1] << 8 | head_[2]);
                f.size = static_cast<std::uint32_t>(head_[3]) << 24 | static_cast<std::uint32_t>(head_[4]) << 16 |
                         static_cast<std::uint32_t>(head_[5]) << 8 | head_[6];
                f.payload = payload_;
                f.payload_cut = cut_;
                f.end = i;
                mode_ = Mode::Start;
                ev.message(f);
                ev.message_end(i);
                if (b != 0xCE) return fail(AmqpAnomaly::BadEnd, ev);
                break;
            }
            case Mode::Stopped: return;
        }
    }
}

void AmqpReader::gap(std::uint64_t len, AmqpEvents& ev) {
    if (mode_ == Mode::Stopped || len == 0) return;
    if (mode_ == Mode::Payload && len <= remaining_) {
        // The framing holds; the payload is no longer whole.
        cut_ = true;
        remaining_ -= static_cast<std::uint32_t>(len);
        if (remaining_ == 0) mode_ = Mode::End;
        return;
    }
    fail(AmqpAnomaly::StreamLost, ev);
}

void AmqpReader::fail(AmqpAnomaly why, AmqpEvents& ev) {
    mode_ = Mode::Stopped;
    std::string().swap(payload_);
    ev.malformed(why);
}

namespace {

// Checked big-endian reads over a payload; any read past its end sets `bad`.
struct Args {
    std::string_view b;
    std::size_t at = 0;
    bool bad = false;
    std::uint8_t bits = 0;  // consecutive bit arguments share one octet
    int nbits = 8;
    [[nodiscard]] std::size_t left() const { return at < b.size() ? b.size() - at : 0; }
    std::uint64_t be(int n) {
        nbits = 8;
        if (left() < static_cast<std::size_t>(n)) {
            bad = true;
            at = b.size();
            return 0;
        }
        std::uint64_t v = 0;
        for (int k = 0; k < n; ++k) v = v << 8 | static_cast<std::uint8_t>(b[at++]);
        return v;
    }
    std::uint8_t u8() { return static_cast<std::uint8_t>(be(1)); }
    std::uint16_t u16() { return static_cast<std::uint16_t>(be(2)); }
    std::uint32_t u32() { return static_cast<std::uint32_t>(be(4)); }
    std::uint64_t u64() { return be(8); }
    std::string_view bytes(std::uint64_t n) {
        if (bad) return {};
        if (left() < n) {
            bad = true;
            at = b.size();
            return {};
        }
        const std::string_view s = b.substr(at, n);
        at += n;
        return s;
    }
    std::string_view shortstr() { return bytes(u8()); }
    std::string_view longstr() { return bytes(u32()); }
    void table() { longstr(); }
    bool bit() {
        if (nbits == 8) {
            bits = u8();
            nbits = 0;
            if (bad) return false;
        }
        return (bits >> nbits++) & 1;
    }
};

void connection(Args& a, AmqpMethod& m) {
    switch (m.method_id) {
        case 10:  // start
            m.version_major = a.u8();
            m.version_minor = a.u8();
            break;
        case 11:  // start-ok
            a.table();
            m.mechanism = a.shortstr();
            m.response = a.longstr();
            break;
        case 30: case 31:  // tune, tune-ok
            m.channel_max = a.u16();
            m.frame_max = a.u32();
            m.heartbeat = a.u16();
            m.has_tune = !a.bad;
            break;
        case 40: m.vhost = a.shortstr(); break;
        case 50:
            m.reply_code = a.u16();
            m.reply_text = a.shortstr();
            m.close_class = a.u16();
            m.close_method = a.u16();
            break;
        default: break;
    }
}

void exchange(Args& a, AmqpMethod& m) {
    switch (m.method_id) {
        case 10:  // declare
            a.u16();
            m.exchange = a.shortstr();
            m.has_exchange = !a.bad;
            m.type = a.shortstr();
            m.has_type = !a.bad;
            break;
        case 20:  // delete
            a.u16();
            m.exchange = a.shortstr();
            m.has_exchange = !a.bad;
            break;
        case 30: case 40:  // bind, unbind
            a.u16();
            m.destination = a.shortstr();
            m.source = a.shortstr();
            m.routing_key = a.shortstr();
            m.has_routing_key = !a.bad;
            break;
        default: break;
    }
}

void queue(Args& a, AmqpMethod& m) {
    switch (m.method_id) {
        case 10: case 30: case 40:  // declare, purge, delete
            a.u16();
            m.queue = a.shortstr();
            m.has_queue = !a.bad;
            break;
        case 11:  // declare-ok
            m.queue = a.shortstr();
            m.has_queue = !a.bad;
            m.message_count = a.u32();
            m.consumer_count = a.u32();
            m.has_message_count = m.has_consumer_count = !a.bad;
            break;
        case 20: case 50:  // bind, unbind
            a.u16();
            m.queue = a.shortstr();
            m.has_queue = !a.bad;
            m.exchange = a.shortstr();
            m.has_exchange = !a.bad;
            m.routing_key = a.shortstr();
            m.has_routing_key = !a.bad;
            break;
        case 31: case 41:  // purge-ok, delete-ok
            m.message_count = a.u32();
            m.has_message_count = !a.bad;
            break;
        default: break;
    }
}

void basic(Args& a, AmqpMethod& m) {
    auto tag = [&] {
        m.delivery_tag = a.u64();
        m.has_delivery_tag = !a.bad;
    };
    auto exchange_key = [&] {
        m.exchange = a.shortstr();
        m.has_exchange = !a.bad;
        m.routing_key = a.shortstr();
        m.has_routing_key = !a.bad;
    };
    switch (m.method_id) {
        case 10:  // qos
            a.u32();
            m.prefetch_count = a.u16();
            m.has_prefetch = !a.bad;
            break;
        case 20:  // consume
            a.u16();
            m.queue = a.shortstr();
            m.has_queue = !a.bad;
            m.consumer_tag = a.shortstr();
            m.has_consumer_tag = !a.bad;
            break;
        case 21: case 30: case 31:  // consume-ok, cancel, cancel-ok
            m.consumer_tag = a.shortstr();
            m.has_consumer_tag = !a.bad;
            break;
        case 40:  // publish
            a.u16();
            exchange_key();
            break;
        case 50:  // return
            m.reply_code = a.u16();
            m.reply_text = a.shortstr();
            exchange_key();
            break;
        case 60:  // deliver
            m.consumer_tag = a.shortstr();
            m.has_consumer_tag = !a.bad;
            tag();
            m.redelivered = a.bit();
            exchange_key();
            break;
        case 70:  // get
            a.u16();
            m.queue = a.shortstr();
            m.has_queue = !a.bad;
            break;
        case 71:  // get-ok
            tag();
            m.redelivered = a.bit();
            exchange_key();
            m.message_count = a.u32();
            m.has_message_count = !a.bad;
            break;
        case 80: case 90: case 120:  // ack, reject, nack
            tag();
            if (m.method_id != 90) {
                m.multiple = a.bit();
                m.has_multiple = !a.bad;
            }
            if (m.method_id != 80) {
                m.requeue = a.bit();
                m.has_requeue = !a.bad;
            }
            break;
        default: break;
    }
}

}  // namespace

AmqpMethod amqp_method(std::string_view payload) {
    AmqpMethod m;
    Args a{payload};
    m.class_id = a.u16();
    m.method_id = a.u16();
    if (!a.bad) {
        switch (m.class_id) {
            case 10: connection(a, m); break;
            case 20:
                if (m.method_id == 40) {  // channel.close
                    m.reply_code = a.u16();
                    m.reply_text = a.shortstr();
                    m.close_class = a.u16();
                    m.close_method = a.u16();
                }
                break;
            case 40: exchange(a, m); break;
            case 50: queue(a, m); break;
            case 60: basic(a, m); break;
            case 85:  // confirm.select
                if (m.method_id == 10) m.nowait = a.bit();
                break;
            default: break;
        }
    }
    m.truncated = a.bad;
    return m;
}

AmqpContentHeader amqp_content_header(std::string_view payload) {
    AmqpContentHeader h;
    Args a{payload};
    h.class_id = a.u16();
    h.weight = a.u16();
    h.body_size = a.u64();
    h.flags = a.u16();
    if (!a.bad && (h.flags & 0x8000)) {
        h.content_type = a.shortstr();
        h.has_content_type = !a.bad;
    }
    if (!a.bad && (h.flags & 0x4000)) a.shortstr();  // content-encoding
    if (!a.bad && (h.flags & 0x2000)) a.table();     // headers
    if (!a.bad && (h.flags & 0x1000)) {
        h.delivery_mode = a.u8();
        h.has_delivery_mode = !a.bad;
    }
    h.truncated = a.bad;
    return h;
}

const char* amqp_method_name(std::uint16_t c, std::uint16_t m) {
    struct Name {
        std::uint16_t c, m;
        const char* name;
    };
    static constexpr Name kNames[] = {
        {10, 10, "Connection.Start"}, {10, 11, "Connection.Start-Ok"}, {10, 20, "Connection.Secure"},
        {10, 21, "Connection.Secure-Ok"}, {10, 30, "Connection.Tune"}, {10, 31, "Connection.Tune-Ok"},
        {10, 40, "Connection.Open"}, {10, 41, "Connection.Open-Ok"}, {10, 50, "Connection.Close"},
        {10, 51, "Connection.Close-Ok"}, {10, 60, "Connection.Blocked"}, {10, 61, "Connection.Unblocked"},
        {20, 10, "Channel.Open"}, {20, 11, "Channel.Open-Ok"}, {20, 20, "Channel.Flow"},
        {20, 21, "Channel.Flow-Ok"}, {20, 40, "Channel.Close"}, {20, 41, "Channel.Close-Ok"},
        {30, 10, "Access.Request"}, {30, 11, "Access.Request-Ok"},
        {40, 10, "Exchange.Declare"}, {40, 11, "Exchange.Declare-Ok"}, {40, 20, "Exchange.Delete"},
        {40, 21, "Exchange.Delete-Ok"}, {40, 30, "Exchange.Bind"}, {40, 31, "Exchange.Bind-Ok"},
        {40, 40, "Exchange.Unbind"}, {40, 51, "Exchange.Unbind-Ok"},
        {50, 10, "Queue.Declare"}, {50, 11, "Queue.Declare-Ok"}, {50, 20, "Queue.Bind"}, {50, 21, "Queue.Bind-Ok"},
        {50, 30, "Queue.Purge"}, {50, 31, "Queue.Purge-Ok"}, {50, 40, "Queue.Delete"}, {50, 41, "Queue.Delete-Ok"},
        {50, 50, "Queue.Unbind"}, {50, 51, "Queue.Unbind-Ok"},
        {60, 10, "Basic.Qos"}, {60, 11, "Basic.Qos-Ok"}, {60, 20, "Basic.Consume"}, {60, 21, "Basic.Consume-Ok"},
        {60, 30, "Basic.Cancel"}, {60, 31, "Basic.Cancel-Ok"}, {60, 40, "Basic.Publish"}, {60, 50, "Basic.Return"},
        {60, 60, "Basic.Deliver"}, {60, 70, "Basic.Get"}, {60, 71, "Basic.Get-Ok"}, {60, 72, "Basic.Get-Empty"},
        {60, 80, "Basic.Ack"}, {60, 90, "Basic.Reject"}, {60, 100, "Basic.Recover-Async"},
        {60, 110, "Basic.Recover"}, {60, 111, "Basic.Recover-Ok"}, {60, 120, "Basic.Nack"},
        {85, 10, "Confirm.Select"}, {85, 11, "Confirm.Select-Ok"},
        {90, 10, "Tx.Select"}, {90, 11, "Tx.Select-Ok"}, {90, 20, "Tx.Commit"}, {90, 21, "Tx.Commit-Ok"},
        {90, 30, "Tx.Rollback"}, {90, 31, "Tx.Rollback-Ok"},
    };
    for (const Name& n : kNames)
        if (n.c == c && n.m == m) return n.name;
    return nullptr;
}

const char* amqp_reply_name(std::uint16_t code) {
    switch (code) {
        case 200: return "REPLY_SUCCESS";
        case 311: return "CONTENT_TOO_LARGE";
        case 312: return "NO_ROUTE";
        case 313: return "NO_CONSUMERS";
        case 320: return "CONNECTION_FORCED";
        case 402: return "INVALID_PATH";
        case 403: return "ACCESS_REFUSED";
        case 404: return "NOT_FOUND";
        case 405: return "RESOURCE_LOCKED";
        case 406: return "PRECONDITION_FAILED";
        case 501: return "FRAME_ERROR";
        case 502: return "SYNTAX_ERROR";
        case 503: return "COMMAND_INVALID";
        case 504: return "CHANNEL_ERROR";
        case 505: return "UNEXPECTED_FRAME";
        case 506: return "RESOURCE_ERROR";
        case 530: return "NOT_ALLOWED";
        case 540: return "NOT_IMPLEMENTED";
        case 541: return "INTERNAL_ERROR";
        default: return nullptr;
    }
}

}  // namespace netdx
