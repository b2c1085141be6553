// tcp.rising_rtt on synthetic ACK RTT samples: each threshold just under and
// just over, too few samples, and ACKs riding on data ignored.
#include <doctest/doctest.h>

#include "rules_helpers.hpp"

using namespace rt;

namespace {
// A pure ACK from the client 10.9.0.101 acknowledging data of 203.0.113.80,
// timed `rtt` seconds after the data segment (frame - 1).
TcpSegmentEvent ack(double rtt, double ts, std::uint64_t frame, std::uint32_t payload = 0) {
    TcpSegmentEvent e;
    e.src = lan(101);
    e.dst = ip4(203, 0, 113, 80);
    e.src_port = 40000;
    e.dst_port = 80;
    e.flow_id = 1;
    e.payload = payload;
    e.tcp_flags = 0x10;
    e.rtt = rtt;
    e.acked_frame = frame - 1;
    e.ts = ts;
    e.where = {0, frame};
    return e;
}

// `early` samples of `first` seconds, then `late` samples of `second` seconds.
std::vector<Finding> transfer(double first, double second, int early = 8, int late = 8,
                              std::vector<std::string> sets = {}, std::uint32_t payload = 0) {
    Run run(std::move(sets));
    std::uint64_t frame = 2;
    double ts = 0;
    for (int i = 0; i < early + late; ++i, frame += 2, ts += 0.05)
        run->publish(ack(i < early ? first : second, ts, frame, payload));
    return run.finish();
}
}  // namespace

TEST_CASE("tcp.rising_rtt: the late median must exceed the early one by min_increase_ms") {
    // Early 40 ms: 3x is 120 ms, +100 ms is 140 ms; the larger bound decides.
    CHECK(count(transfer(0.040, 0.139), "tcp.rising_rtt") == 0);
    auto fs = transfer(0.040, 0.141);
    REQUIRE(count(fs, "tcp.rising_rtt") == 1);
    const Finding* f = get(fs, "tcp.rising_rtt");
    CHECK(has_host(*f, "203.0.113.80"));
    CHECK(has_host(*f, "10.9.0.101"));
    CHECK(f->key == "203.0.113.80 -> 10.9.0.101");
    // Evidence: each high sample's data segment and ACK.
    CHECK(f->evidence.total == 16);
    CHECK(f->evidence.frames.front() == FrameRef{0, 17});
}

TEST_CASE("tcp.rising_rtt: the late median must be min_factor times the early one") {
    // Early 100 ms: +100 ms is 200 ms, 3x is 300 ms.
    CHECK(count(transfer(0.100, 0.299), "tcp.rising_rtt") == 0);
    CHECK(count(transfer(0.100, 0.301), "tcp.rising_rtt") == 1);
    CHECK(count(transfer(0.100, 0.251, 8, 8, {"tcp.rising_rtt.min_factor=2.5"}), "tcp.rising_rtt") == 1);
}

TEST_CASE("tcp.rising_rtt: enough samples, pure ACKs only") {
    // 7 samples cannot fill two separate groups of 4 (the default window).
    CHECK(count(transfer(0.040, 0.500, 4, 3), "tcp.rising_rtt") == 0);
    CHECK(count(transfer(0.040, 0.500, 4, 4), "tcp.rising_rtt") == 1);
    CHECK(count(transfer(0.040, 0.500, 8, 7, {"tcp.rising_rtt.window=8"}), "tcp.rising_rtt") == 0);
    CHECK(count(transfer(0.040, 0.500, 8, 8, {"tcp.rising_rtt.window=8"}), "tcp.rising_rtt") == 1);
    // ACKs on data include the peer's think time: not judged.
    CHECK(count(transfer(0.040, 0.500, 8, 8, {}, 100), "tcp.rising_rtt") == 0);
    // A flat RTT, however high, is tcp.high_rtt's business.
    CHECK(count(transfer(0.400, 0.400), "tcp.rising_rtt") == 0);
    CHECK(count(transfer(0.040, 0.500, 8, 8, {"tcp.rising_rtt.enabled=false"}), "tcp.rising_rtt") == 0);
}
