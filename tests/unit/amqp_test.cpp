// AMQP 0-9-1: the shared framer (dissectors/amqp/amqp_stream) over whole,
// split-at-every-byte, truncated and hostile streams; method and content
// header arguments; the analysis consumer (src/app/amqp.cpp): handshake,
// closes, publisher confirms, heartbeats; the AMQP rules
// (src/rules/rules_amqp.cpp).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "app/app_stream.hpp"
#include "dissectors/amqp/amqp_stream.hpp"
#include "events/amqp_events.hpp"
#include "flow/flow.hpp"
#include "framer_feed.hpp"
#include "rules_helpers.hpp"

using namespace netdx;

namespace {

std::string be(std::uint64_t v, int n) {
    std::string s;
    for (int i = n - 1; i >= 0; --i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    return s;
}
std::string sstr(std::string_view s) { return be(s.size(), 1) + std::string(s); }
std::string lstr(std::string_view s) { return be(s.size(), 4) + std::string(s); }
const std::string kProto("AMQP\0\0\x09\x01", 8);

std::string frame(int type, unsigned channel, const std::string& payload, char end = '\xce') {
    return be(static_cast<unsigned>(type), 1) + be(channel, 2) + be(payload.size(), 4) + payload + end;
}
std::string method(unsigned channel, unsigned cls, unsigned m, const std::string& args = "") {
    return frame(1, channel, be(cls, 2) + be(m, 2) + args);
}
std::string start_ok(std::string_view user, std::string_view pw) {
    return method(0, 10, 11, lstr("") + sstr("PLAIN") + lstr(std::string(1, '\0') + std::string(user) + '\0' + std::string(pw)) + sstr("en_US"));
}
std::string tune(unsigned cls_method, unsigned heartbeat) {
    return method(0, 10, cls_method, be(2047, 2) + be(131072, 4) + be(heartbeat, 2));
}
std::string close_m(unsigned channel, unsigned code, std::string_view text, unsigned c, unsigned m) {
    return method(channel, channel ? 20 : 10, channel ? 40 : 50, be(code, 2) + sstr(text) + be(c, 2) + be(m, 2));
}
std::string publish(unsigned ch, std::string_view x, std::string_view rk, std::string_view body) {
    return method(ch, 60, 40, be(0, 2) + sstr(x) + sstr(rk) + '\0') +
           frame(2, ch, be(60, 2) + be(0, 2) + be(body.size(), 8) + be(0x8000, 2) + sstr("text/plain")) +
           frame(3, ch, std::string(body));
}
std::string ack(unsigned ch, std::uint64_t tag, bool multiple, unsigned m = 80) {
    return method(ch, 60, m, be(tag, 8) + static_cast<char>(multiple ? 1 : 0));
}
std::string heartbeat() { return frame(8, 0, ""); }

struct Log final : FramerLog<AmqpEvents> {
    void message(const AmqpFrame& f) override {
        if (f.protocol_header) return log.push_back(fmt::format("proto {}.{}.{}.{}", f.proto[0], f.proto[1], f.proto[2], f.proto[3]));
        log.push_back(fmt::format("{}:{}:{}:{}{}", f.type, f.channel, f.size, f.payload.size(), f.payload_cut ? "~" : ""));
    }
    void malformed(AmqpAnomaly a) override { log.push_back(amqp_anomaly_name(a)); }
};

std::vector<std::string> read(std::string_view bytes, std::size_t chunk) {
    AmqpReader r;
    Log ev;
    return read_in_chunks(r, ev, bytes, chunk);
}

struct Session : ConsumerFeed {
    std::vector<AmqpTransaction> tx;
    Session() : ConsumerFeed(5672) { bus.subscribe<&Session::on_amqp>(this); }
    void on_amqp(const AmqpTransaction& t) { tx.push_back(t); }
    // Protocol header to open-ok, with a heartbeat of `hb` seconds.
    void open(unsigned hb, double ts, std::size_t chunk = 0) {
        send(0, kProto, ts, chunk);
        send(1, method(0, 10, 10, std::string("\0\x09", 2) + lstr("") + lstr("PLAIN") + lstr("en_US")), ts, chunk);
        send(0, start_ok("alice", "secret"), ts, chunk);
        send(1, tune(30, 60), ts, chunk);
        send(0, tune(31, hb) + method(0, 10, 40, sstr("/") + sstr("") + '\0'), ts, chunk);
        send(1, method(0, 10, 41, sstr("")), ts, chunk);
    }
    std::vector<const AmqpTransaction*> of(AmqpKind k) const {
        std::vector<const AmqpTransaction*> out;
        for (const auto& t : tx)
            if (t.kind == k) out.push_back(&t);
        return out;
    }
};

}  // namespace

TEST_CASE("amqp reader: frames split at every byte read as in one piece") {
    const std::string s = kProto + method(0, 10, 10, std::string("\0\x09", 2)) + heartbeat() +
                          publish(1, "orders", "eu", std::string(300, 'b'));
    const auto whole = read(s, s.size());
    REQUIRE(whole.size() == 18);
    CHECK(whole[1] == "proto 0.0.9.1");
    CHECK(whole[4] == "1:0:6:6");
    CHECK(whole[7] == "8:0:0:0");
    CHECK(whole[16] == "3:1:300:300");
    CHECK(whole.back() == "end@" + std::to_string(s.size()));
    for (std::size_t chunk = 1; chunk < 40; ++chunk) CHECK(read(s, chunk) == whole);
}

TEST_CASE("amqp reader: hostile sizes are skipped, never buffered; bad frames stop the stream") {
    // A body announcing 4 GiB - 1: the first kKeep bytes are kept, the rest skipped.
    AmqpReader r;
    Log ev;
    r.feed(be(3, 1) + be(1, 2) + be(0xffffffffu, 4) + std::string(5000, 'x'), ev);
    CHECK(ev.log.size() == 1);  // started, not ended
    CHECK(r.in_message());
    r.gap(0xffffffffull - 5000 - 10, ev);  // inside the payload: the framing holds
    CHECK(!r.stopped());
    r.feed(std::string(10, 'y') + "\xce" + heartbeat(), ev);
    REQUIRE(ev.log.size() == 6);
    CHECK(ev.log[1] == "3:1:4294967295:1024~");
    CHECK(ev.log[4] == "8:0:0:0");

    CHECK(read(frame(9, 0, ""), 1).back() == "amqp.bad_type");
    CHECK(read(std::string(1, '\0'), 1).back() == "amqp.bad_type");
    CHECK(read(frame(8, 0, "", 'x') + heartbeat(), 1).back() == "amqp.bad_frame_end");
    CHECK(read("ABCDEFGH" + heartbeat(), 3).back() == "amqp.bad_protocol_header");
    // AMQP 1.0 (SASL layer) shares the port: its header is reported, then nothing more is read.
    const auto v10 = read(std::string("AMQP\x03\x01\0\0", 8) + heartbeat(), 2);
    CHECK(v10[1] == "proto 3.1.0.0");
    CHECK(v10.back() == "amqp.not_0_9_1");
    // A gap outside a payload loses the framing.
    AmqpReader g;
    Log gl;
    g.feed(heartbeat(), gl);
    g.gap(5, gl);
    CHECK(g.stopped());
    CHECK(gl.log.back() == "amqp.stream_lost");
}

TEST_CASE("amqp arguments: tune, close, publish, deliver, ack, content header; cut payloads") {
    const std::string t = tune(31, 30);
    AmqpMethod m = amqp_method(t.substr(7, t.size() - 8));
    CHECK(m.has_tune);
    CHECK(m.heartbeat == 30);
    CHECK(m.frame_max == 131072);
    const std::string c = close_m(1, 404, "NOT_FOUND - no exchange 'x'", 60, 40);
    // The method's texts are views into the payload: it must outlive them.
    const std::string close_payload = c.substr(7, c.size() - 8);
    m = amqp_method(close_payload);
    CHECK(m.reply_code == 404);
    CHECK(m.reply_text == "NOT_FOUND - no exchange 'x'");
    CHECK(std::string(amqp_method_name(m.close_class, m.close_method)) == "Basic.Publish");
    CHECK(std::string(amqp_reply_name(406)) == "PRECONDITION_FAILED");
    const std::string d = method(1, 60, 60, sstr("ctag") + be(7, 8) + '\x01' + sstr("orders") + sstr("eu"));
    const std::string deliver_payload = d.substr(7, d.size() - 8);
    m = amqp_method(deliver_payload);
    CHECK(m.delivery_tag == 7);
    CHECK(m.redelivered);
    CHECK(m.exchange == "orders");
    CHECK(m.routing_key == "eu");
    const std::string a = ack(1, 9, true, 120);
    m = amqp_method(a.substr(7, a.size() - 8));
    CHECK(m.multiple);
    CHECK(!m.requeue);
    m = amqp_method(d.substr(7, 12));  // cut inside the delivery tag
    CHECK(m.truncated);
    CHECK(!m.has_delivery_tag);
    const std::string header_payload = be(60, 2) + be(0, 2) + be(5, 8) + be(0x9000, 2) + sstr("application/json") + '\x02';
    const AmqpContentHeader h = amqp_content_header(header_payload);
    CHECK(h.content_type == "application/json");
    CHECK(h.delivery_mode == 2);
    CHECK(amqp_content_header(be(60, 2) + be(0, 2) + be(5, 8) + be(0x8000, 2) + "\x10" "abc").truncated);
}

TEST_CASE("amqp consumer: handshake, confirms acked one by one and in a range, a nack; split at every byte") {
    for (std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{7}}) {
        Session s;
        s.open(10, 1.0, chunk);
        s.send(0, method(1, 20, 10, sstr("")) + method(1, 85, 10, std::string(1, '\0')), 1.1, chunk);
        for (int i = 0; i < 4; ++i) s.send(0, publish(1, "orders", "eu", "m"), 1.2 + 0.01 * i, chunk);
        s.send(1, ack(1, 1, false) + ack(1, 3, true) + ack(1, 4, false, 120), 1.3, chunk);
        s.send(0, ack(1, 5, false) + method(1, 60, 90, be(6, 8) + '\0'), 1.4, chunk);  // the client settles deliveries
        s.send(0, close_m(0, 200, "Normal shutdown", 0, 0), 1.5, chunk);
        s.c->on_close(EndReason::Fin);
        const auto opens = s.of(AmqpKind::Open);
        REQUIRE(opens.size() == 1);
        CHECK(opens[0]->user == "alice");
        CHECK(opens[0]->vhost == "/");
        CHECK(opens[0]->heartbeat == 10);
        const auto pubs = s.of(AmqpKind::Publish);
        REQUIRE(pubs.size() == 4);
        for (int i = 0; i < 3; ++i) {
            CHECK(pubs[static_cast<std::size_t>(i)]->outcome == AmqpOutcome::Ok);
            CHECK(pubs[static_cast<std::size_t>(i)]->delivery_tag == static_cast<std::uint64_t>(i + 1));
        }
        CHECK(pubs[3]->outcome == AmqpOutcome::Nacked);
        CHECK(pubs[0]->latency == doctest::Approx(0.1));
        CHECK(pubs[1]->exchange == "orders");
        const auto settles = s.of(AmqpKind::Settle);
        REQUIRE(settles.size() == 2);
        CHECK(settles[1]->method == 90);
        CHECK(settles[1]->delivery_tag == 6);
        const auto closes = s.of(AmqpKind::ConnectionClose);
        REQUIRE(closes.size() == 1);
        CHECK(closes[0]->outcome == AmqpOutcome::Ok);
        CHECK(!closes[0]->by_broker);
        CHECK(s.of(AmqpKind::MissedHeartbeat).empty());
    }
}

