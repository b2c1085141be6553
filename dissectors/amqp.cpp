// AMQP 0-9-1 for the packet view, as tshark 4.0's AMQP dissector shows it:
// every frame of the layer's bytes (one segment, or the frames the stream
// reassembly completed on it: src/output/stream_pdus.cpp), cut by the shared
// AmqpReader (dissectors/amqp/amqp_stream.hpp). Info column: each frame's
// text one after the other, as tshark appends them ("Basic.Publish x=orders
// rk=eu ", "Content-Header type=text/plain ", "Content-Body  (text/plain)",
// "Heartbeat "). A body names the content type of the last content header on
// its channel, remembered per connection and channel as tshark does per
// conversation. The protocol header gets tshark's columns ("AMQP (unknown
// version)") but, as in tshark, no amqp layer in frame.protocols.
#include "dissectors/amqp/amqp_content_types.hpp"
#include "dissectors/amqp/amqp_stream.hpp"
#include "dissectors/common.hpp"
#include "dissectors/text_lines.hpp"

namespace netdx {

namespace {

// Runs `f(frame)` on every complete frame of the layer.
template <typename F>
AmqpAnomaly walk(const Packet& pkt, const Layer& l, F&& f) {
    struct Ev final : AmqpEvents {
        F& f;
        AmqpAnomaly bad = AmqpAnomaly::None;
        explicit Ev(F& fn) : f(fn) {}
        void message(const AmqpFrame& m) override { f(m); }
        void malformed(AmqpAnomaly why) override { bad = why; }
    };
    Ev ev(f);
    AmqpReader r;
    r.feed(layer_text(pkt, l), ev);
    return ev.bad;
}

Proto decode(Cursor& c, Packet& pkt, Layer& layer) {
    layer.length = static_cast<std::uint32_t>(c.remaining());
    walk(pkt, layer, [&](const AmqpFrame& m) {
        if (m.protocol_header || m.type != kAmqpHeader) return;
        const AmqpContentHeader h = amqp_content_header(m.payload);
        remember_amqp_content_type(pkt, m.channel, h.content_type, h.has_content_type);
    });
    return Proto::None;
}

void append_args(fmt::memory_buffer& out, const AmqpMethod& m) {
    auto arg = [&](std::string_view k, std::string_view v) {
        out.append(k);
        out.push_back('=');
        out.append(v);
        out.push_back(' ');
    };
    const std::uint32_t id = static_cast<std::uint32_t>(m.class_id) << 16 | m.method_id;
    switch (id) {
        case 10u << 16 | 40: arg("vhost", m.vhost); break;
        case 10u << 16 | 50: case 20u << 16 | 40: arg("reply", m.reply_text); break;
        case 40u << 16 | 10: case 40u << 16 | 20: arg("x", m.exchange); break;
        case 50u << 16 | 10: case 50u << 16 | 11: case 50u << 16 | 30: case 50u << 16 | 40: case 60u << 16 | 20:
        case 60u << 16 | 70:
            arg("q", m.queue);
            break;
        case 50u << 16 | 20: case 50u << 16 | 50:
            arg("q", m.queue);
            arg("x", m.exchange);
            arg("bk", m.routing_key);
            break;
        case 60u << 16 | 40: case 60u << 16 | 60: case 60u << 16 | 71:
            arg("x", m.exchange);
            arg("rk", m.routing_key);
            break;
        case 60u << 16 | 50:
            arg("reply", m.reply_text);
            arg("x", m.exchange);
            arg("rk", m.routing_key);
            break;
        default: break;
    }
}

void amqp_info(const Packet& pkt, const Layer& l, fmt::memory_buffer& out) {
    // Content types set by headers earlier in this frame, per channel.
    struct Seen {
        std::uint16_t channel;
        std::string_view type;
        bool known;
    };
    Seen seen[8];
    int n_seen = 0;
    walk(pkt, l, [&](const AmqpFrame& f) {
        if (f.protocol_header) return out.append(std::string_view("AMQP (unknown version)"));
        switch (f.type) {
            case kAmqpMethod: {
                const AmqpMethod m = amqp_method(f.payload);
                const char* name = amqp_method_name(m.class_id, m.method_id);
                if (!name) return info(out, "Unknown method {}.{} ", m.class_id, m.method_id);
                out.append(std::string_view(name));
                out.push_back(' ');
                if (!m.truncated) append_args(out, m);
                return;
            }
            case kAmqpHeader: {
                const AmqpContentHeader h = amqp_content_header(f.payload);
                out.append(std::string_view("Content-Header "));
                if (h.has_content_type) info(out, "type={} ", h.content_type);
                const Seen s{f.channel, h.content_type, h.has_content_type && h.content_type.size() <= kAmqpMaxType};
                for (int i = 0; i < n_seen; ++i)
                    if (seen[i].channel == f.channel) return void(seen[i] = s);
                if (n_seen < 8) seen[n_seen++] = s;
                return;
            }
            case kAmqpBody: {
                out.append(std::string_view("Content-Body "));
                std::string_view type;
                bool known = remembered_amqp_content_type(pkt, f.channel, type);
                for (int i = 0; i < n_seen; ++i)
                    if (seen[i].channel == f.channel) {
                        type = seen[i].type;
                        known = seen[i].known;
                    }
                if (known) info(out, " ({})", type);
                return;
            }
            case kAmqpHeartbeat: return out.append(std::string_view("Heartbeat "));
            default: return info(out, "Unknown frame type {} ", f.type);
        }
    });
}

// One field over every frame of the layer.
template <typename G>
void each(const FieldContext& c, G&& get) {
    walk(c.pkt, *c.layer, [&](const AmqpFrame& f) {
        if (!f.protocol_header) get(f);
    });
}
template <typename G>
void each_method(const FieldContext& c, G&& get) {
    each(c, [&](const AmqpFrame& f) {
        if (f.type == kAmqpMethod) get(amqp_method(f.payload));
    });
}
template <typename G>
void each_header(const FieldContext& c, G&& get) {
    each(c, [&](const AmqpFrame& f) {
        if (f.type == kAmqpHeader) get(amqp_content_header(f.payload));
    });
}

void f_type(const FieldContext& c, FieldOut& out) {
    each(c, [&](const AmqpFrame& f) { out.uint(f.type); });
}
void f_channel(const FieldContext& c, FieldOut& out) {
    each(c, [&](const AmqpFrame& f) { out.uint(f.channel); });
}
void f_length(const FieldContext& c, FieldOut& out) {
    each(c, [&](const AmqpFrame& f) { out.uint(f.size); });
}
template <int What>  // 0 class, 1 method
void f_method_id(const FieldContext& c, FieldOut& out) {
    each(c, [&](const AmqpFrame& f) {
        if (f.type != kAmqpMethod || f.payload.size() < static_cast<std::size_t>(What == 0 ? 2 : 4)) return;
        const AmqpMethod m = amqp_method(f.payload);
        out.uint(What == 0 ? m.class_id : m.method_id);
    });
}

bool is(const AmqpMethod& m, std::uint16_t c, std::uint16_t id) { return m.class_id == c && m.method_id == id; }
bool is_close(const AmqpMethod& m) { return is(m, 10, 50) || is(m, 20, 40); }

template <int What>  // 0 reply_code, 1 reply_text, 2 class_id, 3 method_id
void f_close(const FieldContext& c, FieldOut& out) {
    each_method(c, [&](const AmqpMethod& m) {
        const bool ret = is(m, 60, 50);
        if ((!is_close(m) && !(ret && What < 2)) || m.truncated) return;
        if (What == 0) out.uint(m.reply_code);
        if (What == 1) out.text(m.reply_text);
        if (What == 2) out.uint(m.close_class);
        if (What == 3) out.uint(m.close_method);
    });
}
template <int What>  // 0 version_major, 1 version_minor
void f_start(const FieldContext& c, FieldOut& out) {
    each_method(c, [&](const AmqpMethod& m) {
        if (is(m, 10, 10) && !m.truncated) out.uint(What == 0 ? m.version_major : m.version_minor);
    });
}
void f_mechanism(const FieldContext& c, FieldOut& out) {
    each_method(c, [&](const AmqpMethod& m) {
        if (is(m, 10, 11) && !m.mechanism.empty()) out.text(m.mechanism);
    });
}
template <int What>  // 0 channel_max, 1 frame_max, 2 heartbeat
void f_tune(const FieldContext& c, FieldOut& out) {
    each_method(c, [&](const AmqpMethod& m) {
        if (!m.has_tune) return;
        out.uint(What == 0 ? m.channel_max : What == 1 ? m.frame_max : m.heartbeat);
    });
}
void f_vhost(const FieldContext& c, FieldOut& out) {
    each_method(c, [&](const AmqpMethod& m) {
        if (is(m, 10, 40) && !m.truncated) out.text(m.vhost);
    });
}
template <int What>  // 0 exchange, 1 routing_key, 2 queue, 3 consumer_tag, 4 type
void f_name(const FieldContext& c, FieldOut& out) {
    each_method(c, [&](const AmqpMethod& m) {
        if (What == 0 && m.has_exchange) out.text(m.exchange);
        if (What == 1 && m.has_routing_key) out.text(m.routing_key);
        if (What == 2 && m.has_queue) out.text(m.queue);
        if (What == 3 && m.has_consumer_tag) out.text(m.consumer_tag);
        if (What == 4 && m.has_type) out.text(m.type);
    });
}
void f_delivery_tag(const FieldContext& c, FieldOut& out) {
    each_method(c, [&](const AmqpMethod& m) {
        if (m.has_delivery_tag) out.uint(m.delivery_tag);
    });
}
template <int What>  // 0 multiple, 1 requeue
void f_flag(const FieldContext& c, FieldOut& out) {
    each_method(c, [&](const AmqpMethod& m) {
        if (What == 0 && m.has_multiple) out.boolean(m.multiple);
        if (What == 1 && m.has_requeue) out.boolean(m.requeue);
    });
}
template <int What>  // 0 message_count, 1 consumer_count, 2 prefetch_count
void f_count(const FieldContext& c, FieldOut& out) {
    each_method(c, [&](const AmqpMethod& m) {
        if (What == 0 && m.has_message_count) out.uint(m.message_count);
        if (What == 1 && m.has_consumer_count) out.uint(m.consumer_count);
        if (What == 2 && m.has_prefetch) out.uint(m.prefetch_count);
    });
}
template <int What>  // 0 class, 1 weight, 2 body-size, 3 property-flags
void f_header(const FieldContext& c, FieldOut& out) {
    each_header(c, [&](const AmqpContentHeader& h) {
        if (What == 0 && !h.truncated) out.uint(h.class_id);
        if (What == 1 && !h.truncated) out.uint(h.weight);
        if (What == 2 && !h.truncated) out.uint(h.body_size);
        if (What == 3 && !h.truncated) out.hex(h.flags, 4);
    });
}
void f_content_type(const FieldContext& c, FieldOut& out) {
    each_header(c, [&](const AmqpContentHeader& h) {
        if (h.has_content_type) out.text(h.content_type);
    });
}
void f_delivery_mode(const FieldContext& c, FieldOut& out) {
    each_header(c, [&](const AmqpContentHeader& h) {
        if (h.has_delivery_mode) out.uint(h.delivery_mode);
    });
}
void f_anomaly(const FieldContext& c, FieldOut& out) {
    const AmqpAnomaly a = walk(c.pkt, *c.layer, [](const AmqpFrame&) {});
    if (a != AmqpAnomaly::None) out.raw(amqp_anomaly_name(a));
}

const FieldDef kFields[] = {
    {"amqp.type", "Type", f_type},
    {"amqp.channel", "Channel", f_channel},
    {"amqp.length", "Length", f_length},
    {"amqp.method.class", "Class", f_method_id<0>},
    {"amqp.method.method", "Method", f_method_id<1>},
    {"amqp.method.arguments.version_major", "Version-Major", f_start<0>},
    {"amqp.method.arguments.version_minor", "Version-Minor", f_start<1>},
    {"amqp.method.arguments.mechanism", "Mechanism", f_mechanism},
    {"amqp.method.arguments.channel_max", "Channel-Max", f_tune<0>},
    {"amqp.method.arguments.frame_max", "Frame-Max", f_tune<1>},
    {"amqp.method.arguments.heartbeat", "Heartbeat", f_tune<2>},
    {"amqp.method.arguments.virtual_host", "Virtual-Host", f_vhost},
    {"amqp.method.arguments.reply_code", "Reply-Code", f_close<0>},
    {"amqp.method.arguments.reply_text", "Reply-Text", f_close<1>},
    {"amqp.method.arguments.class_id", "Class-Id", f_close<2>},
    {"amqp.method.arguments.method_id", "Method-Id", f_close<3>},
    {"amqp.method.arguments.exchange", "Exchange", f_name<0>},
    {"amqp.method.arguments.type", "Type", f_name<4>},
    {"amqp.method.arguments.routing_key", "Routing-Key", f_name<1>},
    {"amqp.method.arguments.queue", "Queue", f_name<2>},
    {"amqp.method.arguments.consumer_tag", "Consumer-Tag", f_name<3>},
    {"amqp.method.arguments.delivery_tag", "Delivery-Tag", f_delivery_tag},
    {"amqp.method.arguments.multiple", "Multiple", f_flag<0>},
    {"amqp.method.arguments.requeue", "Requeue", f_flag<1>},
    {"amqp.method.arguments.message_count", "Message-Count", f_count<0>},
    {"amqp.method.arguments.consumer_count", "Consumer-Count", f_count<1>},
    {"amqp.method.arguments.prefetch_count", "Prefetch-Count", f_count<2>},
    {"amqp.header.class", "Class ID", f_header<0>},
    {"amqp.header.weight", "Weight", f_header<1>},
    {"amqp.header.body-size", "Body size", f_header<2>},
    {"amqp.header.property-flags", "Property flags", f_header<3>},
    {"amqp.method.properties.content_type", "Content-Type", f_content_type},
    {"amqp.method.properties.delivery_mode", "Delivery-Mode", f_delivery_mode},
    {"netdx.amqp.anomaly", "Parse anomaly", f_anomaly},
};

}  // namespace

// True when the layer holds the protocol header alone: tshark shows its
// columns but no amqp tree (dissectors/frame.cpp leaves it out of
// frame.protocols).
bool amqp_protocol_header_only(const Packet& pkt, const Layer& l) {
    const std::string_view s = layer_text(pkt, l);
    return s.size() == 8 && s.substr(0, 4) == "AMQP";
}

const DissectorDef amqp_dissector = {Proto::Amqp, "amqp", "AMQP", decode, amqp_info, kFields, {}};

}  // namespace netdx
