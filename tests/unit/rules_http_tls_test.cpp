#include <doctest/doctest.h>

#include "events/http_events.hpp"
#include "events/tls_events.hpp"
#include "rules_helpers.hpp"

using namespace rt;

namespace {

HttpTransaction http(std::uint16_t status, std::string uri, double ts, std::uint64_t frame) {
    HttpTransaction t;
    t.end = HttpEnd::Answered;
    t.client = lan(10);
    t.server = lan(80);
    t.server_port = 80;
    t.has_request = t.has_response = true;
    t.method = "GET";
    t.uri = std::move(uri);
    t.request_frame = {0, frame};
    t.response_frame = {0, frame + 1};
    t.where = t.response_frame;
    t.ts = t.request_ts = ts;
    t.response_ts = ts + 0.01;
    t.status = status;
    t.latency = 0.01;
    return t;
}

TlsSession tls(double ts) {
    TlsSession s;
    s.client = lan(10);
    s.server = lan(44);
    s.server_port = 443;
    s.where = {0, 1};
    s.ts = ts;
    s.client_hello = true;
    s.client_legacy_version = s.client_max_version = kTls12;
    s.sni = "www.example";
    return s;
}

TlsAlert alert(bool from_client, std::uint8_t desc) {
    TlsAlert a;
    a.from_client = from_client;
    a.level = 2;
    a.description = desc;
    a.where = {0, 3};
    return a;
}

}  // namespace

TEST_CASE("http.server_errors: count and share of 5xx per server, with the URIs") {
    auto scenario = [](int errors, int good) {
        Run run;
        std::uint64_t f = 1;
        for (int i = 0; i < errors; ++i) run->publish(http(502, "/api", i, f += 2));
        for (int i = 0; i < good; ++i) run->publish(http(200, "/", i, f += 2));
        return run.finish();
    };
    CHECK(count(scenario(2, 0), "http.server_errors") == 0);   // min_errors 3
    CHECK(count(scenario(3, 0), "http.server_errors") == 1);
    CHECK(count(scenario(3, 27), "http.server_errors") == 1);  // 10%
    CHECK(count(scenario(3, 28), "http.server_errors") == 0);  // under 10%
    auto fs = scenario(4, 1);
    REQUIRE(count(fs, "http.server_errors") == 1);
    CHECK(get(fs, "http.server_errors")->detail.find("502 /api x4") != std::string::npos);
    CHECK(has_host(*get(fs, "http.server_errors"), "10.9.0.80"));
    CHECK(get(fs, "http.server_errors")->evidence.total == 8);  // request and response frames
}

TEST_CASE("http.unanswered: closed flows count, requests open at the capture end only when old enough") {
    auto unanswered = [](bool at_end, double ts) {
        HttpTransaction t = http(0, "/hang", ts, 5);
        t.end = HttpEnd::Unanswered;
        t.has_response = false;
        t.at_capture_end = at_end;
        return t;
    };
    {
        Run run;
        run->publish(unanswered(false, 1));
        CHECK(count(run.finish(), "http.unanswered") == 1);
    }
    {
        Run run;
        run->publish(http(200, "/", 1, 1));
        run->publish(http(200, "/", 20, 9));  // the capture lasts until ~20 s
        run->publish(unanswered(true, 15));   // 5 s before the end: may still come
        CHECK(count(run.finish(0, 20), "http.unanswered") == 0);
    }
    {
        Run run;
        run->publish(http(200, "/", 20, 9));
        run->publish(unanswered(true, 2));
        CHECK(count(run.finish(0, 20), "http.unanswered") == 1);
    }
}

TEST_CASE("tls rules: version mismatch, expired certificate, other fatal alerts") {
    {
        Run run;
        TlsSession s = tls(100);
        s.client_max_version = kTls10;
        s.alerts.push_back(alert(false, 70));
        run->publish(s);
        auto fs = run.finish();
        CHECK(count(fs, "tls.version_mismatch") == 1);
        CHECK(count(fs, "tls.handshake_failed") == 0);
    }
    {
        Run run;
        TlsSession s = tls(1000);
        s.has_certificate = true;
        s.leaf.parsed = true;
        s.leaf.subject_cn = "old.example";
        s.leaf.not_before = 0;
        s.leaf.not_after = 999;  // one second before the handshake
        run->publish(s);
        s.leaf.not_after = 1001;  // still valid
        run->publish(s);
        auto fs = run.finish();
        REQUIRE(count(fs, "tls.cert_expired") == 1);
        CHECK(get(fs, "tls.cert_expired")->figures[0].value == 1);
        CHECK(get(fs, "tls.cert_expired")->detail.find("old.example") != std::string::npos);
    }
    {
        Run run;
        TlsSession s = tls(5);
        s.alerts.push_back(alert(true, 48));  // unknown_ca
        run->publish(s);
        TlsSession quiet = tls(6);
        TlsAlert warn = alert(true, 0);
        warn.level = 1;  // close_notify warning: not a failure
        quiet.alerts.push_back(warn);
        run->publish(quiet);
        auto fs = run.finish();
        REQUIRE(count(fs, "tls.handshake_failed") == 1);
        CHECK(get(fs, "tls.handshake_failed")->detail.find("client sent unknown_ca") != std::string::npos);
        CHECK(get(fs, "tls.handshake_failed")->figures[0].value == 1);
    }
}