TEST_CASE("amqp consumer: refusals, channel errors with pending confirms, unconfirmed publishes") {
    Session refused;
    refused.send(0, kProto, 1.0);
    refused.send(0, start_ok("mallory", "guess"), 1.1);
    refused.send(1, close_m(0, 403, "ACCESS_REFUSED - Login was refused", 0, 0), 1.2);
    refused.c->on_close(EndReason::Rst);
    const auto r = refused.of(AmqpKind::ConnectionClose);
    REQUIRE(r.size() == 1);
    CHECK(r[0]->handshake);
    CHECK(r[0]->by_broker);
    CHECK(r[0]->reply_code == 403);
    CHECK(r[0]->user == "mallory");
    CHECK(r[0]->outcome == AmqpOutcome::Error);

    Session s;
    s.open(0, 1.0);
    s.send(0, method(1, 85, 10, std::string(1, '\0')) + method(2, 85, 10, std::string(1, '\0')), 1.1);
    s.send(0, publish(1, "invoices", "new", "x") + publish(2, "", "jobs", "y"), 1.2);
    s.send(1, close_m(1, 404, "NOT_FOUND - no exchange 'invoices'", 60, 40), 1.3);
    s.c->on_close(EndReason::Fin);  // channel 2's publish was never confirmed
    const auto ch = s.of(AmqpKind::ChannelClose);
    REQUIRE(ch.size() == 1);
    CHECK(ch[0]->reply_code == 404);
    CHECK(ch[0]->cause_class == 60);
    CHECK(ch[0]->cause_method == 40);
    CHECK(!ch[0]->handshake);
    const auto pubs = s.of(AmqpKind::Publish);
    REQUIRE(pubs.size() == 2);
    CHECK(pubs[0]->outcome == AmqpOutcome::ChannelClosed);
    CHECK(pubs[0]->channel == 1);
    CHECK(pubs[1]->outcome == AmqpOutcome::Unconfirmed);
    CHECK(pubs[1]->routing_key == "jobs");
    CHECK(!pubs[1]->at_capture_end);
}

