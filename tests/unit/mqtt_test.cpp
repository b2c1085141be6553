// MQTT: the shared framer (dissectors/mqtt/mqtt_stream) over whole,
// split-at-every-byte, truncated and hostile streams; field reading for 3.1.1
// and 5; the analysis consumer (src/app/mqtt.cpp) pairing by packet id; the
// MQTT rules (src/rules/rules_mqtt.cpp), keep-alive timeouts included.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "app/app_stream.hpp"
#include "dissectors/mqtt/mqtt_stream.hpp"
#include "events/mqtt_events.hpp"
#include "flow/flow.hpp"
#include "framer_feed.hpp"
#include "rules_helpers.hpp"

using namespace netdx;

namespace {

std::string u16(unsigned v) { return {static_cast<char>(v >> 8), static_cast<char>(v & 0xff)}; }
std::string str(std::string_view s) { return u16(static_cast<unsigned>(s.size())) + std::string(s); }
// A control packet: header byte, remaining length (variable byte integer), body.
std::string pkt(unsigned header, const std::string& body) {
    std::string out(1, static_cast<char>(header));
    std::size_t n = body.size();
    do {
        unsigned char b = n & 0x7f;
        n >>= 7;
        if (n) b |= 0x80;
        out.push_back(static_cast<char>(b));
    } while (n);
    return out + body;
}
std::string connect(int version, std::string_view id, std::string_view user) {
    std::string body = str("MQTT") + static_cast<char>(version) + static_cast<char>(0x82) + u16(60);
    if (version == 5) body.push_back(0);  // no properties
    return pkt(0x10, body + str(id) + str(user));
}
std::string connack(std::uint8_t code, int version) {
    std::string body{0, static_cast<char>(code)};
    if (version == 5) body.push_back(0);
    return pkt(0x20, body);
}
std::string publish(int qos, unsigned id, std::string_view topic, std::string_view payload) {
    return pkt(0x30 | (qos << 1), str(topic) + (qos ? u16(id) : "") + std::string(payload));
}
std::string subscribe(unsigned id, std::string_view filter, int qos, int version) {
    return pkt(0x82, u16(id) + (version == 5 ? std::string(1, '\0') : "") + str(filter) + static_cast<char>(qos));
}
std::string suback(unsigned id, std::uint8_t code, int version) {
    return pkt(0x90, u16(id) + (version == 5 ? std::string(1, '\0') : "") + static_cast<char>(code));
}

struct Log final : FramerLog<MqttEvents> {
    void message(const MqttMessage& m) override {
        log.push_back(fmt::format("{}:{}:{}{}", m.type(), m.length, m.body.size(), m.body_cut ? "~" : ""));
    }
    void malformed(MqttAnomaly a) override { log.push_back(mqtt_anomaly_name(a)); }
};

std::vector<std::string> read(std::string_view bytes, std::size_t chunk) {
    MqttReader r;
    Log ev;
    return read_in_chunks(r, ev, bytes, chunk);
}

struct Session : ConsumerFeed {
    std::vector<MqttTransaction> tx;
    Session() : ConsumerFeed(1883) { bus.subscribe<&Session::on_mqtt>(this); }
    void on_mqtt(const MqttTransaction& t) { tx.push_back(t); }
};

}  // namespace

TEST_CASE("mqtt reader: packets split at every byte read as in one piece") {
    const std::string s = connect(4, "dev-1", "alice") + publish(1, 7, "a/b", "hello") + pkt(0xc0, "") +
                          publish(0, 0, "x", std::string(300, 'p'));  // a two-byte remaining length
    const auto whole = read(s, s.size());
    CHECK(whole.size() == 12);
    CHECK(whole[1] == "1:24:24");
    CHECK(whole[7] == "12:0:0");
    CHECK(whole[10] == "3:303:303");
    for (std::size_t chunk = 1; chunk < 8; ++chunk) CHECK(read(s, chunk) == whole);
    // Cut anywhere: the complete packets before the cut are reported, no other.
    for (std::size_t cut = 0; cut < s.size(); ++cut) {
        const auto part = read(s.substr(0, cut), 3);
        std::size_t ends = 0;
        for (const auto& l : part) ends += l.rfind("end@", 0) == 0;
        CHECK(ends <= 4);
        CHECK(std::find(part.begin(), part.end(), "mqtt.bad_type") == part.end());
    }
}

