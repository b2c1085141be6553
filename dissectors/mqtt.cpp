// MQTT for the packet view, as tshark 4.0's MQTT dissector shows it: every
// control packet of the frame's bytes (one segment, or the packets the stream
// reassembly completed on it: src/output/stream_pdus.cpp), framed by the
// shared MqttReader (dissectors/mqtt/mqtt_stream.hpp). Info column: the
// packets' names joined by ", ", with " (id=N)" and the publish topic or each
// subscribe filter in brackets, e.g. "Publish Message (id=1) [a/b]". Which
// fields a packet has depends on the connection's protocol level (3.1.1's
// return codes, 5's reason codes and properties): the CONNECT's, remembered
// per connection as tshark remembers it per conversation.
#include "dissectors/common.hpp"
#include "dissectors/mqtt/mqtt_stream.hpp"
#include "dissectors/mqtt/mqtt_versions.hpp"
#include "dissectors/text_lines.hpp"

namespace netdx {

namespace {

// Runs `f(message, fields)` on every complete control packet of the layer.
template <typename F>
MqttAnomaly walk(const Packet& pkt, const Layer& l, F&& f) {
    struct Ev final : MqttEvents {
        F& f;
        int version;
        MqttAnomaly bad = MqttAnomaly::None;
        Ev(F& fn, int v) : f(fn), version(v) {}
        void message(const MqttMessage& m) override {
            const MqttFields fields = mqtt_fields(m, version);
            if (m.type() == kMqttConnect && !fields.truncated) version = fields.version;
            f(m, fields);
        }
        void malformed(MqttAnomaly why) override { bad = why; }
    };
    Ev ev(f, remembered_mqtt_version(pkt));
    MqttReader r;
    r.feed(layer_text(pkt, l), ev);
    return ev.bad;
}

int version_of(const Packet& pkt) { return remembered_mqtt_version(pkt); }

Proto decode(Cursor& c, Packet& pkt, Layer& layer) {
    layer.length = static_cast<std::uint32_t>(c.remaining());
    walk(pkt, layer, [&](const MqttMessage& m, const MqttFields& f) {
        if (m.type() == kMqttConnect && !f.truncated) remember_mqtt_version(pkt, f.version);
    });
    return Proto::None;
}

void mqtt_info(const Packet& pkt, const Layer& l, fmt::memory_buffer& out) {
    bool first = true;
    walk(pkt, l, [&](const MqttMessage& m, const MqttFields& f) {
        if (!first) out.append(std::string_view(", "));
        first = false;
        out.append(std::string_view(mqtt_type_name(m.type())));
        if (f.has_msgid && m.type() != kMqttPublish) info(out, " (id={})", f.msgid);
        if (m.type() == kMqttPublish) {
            if (f.has_msgid) info(out, " (id={})", f.msgid);
            out.append(std::string_view(" ["));
            out.append(f.topic);
            out.push_back(']');
        }
        if (m.type() == kMqttSubscribe)
            for (int i = 0; i < f.n_filters; ++i) {
                out.append(std::string_view(" ["));
                out.append(f.filters[i]);
                out.push_back(']');
            }
    });
}

// One field over every packet of the layer: `get` returns false when the
// packet has none.
template <typename G>
void each(const FieldContext& c, G&& get) {
    walk(c.pkt, *c.layer, [&](const MqttMessage& m, const MqttFields& f) { get(m, f); });
}

void f_msgtype(const FieldContext& c, FieldOut& out) {
    each(c, [&](const MqttMessage& m, const MqttFields&) { out.uint(m.type()); });
}
void f_hdrflags(const FieldContext& c, FieldOut& out) {
    each(c, [&](const MqttMessage& m, const MqttFields&) { out.hex(m.header, 2); });
}
void f_len(const FieldContext& c, FieldOut& out) {
    each(c, [&](const MqttMessage& m, const MqttFields&) { out.uint(m.length); });
}
template <int What>  // 0: dup, 1: qos, 2: retain (PUBLISH only, as tshark)
void f_publish_flag(const FieldContext& c, FieldOut& out) {
    each(c, [&](const MqttMessage& m, const MqttFields&) {
        if (m.type() != kMqttPublish) return;
        if (What == 0) out.uint((m.header >> 3) & 1);
        if (What == 1) out.uint(m.qos());
        if (What == 2) out.uint(m.header & 1);
    });
}
void f_msgid(const FieldContext& c, FieldOut& out) {
    each(c, [&](const MqttMessage&, const MqttFields& f) {
        if (f.has_msgid) out.uint(f.msgid);
    });
}
void f_topic(const FieldContext& c, FieldOut& out) {
    each(c, [&](const MqttMessage& m, const MqttFields& f) {
        if (m.type() == kMqttPublish && !f.topic.empty()) out.text(f.topic);
        for (int i = 0; i < f.n_filters; ++i) out.text(f.filters[i]);
    });
}
void f_sub_qos(const FieldContext& c, FieldOut& out) {
    const bool v5 = version_of(c.pkt) == 5;
    each(c, [&](const MqttMessage& m, const MqttFields& f) {
        if (m.type() != kMqttSubscribe) return;
        for (int i = 0; i < f.n_filters; ++i)
            if (!v5) out.uint(f.filter_qos[i]);
    });
}
void f_sub_options(const FieldContext& c, FieldOut& out) {
    const bool v5 = version_of(c.pkt) == 5;
    each(c, [&](const MqttMessage& m, const MqttFields& f) {
        if (m.type() != kMqttSubscribe || !v5) return;
        for (int i = 0; i < f.n_filters; ++i) out.hex(f.filter_qos[i], 2);
    });
}
// SUBACK codes: 3.1/3.1.1 granted QoS (0x80 failure); 5 reason codes.
template <bool V5>
void f_suback(const FieldContext& c, FieldOut& out) {
    const bool v5 = version_of(c.pkt) == 5;
    each(c, [&](const MqttMessage& m, const MqttFields& f) {
        if (m.type() != kMqttSuback || v5 != V5) return;
        for (int i = 0; i < f.n_codes; ++i) out.uint(f.codes[i]);
    });
}
void f_unsuback_reason(const FieldContext& c, FieldOut& out) {
    each(c, [&](const MqttMessage& m, const MqttFields& f) {
        if (m.type() != kMqttUnsuback) return;
        for (int i = 0; i < f.n_codes; ++i) out.uint(f.codes[i]);
    });
}
// CONNACK: 3.1.1's return code, or 5's reason code.
template <bool V5>
void f_connack_code(const FieldContext& c, FieldOut& out) {
    const bool v5 = version_of(c.pkt) == 5;
    each(c, [&](const MqttMessage& m, const MqttFields& f) {
        if (m.type() == kMqttConnack && f.has_code && v5 == V5) out.uint(f.code);
    });
}
void f_connack_flags(const FieldContext& c, FieldOut& out) {
    const bool v31 = version_of(c.pkt) == 3;
    each(c, [&](const MqttMessage& m, const MqttFields& f) {
        if (m.type() == kMqttConnack && f.has_code && !v31) out.hex(f.ack_flags, 2);
    });
}
// The reason code of a 5 PUBACK/PUBREC/PUBREL/PUBCOMP/DISCONNECT/AUTH.
template <std::uint8_t Type>
void f_reason(const FieldContext& c, FieldOut& out) {
    each(c, [&](const MqttMessage& m, const MqttFields& f) {
        if (m.type() == Type && f.has_code) out.uint(f.code);
    });
}
template <int What>  // CONNECT: 0 proto_len, 1 ver, 2 conflags, 3 kalive
void f_connect_num(const FieldContext& c, FieldOut& out) {
    each(c, [&](const MqttMessage& m, const MqttFields& f) {
        if (m.type() != kMqttConnect || f.protoname.empty()) return;
        if (What == 0) out.uint(f.proto_len);
        if (What == 1) out.uint(f.version);
        if (What == 2) out.hex(f.conflags, 2);
        if (What == 3) out.uint(f.keepalive);
    });
}
template <int What>  // CONNECT: 0 protoname, 1 clientid, 2 username
void f_connect_text(const FieldContext& c, FieldOut& out) {
    each(c, [&](const MqttMessage& m, const MqttFields& f) {
        if (m.type() != kMqttConnect) return;
        if (What == 0 && !f.protoname.empty()) out.text(f.protoname);
        if (What == 1 && !f.truncated) out.text(f.clientid);
        if (What == 2 && f.has_username) out.text(f.username);
    });
}
void f_anomaly(const FieldContext& c, FieldOut& out) {
    const MqttAnomaly a = walk(c.pkt, *c.layer, [](const MqttMessage&, const MqttFields&) {});
    if (a != MqttAnomaly::None) out.raw(mqtt_anomaly_name(a));
}

const FieldDef kFields[] = {
    {"mqtt.hdrflags", "Header Flags", f_hdrflags},
    {"mqtt.msgtype", "Message Type", f_msgtype},
    {"mqtt.dupflag", "DUP Flag", f_publish_flag<0>},
    {"mqtt.qos", "QoS Level", f_publish_flag<1>},
    {"mqtt.retain", "Retain", f_publish_flag<2>},
    {"mqtt.len", "Msg Len", f_len},
    {"mqtt.proto_len", "Protocol Name Length", f_connect_num<0>},
    {"mqtt.protoname", "Protocol Name", f_connect_text<0>},
    {"mqtt.ver", "Version", f_connect_num<1>},
    {"mqtt.conflags", "Connect Flags", f_connect_num<2>},
    {"mqtt.kalive", "Keep Alive", f_connect_num<3>},
    {"mqtt.clientid", "Client ID", f_connect_text<1>},
    {"mqtt.username", "User Name", f_connect_text<2>},
    {"mqtt.conack.flags", "Acknowledge Flags", f_connack_flags},
    {"mqtt.conack.val", "Return Code", f_connack_code<false>},
    {"mqtt.connack.reason_code", "Reason Code", f_connack_code<true>},
    {"mqtt.msgid", "Message Identifier", f_msgid},
    {"mqtt.topic", "Topic", f_topic},
    {"mqtt.sub.qos", "Requested QoS", f_sub_qos},
    {"mqtt.subscription_options", "Subscription Options", f_sub_options},
    {"mqtt.suback.qos", "Granted QoS", f_suback<false>},
    {"mqtt.suback.reason_code", "Reason Code", f_suback<true>},
    {"mqtt.unsuback.reason_code", "Reason Code", f_unsuback_reason},
    {"mqtt.puback.reason_code", "Reason Code", f_reason<kMqttPuback>},
    {"mqtt.pubrec.reason_code", "Reason Code", f_reason<kMqttPubrec>},
    {"mqtt.pubrel.reason_code", "Reason Code", f_reason<kMqttPubrel>},
    {"mqtt.pubcomp.reason_code", "Reason Code", f_reason<kMqttPubcomp>},
    {"mqtt.disconnect.reason_code", "Reason Code", f_reason<kMqttDisconnect>},
    {"mqtt.auth.reason_code", "Reason Code", f_reason<kMqttAuth>},
    {"netdx.mqtt.anomaly", "Parse anomaly", f_anomaly},
};

}  // namespace

const DissectorDef mqtt_dissector = {Proto::Mqtt, "mqtt", "MQTT", decode, mqtt_info, kFields, {}};

}  // namespace netdx