TEST_CASE("amqp consumer: a side silent past twice the heartbeat; none while both beat") {
    Session ok;
    ok.open(2, 1.0);
    for (int i = 1; i <= 10; ++i) {
        ok.send(1, heartbeat(), 1.0 + i);
        ok.send(0, heartbeat(), 1.05 + i);
    }
    ok.c->on_close(EndReason::Open);
    CHECK(ok.of(AmqpKind::MissedHeartbeat).empty());

    Session stuck;  // the client goes quiet; the broker beats on, then drops it
    stuck.open(2, 1.0);
    for (int i = 1; i <= 5; ++i) stuck.send(1, heartbeat(), 1.0 + i);
    stuck.clock.ts = 7.0;
    stuck.c->on_close(EndReason::Rst);
    const auto m = stuck.of(AmqpKind::MissedHeartbeat);
    REQUIRE(m.size() == 1);
    CHECK(m[0]->client_silent);
    CHECK(m[0]->connection_ended);
    CHECK(m[0]->silence == doctest::Approx(6.0));
    CHECK(m[0]->heartbeat == 2);

    Session late;  // the broker's frames come 5 s apart: missed, though the connection lives on
    late.open(2, 1.0);
    late.send(0, heartbeat(), 2.0);
    late.send(0, heartbeat(), 4.0);
    late.send(1, heartbeat(), 6.0);
    late.send(0, close_m(0, 200, "bye", 0, 0), 6.0);
    late.c->on_close(EndReason::Fin);
    const auto l = late.of(AmqpKind::MissedHeartbeat);
    REQUIRE(l.size() == 1);
    CHECK(!l[0]->client_silent);
    CHECK(!l[0]->connection_ended);
}