TEST_CASE("mqtt reader: hostile lengths are skipped, never buffered; bad headers stop the stream") {
    // A body over kKeep: counted and skipped, only kKeep bytes kept.
    std::string big = pkt(0x30, str("t") + std::string(5000, 'x'));
    MqttReader r;
    Log ev;
    r.feed(big, ev);
    REQUIRE(ev.log.size() == 3);
    CHECK(ev.log[1] == fmt::format("3:5003:{}~", MqttReader::kKeep));
    const std::string hostile = std::string("\x30\xff\xff\xff\x7f", 5) + std::string(100, 'y');
    MqttReader r2;
    Log ev2;
    r2.feed(hostile, ev2);
    CHECK(ev2.log.size() == 1);  // started, never ended: 268 MB announced, 100 bytes seen
    CHECK(r2.in_message());
    r2.gap(268435455 - 100, ev2);  // the rest lost: the framing still holds
    CHECK(ev2.log.size() == 3);
    CHECK(read(std::string("\x30\xff\xff\xff\xff\x01", 6), 1).back() == "mqtt.bad_length");
    CHECK(read(std::string("\x00\x00", 2), 2).back() == "mqtt.bad_type");
}

TEST_CASE("mqtt fields: 3.1.1 and 5 CONNECT, CONNACK, SUBSCRIBE, SUBACK") {
    struct One final : MqttEvents {
        std::vector<MqttFields> f;
        int version;
        explicit One(int v) : version(v) {}
        void message(const MqttMessage& m) override { f.push_back(mqtt_fields(m, version)); }
    };
    for (int v : {4, 5}) {
        One ev(v);
        MqttReader r;
        r.feed(connect(v, "id-1", "bob") + connack(5, v) + subscribe(3, "s/#", 1, v) + suback(3, 0x80, v), ev);
        REQUIRE(ev.f.size() == 4);
        CHECK(ev.f[0].version == v);
        CHECK(ev.f[0].clientid == "id-1");
        CHECK(ev.f[0].username == "bob");
        CHECK(ev.f[0].keepalive == 60);
        CHECK(ev.f[1].code == 5);
        CHECK(ev.f[2].n_filters == 1);
        CHECK(ev.f[2].filters[0] == "s/#");
        CHECK(ev.f[2].msgid == 3);
        CHECK(ev.f[3].n_codes == 1);
        CHECK(ev.f[3].codes[0] == 0x80);
        CHECK(!ev.f[3].truncated);
    }
    // Unknown version (no CONNECT seen): a 5 SUBSCRIBE is told from a 3.1.1 one by its shape.
    One guess(0);
    MqttReader r;
    r.feed(subscribe(9, "a/b", 2, 5), guess);
    REQUIRE(guess.f.size() == 1);
    CHECK(guess.f[0].filters[0] == "a/b");
    CHECK(guess.f[0].filter_qos[0] == 2);
}

