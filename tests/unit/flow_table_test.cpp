// Flow table: states and end reasons, history, RTT, timeouts, eviction at the cap.
#include <doctest/doctest.h>

#include <memory>

#include "flow_helpers.hpp"

using namespace netdx;
using namespace netdx::test;

namespace {

struct Row {
    FlowState state;
    EndReason end;
    std::string history;
    double rtt;
    std::uint64_t pkts_orig, pkts_resp;
};

// Runs segments and returns the rows of every flow, ended or still open.
std::vector<Row> rows_of(const std::vector<Seg>& segs, FlowEngineConfig cfg = {}) {
    Run r(cfg);
    auto rows = std::make_shared<std::vector<Row>>();
    r.engine.on_flow_end([rows](Flow& f) {
        rows->push_back({f.state, f.end, std::string(f.history_view()), f.handshake_rtt, f.dir[0].packets,
                         f.dir[1].packets});
    });
    r.all(segs);
    r.engine.finish();
    return *rows;
}

}  // namespace

TEST_CASE("handshake, data, FIN both ways: closed by FIN, Zeek-style history, handshake RTT") {
    auto segs = handshake();
    segs.push_back({true, 1001, 5001, A | P, 1000, 10, 0.03});
    segs.push_back({false, 5001, 1011, A | F, 1000, 0, 0.04});
    segs.push_back({true, 1011, 5002, A | F, 1000, 0, 0.05});
    const auto rows = rows_of(segs);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].state == FlowState::Closed);
    CHECK(rows[0].end == EndReason::Fin);
    CHECK(rows[0].history == "ShADfF");
    CHECK(rows[0].rtt == doctest::Approx(0.020));
    CHECK(rows[0].pkts_orig == 4);
    CHECK(rows[0].pkts_resp == 2);
}

TEST_CASE("RST answering a SYN is a rejected connection") {
    const auto rows = rows_of({{true, 1000, 0, S, 1000, 0, 0.0}, {false, 0, 1001, R | A, 0, 0, 0.001}});
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].state == FlowState::Rejected);
    CHECK(rows[0].end == EndReason::Rejected);
    CHECK(rows[0].history == "Sr");
}

TEST_CASE("RST after the handshake is a reset") {
    auto segs = handshake();
    segs.push_back({false, 5001, 1001, R, 0, 0, 0.5});
    const auto rows = rows_of(segs);
    CHECK(rows[0].state == FlowState::Reset);
    CHECK(rows[0].end == EndReason::Rst);
}

TEST_CASE("first packet mid-stream; SYN/ACK first makes the receiver the originator") {
    auto rows = rows_of({{false, 5001, 1001, A | P, 1000, 10, 0.0}});
    CHECK(rows[0].state == FlowState::MidStream);
    CHECK(rows[0].end == EndReason::Open);
    rows = rows_of({{false, 5000, 1001, S | A, 1000, 0, 0.0}, {true, 1001, 5001, A, 1000, 0, 0.01}});
    CHECK(rows[0].pkts_orig == 1);
    CHECK(rows[0].pkts_resp == 1);
    CHECK(rows[0].history == "hA");
}

TEST_CASE("an unanswered SYN ends as no-answer after the attempt timeout") {
    FlowEngineConfig cfg;
    cfg.table.timeouts.attempt = 5;
    Run r(cfg);
    auto rows = std::make_shared<std::vector<Row>>();
    r.engine.on_flow_end([rows](Flow& f) { rows->push_back({f.state, f.end, "", 0, 0, 0}); });
    r.feed({true, 1000, 0, S, 1000, 0, 0.0}, 1);
    // A packet of another flow, 10 s later, drives the clock.
    Seg other{true, 9000, 0, S, 1000, 0, 10.0};
    r.keep = tcp_bytes(other, "10.9.9.9", "10.0.0.2", 1234, 443);
    Packet pkt;
    pkt.number = 2;
    pkt.ts.sec = 10;
    pkt.linktype = 1;
    pkt.bytes = Bytes(r.keep.data(), r.keep.size());
    pkt.caplen = pkt.wirelen = static_cast<std::uint32_t>(r.keep.size());
    decode_packet(pkt);
    r.engine.process(pkt);
    REQUIRE(rows->size() == 1);
    CHECK((*rows)[0].end == EndReason::NoAnswer);
    CHECK(r.engine.table().stats().timed_out == 1);
    CHECK(r.engine.table().live() == 1);
}

TEST_CASE("the table never holds more than max_flows; evictions are counted") {
    FlowEngineConfig cfg;
    cfg.table.max_flows = 16;
    FlowEngine e(cfg);
    std::uint64_t evicted_seen = 0;
    e.on_flow_end([&](Flow& f) { evicted_seen += f.end == EndReason::Evicted; });
    std::vector<std::uint8_t> b;
    for (std::uint16_t i = 0; i < 100; ++i) {
        Seg s{true, 1000, 0, S, 1000, 0, 0.0};
        b = tcp_bytes(s, "10.0.0.1", "10.0.0.2", static_cast<std::uint16_t>(20000 + i), 80);
        Packet pkt;
        pkt.number = i + 1u;
        pkt.linktype = 1;
        pkt.bytes = Bytes(b.data(), b.size());
        pkt.caplen = pkt.wirelen = static_cast<std::uint32_t>(b.size());
        decode_packet(pkt);
        e.process(pkt);
        CHECK(e.table().live() <= 16);
    }
    CHECK(e.table().stats().created == 100);
    CHECK(e.table().stats().evicted == 84);
    CHECK(evicted_seen == 84);
    CHECK(e.table().stats().peak_live == 16);
}

TEST_CASE("both directions of a conversation share one flow; VLANs keep flows apart") {
    Run r;
    r.all(handshake());
    CHECK(r.engine.table().live() == 1);
    CHECK(r.infos[0].stream == r.infos[2].stream);
}