namespace {
std::vector<const Finding*> all_of(const std::vector<Finding>& fs, std::string_view id) {
    std::vector<const Finding*> out;
    for (const Finding& f : fs)
        if (f.def->id == id) out.push_back(&f);
    return out;
}
AmqpTransaction atx(AmqpKind kind, AmqpOutcome o, std::uint16_t code, double ts, std::uint64_t frame) {
    AmqpTransaction t;
    t.kind = kind;
    t.outcome = o;
    t.reply_code = code;
    t.by_broker = true;
    t.client = rt::lan(2);
    t.server = rt::lan(9);
    t.client_port = 40000;
    t.server_port = 5672;
    t.user = "alice";
    t.vhost = std::string(1, '/');  // not = "/": g++ 12 -O3 -Wrestrict false positive (PR 105651)
    t.ts = ts;
    t.where = {0, frame + 1};
    t.request_frame = {0, frame};
    return t;
}
}  // namespace

TEST_CASE("amqp rules: one finding per broker and cause, none for healthy traffic") {
    rt::Run run;
    for (int i = 0; i < 3; ++i) {
        AmqpTransaction t = atx(AmqpKind::ConnectionClose, AmqpOutcome::Error, 403, 1 + i, 10 + 2 * static_cast<unsigned>(i));
        t.handshake = true;
        t.reply_text = "ACCESS_REFUSED - Login was refused";
        run->publish(t);
    }
    AmqpTransaction vhost = atx(AmqpKind::ConnectionClose, AmqpOutcome::Error, 530, 5, 20);
    vhost.handshake = true;
    run->publish(vhost);
    run->publish(atx(AmqpKind::ConnectionClose, AmqpOutcome::Error, 320, 6, 22));
    for (std::uint16_t code : {404, 404, 406}) {
        AmqpTransaction c = atx(AmqpKind::ChannelClose, AmqpOutcome::Error, code, 7, 30 + code);
        c.cause_class = code == 404 ? 60 : 50;
        c.cause_method = code == 404 ? 40 : 10;
        c.reply_text = code == 404 ? "NOT_FOUND - no exchange 'invoices'" : "PRECONDITION_FAILED - inequivalent arg";
        run->publish(c);
    }
    run->publish(atx(AmqpKind::Publish, AmqpOutcome::Nacked, 0, 8, 50));
    run->publish(atx(AmqpKind::Publish, AmqpOutcome::Nacked, 0, 8, 52));
    run->publish(atx(AmqpKind::Publish, AmqpOutcome::Unconfirmed, 0, 8, 54));
    AmqpTransaction at_end = atx(AmqpKind::Publish, AmqpOutcome::Unconfirmed, 0, 8, 56);
    at_end.at_capture_end = true;  // its ack may be after the end of the capture
    run->publish(at_end);
    run->publish(atx(AmqpKind::Publish, AmqpOutcome::ChannelClosed, 0, 8, 58));  // the 404's finding
    AmqpTransaction hb = atx(AmqpKind::MissedHeartbeat, AmqpOutcome::Error, 0, 9, 60);
    hb.client_silent = true;
    hb.silence = 6;
    hb.heartbeat = 2;
    hb.connection_ended = true;
    run->publish(hb);
    for (int i = 0; i < 200; ++i) {  // healthy traffic: opened, confirmed, closed normally
        run->publish(atx(AmqpKind::Open, AmqpOutcome::Ok, 0, 10 + i, 100 + 4 * static_cast<unsigned>(i)));
        run->publish(atx(AmqpKind::Publish, AmqpOutcome::Ok, 0, 10 + i, 101 + 4 * static_cast<unsigned>(i)));
        AmqpTransaction bye = atx(AmqpKind::ConnectionClose, AmqpOutcome::Ok, 200, 10 + i, 102 + 4 * static_cast<unsigned>(i));
        bye.by_broker = false;
        run->publish(bye);
    }
    const auto fs = run.finish();
    CHECK(rt::count(fs, "amqp.connection_refused") == 2);  // 403 and 530
    CHECK(rt::count(fs, "amqp.connection_closed") == 1);
    CHECK(rt::count(fs, "amqp.channel_error") == 2);  // 404 and 406
    CHECK(rt::count(fs, "amqp.publish_unconfirmed") == 2);  // nacked, never confirmed
    CHECK(rt::count(fs, "amqp.missed_heartbeats") == 1);
    bool saw403 = false;
    for (const Finding* f : all_of(fs, "amqp.connection_refused")) {
        if (f->title.find("403 ACCESS_REFUSED") == std::string::npos) continue;
        saw403 = true;
        CHECK(f->title.find("refused 3") != std::string::npos);
        CHECK(f->detail.find("Login was refused\" x3") != std::string::npos);
        CHECK(f->evidence.total == 6);
        CHECK(rt::has_host(*f, "10.9.0.9"));
    }
    CHECK(saw403);
    for (const Finding* f : all_of(fs, "amqp.channel_error"))
        if (f->title.find("404") != std::string::npos) {
            CHECK(f->title.find("closed 2 channel") != std::string::npos);
            CHECK(f->detail.find("Basic.Publish x2") != std::string::npos);
        }
    for (const Finding* f : all_of(fs, "amqp.publish_unconfirmed"))
        CHECK(f->figures[0].value == (f->key.find("nacked") != std::string::npos ? 2.0 : 1.0));
}