TEST_CASE("mqtt consumer: connect refused, QoS 0/1/2 publishes paired, subscriptions, pings; split at every byte") {
    for (std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{5}}) {
        Session s;
        s.send(0, connect(4, "dev-1", "alice"), 1.0, chunk);
        s.send(1, connack(0, 4), 1.01, chunk);
        s.send(0, publish(0, 0, "t/0", "x") + publish(1, 1, "t/1", "y") + publish(2, 2, "t/2", "z"), 1.1, chunk);
        s.send(1, pkt(0x40, u16(1)) + pkt(0x50, u16(2)), 1.2, chunk);  // PUBACK 1, PUBREC 2
        s.send(0, pkt(0x62, u16(2)), 1.3, chunk);                        // PUBREL 2
        s.send(1, pkt(0x70, u16(2)), 1.4, chunk);                        // PUBCOMP 2
        s.send(0, subscribe(3, "secret/#", 1, 4), 1.5, chunk);
        s.send(1, suback(3, 0x80, 4), 1.6, chunk);
        s.send(0, pkt(0xc0, ""), 2.0, chunk);
        s.send(1, pkt(0xd0, ""), 2.05, chunk);
        s.send(0, publish(1, 4, "t/lost", "w"), 3.0, chunk);
        s.c->on_close(EndReason::Fin);
        REQUIRE(s.tx.size() == 7);
        CHECK(s.tx[0].kind == MqttKind::Connect);
        CHECK(s.tx[0].outcome == MqttOutcome::Ok);
        CHECK(s.tx[0].client_id == "dev-1");
        CHECK(s.tx[1].kind == MqttKind::Publish);
        CHECK(s.tx[1].qos == 0);
        CHECK(s.tx[2].topic == "t/1");
        CHECK(s.tx[2].outcome == MqttOutcome::Ok);
        CHECK(s.tx[2].latency == doctest::Approx(0.1));
        CHECK(s.tx[3].topic == "t/2");  // completed by PUBCOMP, not PUBREC
        CHECK(s.tx[3].latency == doctest::Approx(0.3));
        CHECK(s.tx[4].kind == MqttKind::Subscribe);
        CHECK(s.tx[4].outcome == MqttOutcome::Refused);
        CHECK(s.tx[4].code == 0x80);
        CHECK(s.tx[4].topic == "secret/#");
        CHECK(s.tx[5].kind == MqttKind::Ping);
        CHECK(s.tx[6].kind == MqttKind::Publish);
        CHECK(s.tx[6].outcome == MqttOutcome::Unanswered);
        CHECK(!s.tx[6].at_capture_end);
    }
    Session bad;
    bad.send(0, connect(5, "intruder", "alice"), 1.0);
    bad.send(1, connack(0x86, 5), 1.1);
    REQUIRE(bad.tx.size() == 1);
    CHECK(bad.tx[0].outcome == MqttOutcome::Refused);
    CHECK(bad.tx[0].code == 0x86);
    CHECK(bad.tx[0].version == 5);
}

TEST_CASE("mqtt consumer: a gap outside a body stops pairing without unanswered reports") {
    Session s;
    s.send(0, connect(4, "c", "u"), 1.0);
    s.send(1, connack(0, 4), 1.1);
    s.send(0, publish(1, 1, "t", "x"), 1.2);
    s.c->on_gap(1, 10);
    s.c->on_close(EndReason::Fin);
    CHECK(s.tx.size() == 1);
}

namespace {
MqttTransaction mtx(MqttKind kind, MqttOutcome o, std::uint8_t code, double ts, std::uint64_t frame) {
    MqttTransaction t;
    t.kind = kind;
    t.outcome = o;
    t.code = code;
    t.client = rt::lan(2);
    t.server = rt::lan(9);
    t.client_port = 40000;
    t.server_port = 1883;
    t.version = 4;
    t.client_id = "dev";
    t.ts = ts;
    t.where = {0, frame + 1};
    t.request_frame = {0, frame};
    return t;
}
}  // namespace

TEST_CASE("mqtt rules: refused connects per broker, refused subscriptions per filter, unacknowledged publishes") {
    rt::Run run;
    for (int i = 0; i < 3; ++i) run->publish(mtx(MqttKind::Connect, MqttOutcome::Refused, 5, 1 + i, 10 + 2 * static_cast<unsigned>(i)));
    MqttTransaction sub = mtx(MqttKind::Subscribe, MqttOutcome::Refused, 0x80, 5, 30);
    sub.topic = "secret/#";
    run->publish(sub);
    MqttTransaction lost = mtx(MqttKind::Publish, MqttOutcome::Unanswered, 0, 6, 40);
    lost.qos = 1;
    run->publish(lost);
    MqttTransaction at_end = lost;  // still waiting when the capture ended: not counted
    at_end.at_capture_end = true;
    run->publish(at_end);
    for (int i = 0; i < 200; ++i) {  // healthy traffic: accepted, acknowledged, granted
        run->publish(mtx(MqttKind::Connect, MqttOutcome::Ok, 0, 10 + i, 100 + 4 * static_cast<unsigned>(i)));
        MqttTransaction p = mtx(MqttKind::Publish, MqttOutcome::Ok, 0, 10 + i, 102 + 4 * static_cast<unsigned>(i));
        p.qos = 2;
        run->publish(p);
    }
    const auto fs = run.finish();
    CHECK(rt::count(fs, "mqtt.connect_refused") == 1);
    CHECK(rt::count(fs, "mqtt.subscribe_refused") == 1);
    CHECK(rt::count(fs, "mqtt.publish_unacknowledged") == 1);
    const Finding* f = rt::get(fs, "mqtt.connect_refused");
    REQUIRE(f);
    CHECK(f->title.find("refused 3") != std::string::npos);
    CHECK(f->detail.find("not authorised") != std::string::npos);
    CHECK(f->evidence.total == 6);
    CHECK(rt::has_host(*f, "10.9.0.9"));
    const Finding* u = rt::get(fs, "mqtt.publish_unacknowledged");
    REQUIRE(u);
    CHECK(u->title.rfind("1 QoS", 0) == 0);
}

