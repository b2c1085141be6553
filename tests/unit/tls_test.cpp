#include <doctest/doctest.h>

#include "events/tls_events.hpp"
#include "flow/flow.hpp"
#include "app_test_helpers.hpp"

namespace netdx {
extern const AppProtocol kTlsProtocol;
}

using namespace netdx;

namespace {

using Buf = std::vector<std::uint8_t>;

void put16(Buf& b, std::size_t v) { b.push_back(std::uint8_t(v >> 8)); b.push_back(std::uint8_t(v)); }
void put24(Buf& b, std::size_t v) { b.push_back(std::uint8_t(v >> 16)); put16(b, v & 0xffff); }

Buf ext(std::uint16_t type, const Buf& data) {
    Buf b;
    put16(b, type);
    put16(b, data.size());
    b.insert(b.end(), data.begin(), data.end());
    return b;
}

// A ClientHello offering TLS 1.2 and 1.3 (with a GREASE value) to "www.example".
Buf client_hello(std::uint16_t legacy, bool with_versions) {
    Buf body;
    put16(body, legacy);
    body.insert(body.end(), 32, 0x11);  // random
    body.push_back(0);                  // session id
    put16(body, 6); put16(body, 0x1301); put16(body, 0xc02f); put16(body, 0x00ff);
    body.push_back(1); body.push_back(0);  // compression: null
    Buf exts;
    const std::string name = "www.example";
    Buf sni;
    put16(sni, name.size() + 3);
    sni.push_back(0);
    put16(sni, name.size());
    sni.insert(sni.end(), name.begin(), name.end());
    Buf e = ext(0, sni);
    exts.insert(exts.end(), e.begin(), e.end());
    Buf alpn = {0, 12, 2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    e = ext(16, alpn);
    exts.insert(exts.end(), e.begin(), e.end());
    if (with_versions) {
        Buf v = {6, 0x3a, 0x3a, 0x03, 0x04, 0x03, 0x03};
        e = ext(43, v);
        exts.insert(exts.end(), e.begin(), e.end());
    }
    put16(body, exts.size());
    body.insert(body.end(), exts.begin(), exts.end());
    Buf msg = {1};
    put24(msg, body.size());
    msg.insert(msg.end(), body.begin(), body.end());
    return msg;
}

Buf record(std::uint8_t type, const Buf& frag, std::uint16_t version = 0x0301) {
    Buf r = {type};
    put16(r, version);
    put16(r, frag.size());
    r.insert(r.end(), frag.begin(), frag.end());
    return r;
}

Buf server_hello(std::uint16_t version) {
    Buf body;
    put16(body, 0x0303);
    body.insert(body.end(), 32, 0x22);
    body.push_back(0);
    put16(body, 0xc02f);
    body.push_back(0);
    Buf exts;
    if (version == kTls13) {
        Buf v;
        put16(v, kTls13);
        exts = ext(43, v);
    }
    put16(body, exts.size());
    body.insert(body.end(), exts.begin(), exts.end());
    Buf msg = {2};
    put24(msg, body.size());
    msg.insert(msg.end(), body.begin(), body.end());
    return msg;
}

struct Recorder {
    EventBus bus;
    Recorder() {
        bus.subscribe<&Recorder::on_tls>(this);
    }
    std::vector<TlsSession> sessions;
    void on_tls(const TlsSession& s) { sessions.push_back(s); }
};

struct Fixture {
    Recorder sink;
    AppClock clock;
    std::unique_ptr<StreamConsumer> c = kTlsProtocol.make(netdx::test::endpoints(443), AppContext{sink.bus, clock});
    void at(std::uint64_t frame) { clock = AppClock{FrameRef{0, frame}, static_cast<double>(frame)}; }
    void send(int dir, const Buf& b) { c->on_data(dir, Bytes(b.data(), b.size())); }
};

}  // namespace

TEST_CASE("tls: ClientHello split over two records and byte-sized segments; protocol_version alert from the server") {
    Fixture f;
    const Buf hello = client_hello(0x0303, true);
    const std::size_t half = hello.size() / 2;
    Buf stream = record(22, Buf(hello.begin(), hello.begin() + half));
    const Buf second = record(22, Buf(hello.begin() + half, hello.end()));
    stream.insert(stream.end(), second.begin(), second.end());
    f.at(4);
    for (std::uint8_t b : stream) f.send(0, Buf{b});
    f.at(6);
    f.send(1, record(21, Buf{2, 70}));
    f.c->on_close(EndReason::Fin);
    REQUIRE(f.sink.sessions.size() == 1);
    const TlsSession& s = f.sink.sessions[0];
    CHECK(s.client_hello);
    CHECK(s.client_legacy_version == kTls12);
    CHECK(s.client_max_version == kTls13);  // GREASE 0x3a3a ignored
    CHECK(s.sni == "www.example");
    CHECK(s.alpn == "h2,http/1.1");
    CHECK(s.cipher_count == 3);
    CHECK_FALSE(s.server_hello);
    REQUIRE(s.alerts.size() == 1);
    CHECK_FALSE(s.alerts[0].from_client);
    CHECK(s.alerts[0].level == 2);
    CHECK(s.alerts[0].description == 70);
    CHECK(s.alerts[0].where.frame == 6);
    CHECK_FALSE(s.completed);
    CHECK(tls_alert_name(70) == "protocol_version");
}

TEST_CASE("tls: TLS 1.2 handshake completes with both ChangeCipherSpec; later alerts are encrypted") {
    Fixture f;
    f.send(0, record(22, client_hello(0x0301, false)));
    f.send(1, record(22, server_hello(kTls12), 0x0303));
    f.send(0, record(20, Buf{1}, 0x0303));
    f.send(0, record(22, Buf(40, 0x55), 0x0303));  // encrypted Finished
    f.send(1, record(20, Buf{1}, 0x0303));
    f.c->on_close(EndReason::Fin);
    REQUIRE(f.sink.sessions.size() == 1);
    const TlsSession& s = f.sink.sessions[0];
    CHECK(s.client_max_version == kTls10);
    CHECK(s.version == kTls12);
    CHECK(s.cipher == 0xc02f);
    CHECK(s.completed);
    CHECK_FALSE(s.malformed);
}

TEST_CASE("tls: TLS 1.3 via supported_versions; middlebox CCS alone is not completion; an alert-sized client record is an encrypted alert") {
    Fixture f;
    f.send(0, record(22, client_hello(0x0303, true)));
    f.send(1, record(22, server_hello(kTls13), 0x0303));
    f.send(1, record(20, Buf{1}, 0x0303));
    f.send(1, record(23, Buf(900, 0x33), 0x0303));
    f.send(0, record(20, Buf{1}, 0x0303));
    f.send(0, record(23, Buf(19, 0x44), 0x0303));
    f.c->on_close(EndReason::Fin);
    REQUIRE(f.sink.sessions.size() == 1);
    const TlsSession& s = f.sink.sessions[0];
    CHECK(s.version == kTls13);
    CHECK_FALSE(s.completed);
    REQUIRE(s.alerts.size() == 1);
    CHECK(s.alerts[0].encrypted);
    CHECK(s.alerts[0].from_client);
}

TEST_CASE("tls: malformed records, cut handshakes and gaps") {
    SUBCASE("a record header that is not TLS after a valid record") {
        Fixture f;
        f.send(0, record(22, client_hello(0x0303, false)));
        f.send(0, Buf{22, 9, 9, 0, 1, 0});
        f.c->on_close(EndReason::Fin);
        REQUIRE(f.sink.sessions.size() == 1);
        CHECK(f.sink.sessions[0].malformed);
    }
    SUBCASE("a ClientHello whose extensions overrun it") {
        Fixture f;
        Buf hello = client_hello(0x0303, true);
        hello.resize(hello.size() - 5);
        hello[1] = 0; hello[2] = std::uint8_t((hello.size() - 4) >> 8); hello[3] = std::uint8_t(hello.size() - 4);
        f.send(0, record(22, hello));
        f.c->on_close(EndReason::Fin);
        REQUIRE(f.sink.sessions.size() == 1);
        CHECK(f.sink.sessions[0].malformed);
    }
    SUBCASE("a gap inside the handshake stops reading, the session is still reported") {
        Fixture f;
        f.send(0, record(22, client_hello(0x0303, true)));
        f.c->on_gap(1, 300);
        f.send(1, record(21, Buf{2, 40}));
        f.c->on_close(EndReason::Open);
        REQUIRE(f.sink.sessions.size() == 1);
        CHECK(f.sink.sessions[0].gap);
        CHECK(f.sink.sessions[0].alerts.empty());
        CHECK(f.sink.sessions[0].at_capture_end);
    }
    SUBCASE("not TLS at all: nothing reported") {
        Fixture f;
        const std::string junk = "SSH-2.0-OpenSSH_9.2\r\n";
        f.send(0, Buf(junk.begin(), junk.end()));
        f.c->on_close(EndReason::Fin);
        CHECK(f.sink.sessions.empty());
    }
}
