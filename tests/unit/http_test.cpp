#include <doctest/doctest.h>

#include "dissectors/http/http_head.hpp"
#include "events/http_events.hpp"
#include "flow/flow.hpp"
#include "app_test_helpers.hpp"

namespace netdx {
extern const AppProtocol kHttpProtocol;
}

using namespace netdx;
using netdx::test::as_bytes;

namespace {

struct Recorder {
    EventBus bus;
    Recorder() {
        bus.subscribe<&Recorder::on_http>(this);
    }
    std::vector<HttpTransaction> txns;
    void on_http(const HttpTransaction& t) { txns.push_back(t); }
};

struct Fixture {
    Recorder sink;
    AppClock clock;
    std::unique_ptr<StreamConsumer> c = kHttpProtocol.make(netdx::test::endpoints(80), AppContext{sink.bus, clock});
    void at(std::uint64_t frame, double ts) { clock = AppClock{FrameRef{0, frame}, ts}; }
    void client(std::string_view s) { c->on_data(0, as_bytes(s)); }
    void server(std::string_view s) { c->on_data(1, as_bytes(s)); }
    // One byte per call: every boundary a segmentation could produce.
    void server_bytewise(std::string_view s) {
        for (char ch : s) c->on_data(1, as_bytes(std::string_view(&ch, 1)));
    }
};

}  // namespace

TEST_CASE("http: pipelined requests pair in order; 100 Continue, chunked, HEAD and Content-Length bodies") {
    Fixture f;
    f.at(4, 1.0);
    f.client("GET /a HTTP/1.1\r\nHost: www.example\r\n\r\nHEAD /b HTTP/1.1\r\n\r\nPOST /c HTTP/1.1\r\nContent-Length: 4\r\n\r\nbody");
    f.at(6, 1.25);
    f.server_bytewise(
        "HTTP/1.1 100 Continue\r\n\r\n"
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nX-Trailer: 1\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"  // HEAD: no body follows
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 3\r\n\r\nabc");
    REQUIRE(f.sink.txns.size() == 3);
    const auto& a = f.sink.txns[0];
    CHECK(a.end == HttpEnd::Answered);
    CHECK(a.method == "GET");
    CHECK(a.uri == "/a");
    CHECK(a.host == "www.example");
    CHECK(a.status == 200);
    CHECK(a.interim == 1);
    CHECK(a.request_frame.frame == 4);
    CHECK(a.response_frame.frame == 6);
    CHECK(a.latency == doctest::Approx(0.25));
    CHECK(f.sink.txns[1].method == "HEAD");
    CHECK(f.sink.txns[1].status == 200);
    CHECK(f.sink.txns[2].uri == "/c");
    CHECK(f.sink.txns[2].status == 503);
    CHECK(f.sink.txns[2].reason == "Service Unavailable");
    f.c->on_close(EndReason::Fin);
    CHECK(f.sink.txns.size() == 3);  // nothing left waiting
}

TEST_CASE("http: 204 and 304 carry no body; a response without framing lasts until close") {
    Fixture f;
    f.client("GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.0\r\n\r\n");
    f.server("HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n");
    f.server("HTTP/1.0 200 OK\r\n\r\nHTTP/1.1 500 looks like a response but is body\r\n\r\n");
    REQUIRE(f.sink.txns.size() == 3);
    CHECK(f.sink.txns[0].status == 204);
    CHECK(f.sink.txns[1].status == 304);
    CHECK(f.sink.txns[2].status == 200);
}

TEST_CASE("http: requests left at close are unanswered; at capture end they say so") {
    Fixture f;
    f.at(2, 5.0);
    f.client("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n");
    f.c->on_close(EndReason::Open);
    REQUIRE(f.sink.txns.size() == 1);
    CHECK(f.sink.txns[0].end == HttpEnd::Unanswered);
    CHECK(f.sink.txns[0].at_capture_end);
    CHECK(f.sink.txns[0].where.frame == 2);
    CHECK_FALSE(f.sink.txns[0].has_response);
}

TEST_CASE("http: a gap inside a body of known length keeps the stream in sync") {
    Fixture f;
    f.client("GET /big HTTP/1.1\r\n\r\nGET /next HTTP/1.1\r\n\r\n");
    f.server("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789");
    f.c->on_gap(1, 980);
    f.server("0123456789HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    REQUIRE(f.sink.txns.size() == 2);
    CHECK(f.sink.txns[1].uri == "/next");
    CHECK(f.sink.txns[1].status == 404);
}

TEST_CASE("http: a gap between messages ends the reading of the flow, once, without false unanswered requests") {
    Fixture f;
    f.client("GET /x HTTP/1.1\r\n\r\n");
    f.c->on_gap(0, 100);
    f.server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    f.c->on_close(EndReason::Fin);
    REQUIRE(f.sink.txns.size() == 1);
    CHECK(f.sink.txns[0].end == HttpEnd::StreamLost);
}

TEST_CASE("http: malformed input is reported and reading stops") {
    SUBCASE("status code not digits") {
        Fixture f;
        f.client("GET / HTTP/1.1\r\n\r\n");
        f.server("HTTP/1.1 2x0 OK\r\n\r\n");
        REQUIRE(f.sink.txns.size() == 1);
        CHECK(f.sink.txns[0].end == HttpEnd::Malformed);
    }
    SUBCASE("header block over 32 KiB") {
        Fixture f;
        f.client("GET / HTTP/1.1\r\nX: ");
        for (int i = 0; i < 40; ++i) f.client(std::string(1024, 'a'));
        REQUIRE(f.sink.txns.size() == 1);
        CHECK(f.sink.txns[0].end == HttpEnd::Malformed);
    }
    SUBCASE("bad chunk size") {
        Fixture f;
        f.client("GET / HTTP/1.1\r\n\r\n");
        f.server("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        REQUIRE(f.sink.txns.size() == 2);
        CHECK(f.sink.txns[1].end == HttpEnd::Malformed);
    }
    SUBCASE("conflicting Content-Length") {
        const HttpHead h = parse_http_request_head("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n");
        CHECK(h.problem != nullptr);
    }
}

TEST_CASE("http: wire bytes in fields are escaped and capped") {
    Fixture f;
    f.client("GET /\x1b[2J" + std::string(400, 'u') + " HTTP/1.1\r\n\r\n");
    f.c->on_close(EndReason::Fin);
    REQUIRE(f.sink.txns.size() == 1);
    CHECK(f.sink.txns[0].uri.find('\x1b') == std::string::npos);
    CHECK(f.sink.txns[0].uri.size() < 300);
}

TEST_CASE("http: a stream picked up mid-body waits for the next message") {
    Fixture f;
    f.server("tail of an earlier body");
    f.server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    REQUIRE(f.sink.txns.size() == 1);
    CHECK(f.sink.txns[0].end == HttpEnd::Orphan);
}