namespace {
std::string connect_ka(unsigned keepalive) {
    return pkt(0x10, str("MQTT") + static_cast<char>(4) + static_cast<char>(0x02) + u16(keepalive) + str("idle"));
}
// Keep-alive K: CONNECT at 1.0 (frame 1) answered `code`, PINGREQ at 2.0
// (frame 3) and its PINGRESP, a DISCONNECT at 2.5 when `bye`, then the end at
// `end` for `why`; the keep-alive events the consumer published.
std::vector<MqttTransaction> idle(unsigned ka, double end, EndReason why, bool bye = false, std::uint8_t code = 0) {
    Session s;
    s.send(0, connect_ka(ka), 1.0);
    s.send(1, connack(code, 4), 1.01);
    s.send(0, pkt(0xc0, ""), 2.0);
    s.send(1, pkt(0xd0, ""), 2.01);
    if (bye) s.send(0, pkt(0xe0, ""), 2.5);
    s.clock.where = {0, ++s.frame};
    s.clock.ts = end;
    s.c->on_close(why);
    std::vector<MqttTransaction> out;
    for (const MqttTransaction& t : s.tx)
        if (t.kind == MqttKind::KeepAliveTimeout) out.push_back(t);
    return out;
}
}  // namespace

TEST_CASE("mqtt consumer: keep-alive timeout past 1.5 K at the close or the capture's end; K 0, DISCONNECT, refused") {
    // K 2 s: the broker's limit is 3 s after the last packet (2.0).
    const auto closed = idle(2, 5.5, EndReason::Fin);
    REQUIRE(closed.size() == 1);
    CHECK(closed[0].silence == doctest::Approx(3.5));
    CHECK(closed[0].keepalive == 2);
    CHECK(!closed[0].at_capture_end);
    CHECK(closed[0].request_frame.frame == 1);  // the CONNECT
    CHECK(closed[0].last_heard.frame == 3);     // the PINGREQ
    CHECK(closed[0].where.frame == 5);          // the end
    CHECK(idle(2, 4.9, EndReason::Fin).empty());   // within 1.5 K
    CHECK(idle(2, 4.9, EndReason::Open).empty());  // the capture stopped soon after the last packet
    const auto at_end = idle(2, 6.0, EndReason::Open);
    REQUIRE(at_end.size() == 1);
    CHECK(at_end[0].at_capture_end);
    CHECK(at_end[0].where.frame == 3);
    CHECK(idle(0, 600, EndReason::Fin).empty());              // K 0: keep-alive off
    CHECK(idle(2, 60, EndReason::Fin, true).empty());         // the client said DISCONNECT
    CHECK(idle(2, 60, EndReason::Rst, false, 5).empty());     // refused: no session to keep alive
}

TEST_CASE("mqtt rules: keep-alive timeouts, one finding per broker with the longest silence") {
    rt::Run run;
    for (unsigned i = 0; i < 2; ++i) {
        MqttTransaction t = mtx(MqttKind::KeepAliveTimeout, MqttOutcome::Ok, 0, 20 + i, 10 + 4 * i);
        t.keepalive = 5;
        t.silence = 8 + i;
        t.last_heard = {0, 12 + 4 * i};
        t.at_capture_end = i == 1;
        run->publish(t);
    }
    run->publish(mtx(MqttKind::Connect, MqttOutcome::Ok, 0, 30, 40));
    const auto fs = run.finish();
    REQUIRE(rt::count(fs, "mqtt.keepalive_timeout") == 1);
    const Finding* f = rt::get(fs, "mqtt.keepalive_timeout");
    CHECK(f->title.rfind("2 MQTT connection(s) to broker 10.9.0.9:1883", 0) == 0);
    CHECK(f->detail.find("up to 9.0 s with a keep-alive of 5 s") != std::string::npos);
    CHECK(f->detail.find("1 ended by a close, 1 still open") != std::string::npos);
    CHECK(f->evidence.total == 6);  // per connection: CONNECT, last frame heard, end
    CHECK(rt::has_host(*f, "10.9.0.2"));
}
