#include "dissectors/mqtt/mqtt_stream.hpp"

#include <algorithm>

namespace netdx {

const char* mqtt_anomaly_name(MqttAnomaly a) {
    switch (a) {
        case MqttAnomaly::None: return "none";
        case MqttAnomaly::BadType: return "mqtt.bad_type";
        case MqttAnomaly::BadLength: return "mqtt.bad_length";
        case MqttAnomaly::StreamLost: return "mqtt.stream_lost";
    }
    return "?";
}

const char* mqtt_type_name(std::uint8_t type) {
    static const char* const kNames[] = {
        "Reserved",          "Connect Command",     "Connect Ack",      "Publish Message",
        "Publish Ack",       "Publish Received",    "Publish Release",  "Publish Complete",
        "Subscribe Request", "Subscribe Ack",       "Unsubscribe Request", "Unsubscribe Ack",
        "Ping Request",      "Ping Response",       "Disconnect Req",   "Authentication Exchange",
    };
    return kNames[type & 15];
}

void MqttReader::feed(std::string_view data, MqttEvents& ev) {
    std::size_t i = 0;
    while (i < data.size() && mode_ != Mode::Stopped) {
        switch (mode_) {
            case Mode::Header:
                header_ = static_cast<std::uint8_t>(data[i]);
                if ((header_ >> 4) == 0) return fail(MqttAnomaly::BadType, ev);
                ev.message_start(i);
                ++i;
                length_ = 0;
                length_bytes_ = 0;
                body_.clear();
                cut_ = false;
                mode_ = Mode::Length;
                break;
            case Mode::Length: {
                const auto b = static_cast<std::uint8_t>(data[i++]);
                length_ |= static_cast<std::uint32_t>(b & 0x7f) << (7 * length_bytes_);
                if (++length_bytes_ == 4 && (b & 0x80)) return fail(MqttAnomaly::BadLength, ev);
                if (b & 0x80) break;
                remaining_ = length_;
                mode_ = Mode::Body;
                if (remaining_ == 0) done(i, ev);
                break;
            }
            case Mode::Body: {
                const std::size_t n = std::min<std::size_t>(remaining_, data.size() - i);
                const std::size_t keep = std::min(n, kKeep - std::min(kKeep, body_.size()));
                body_.append(data.substr(i, keep));
                if (keep < n) cut_ = true;
                i += n;
                remaining_ -= static_cast<std::uint32_t>(n);
                if (remaining_ == 0) done(i, ev);
                break;
            }
            case Mode::Stopped: return;
        }
    }
}

void MqttReader::done(std::size_t end_at, MqttEvents& ev) {
    MqttMessage m;
    m.header = header_;
    m.length = length_;
    m.body = body_;
    m.body_cut = cut_;
    m.end = end_at;
    mode_ = Mode::Header;
    ev.message(m);
    ev.message_end(end_at);
}

void MqttReader::gap(std::uint64_t len, MqttEvents& ev) {
    if (mode_ == Mode::Stopped || len == 0) return;
    if (mode_ == Mode::Body && len <= remaining_) {
        // The framing holds; the body is no longer whole.
        cut_ = true;
        remaining_ -= static_cast<std::uint32_t>(len);
        if (remaining_ == 0) done(0, ev);
        return;
    }
    fail(MqttAnomaly::StreamLost, ev);
}

void MqttReader::fail(MqttAnomaly why, MqttEvents& ev) {
    mode_ = Mode::Stopped;
    std::string().swap(body_);
    ev.malformed(why);
}

namespace {

// Checked reads over a body; any read past its end sets `bad`.
struct Body {
    std::string_view b;
    std::size_t at = 0;
    bool bad = false;
    [[nodiscard]] std::size_t left() const { return at < b.size() ? b.size() - at : 0; }
    std::uint8_t u8() {
        if (left() < 1) { bad = true; return 0; }
        return static_cast<std::uint8_t>(b[at++]);
    }
    std::uint16_t u16() {
        if (left() < 2) { bad = true; at = b.size(); return 0; }
        const auto v = static_cast<std::uint16_t>(static_cast<std::uint8_t>(b[at]) << 8 | static_cast<std::uint8_t>(b[at + 1]));
        at += 2;
        return v;
    }
    std::string_view str() {
        const std::uint16_t n = u16();
        if (bad) return {};
        if (left() < n) { bad = true; at = b.size(); return {}; }
        const std::string_view s = b.substr(at, n);
        at += n;
        return s;
    }
    void skip_properties() {  // MQTT 5: a variable byte integer, then that many bytes
        std::uint32_t n = 0;
        for (int i = 0; i < 4; ++i) {
            const std::uint8_t v = u8();
            if (bad) return;
            n |= static_cast<std::uint32_t>(v & 0x7f) << (7 * i);
            if (!(v & 0x80)) break;
        }
        if (left() < n) { bad = true; at = b.size(); return; }
        at += n;
    }
};

// A 3.1.1 SUBSCRIBE payload fills the body exactly with (filter, QoS <= 2) pairs.
bool fits_v311_subscribe(std::string_view payload) {
    Body r{payload};
    if (r.left() == 0) return false;
    while (r.left() > 0) {
        r.str();
        if (r.u8() > 2 || r.bad) return false;
    }
    return true;
}

void read_connect(Body& r, MqttFields& f) {
    f.proto_len = static_cast<std::uint16_t>(r.left() >= 2 ? (static_cast<std::uint8_t>(r.b[0]) << 8 | static_cast<std::uint8_t>(r.b[1])) : 0);
    f.protoname = r.str();
    f.version = r.u8();
    f.conflags = r.u8();
    f.keepalive = r.u16();
    if (f.version == 5) r.skip_properties();
    f.clientid = r.str();
    if (f.conflags & 0x04) {  // will
        if (f.version == 5) r.skip_properties();
        r.str();
        r.str();
    }
    if ((f.conflags & 0x80) && r.left() > 0) {
        f.username = r.str();
        f.has_username = !r.bad;
    }
}

}  // namespace

MqttFields mqtt_fields(const MqttMessage& m, int version) {
    MqttFields f;
    Body r{m.body};
    const bool v5 = version == 5;
    const bool known = version != 0;
    switch (m.type()) {
        case kMqttConnect: read_connect(r, f); break;
        case kMqttConnack:
            f.ack_flags = r.u8();
            f.code = r.u8();
            f.has_code = !r.bad;
            break;
        case kMqttPublish:
            f.topic = r.str();
            if (m.qos()) {
                f.msgid = r.u16();
                f.has_msgid = !r.bad;
            }
            break;
        case kMqttPuback: case kMqttPubrec: case kMqttPubrel: case kMqttPubcomp:
            f.msgid = r.u16();
            f.has_msgid = !r.bad;
            if ((v5 || !known) && m.length > 2) {
                f.code = r.u8();
                f.has_code = !r.bad;
            }
            break;
        case kMqttSubscribe: case kMqttUnsubscribe: {
            f.msgid = r.u16();
            f.has_msgid = !r.bad;
            const bool sub = m.type() == kMqttSubscribe;
            const bool props = v5 || (!known && !(sub && fits_v311_subscribe(m.body.substr(std::min<std::size_t>(2, m.body.size())))));
            if (props && (v5 || sub)) r.skip_properties();
            while (r.left() > 0 && !r.bad) {
                const std::string_view t = r.str();
                std::uint8_t q = 0;
                if (sub) q = r.u8();
                if (r.bad) break;
                if (f.n_filters < MqttFields::kMaxList) {
                    f.filters[f.n_filters] = t;
                    f.filter_qos[f.n_filters++] = q;
                }
            }
            break;
        }
        case kMqttSuback: case kMqttUnsuback: {
            f.msgid = r.u16();
            f.has_msgid = !r.bad;
            // Unknown version: a 5 SUBACK's property length is almost always 0
            // and followed by a code; a 3.1.1 one is codes only.
            const bool props = v5 || (!known && m.length >= 4 && r.left() > 0 && r.b[r.at] == 0 &&
                                      m.type() == kMqttSuback && m.length == 4);
            if (m.type() == kMqttUnsuback && !v5) break;  // 3.1.1: the id only
            if (props) r.skip_properties();
            while (r.left() > 0 && !r.bad) {
                const std::uint8_t c = r.u8();
                if (f.n_codes < MqttFields::kMaxList) f.codes[f.n_codes++] = c;
            }
            break;
        }
        case kMqttDisconnect: case kMqttAuth:
            if ((v5 || !known) && m.length > 0) {
                f.code = r.u8();
                f.has_code = !r.bad;
            }
            break;
        default: break;
    }
    f.truncated = r.bad;
    return f;
}

}  // namespace netdx
