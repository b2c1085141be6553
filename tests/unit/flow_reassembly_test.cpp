// Stream reassembly: in-order delivery, holes reported as gaps (never waited
// on forever), overlaps reported, bounds enforced with a reason.
#include <doctest/doctest.h>

#include <string>

#include "flow/flow.hpp"
#include "flow/reassembly.hpp"

using namespace netdx;

namespace {

struct Recorder : StreamConsumer {
    std::string data[2];
    std::uint64_t gaps[2]{};
    std::uint64_t overlaps = 0, conflicts = 0;
    bool closed = false;
    void on_data(int d, Bytes b) override { data[d].append(reinterpret_cast<const char*>(b.data()), b.size()); }
    void on_gap(int d, std::uint64_t n) override {
        gaps[d] += n;
        data[d].append("<gap>");
    }
    void on_overlap(int, std::uint64_t, bool differs) override {
        ++overlaps;
        conflicts += differs;
    }
    void on_close(EndReason) override { closed = true; }
};

Bytes text(const char* s) { return Bytes(reinterpret_cast<const std::uint8_t*>(s), std::strlen(s)); }

}  // namespace

TEST_CASE("in order and out of order segments come out in order") {
    Recorder rec;
    ReassemblyBudget budget;
    StreamReassembler r(&budget);
    r.start(100);
    r.segment(105, text("world"), rec, 0);
    CHECK(rec.data[0].empty());
    CHECK(r.buffered() == 5);
    r.segment(100, text("hello"), rec, 0);
    CHECK(rec.data[0] == "helloworld");
    CHECK(r.buffered() == 0);
    CHECK(budget.used == 0);
}

TEST_CASE("retransmitted and overlapping data is reported, not delivered twice") {
    Recorder rec;
    ReassemblyBudget budget;
    StreamReassembler r(&budget);
    r.start(0);
    r.segment(0, text("abcdef"), rec, 0);
    r.segment(0, text("abcdef"), rec, 0);
    r.segment(4, text("efgh"), rec, 0);
    CHECK(rec.data[0] == "abcdefgh");
    CHECK(rec.overlaps == 2);
    // Conflicting overlap inside buffered data: the first copy wins.
    r.segment(20, text("XYZ"), rec, 0);
    r.segment(20, text("QQQ"), rec, 0);
    CHECK(rec.conflicts == 1);
    r.segment(8, text("ijklmnopqrst"), rec, 0);
    CHECK(rec.data[0] == "abcdefghijklmnopqrstXYZ");
}

TEST_CASE("an ACK beyond a hole turns it into a gap") {
    Recorder rec;
    ReassemblyBudget budget;
    StreamReassembler r(&budget);
    r.start(1000);
    r.segment(1000, text("aaaa"), rec, 0);
    r.segment(1010, text("bbbb"), rec, 0);  // 1004..1010 missing
    r.ack(1014, rec, 0);
    CHECK(rec.gaps[0] == 6);
    CHECK(rec.data[0] == "aaaa<gap>bbbb");
    CHECK(r.stats().gaps == 1);
}

TEST_CASE("flush at close declares the remaining holes") {
    Recorder rec;
    ReassemblyBudget budget;
    FlowStreams fs(std::make_unique<Recorder>(), &budget);
    auto& c = static_cast<Recorder&>(fs.consumer());
    fs.dir(1).start(0);
    fs.dir(1).segment(3, text("xyz"), c, 1);
    fs.close(EndReason::Fin);
    CHECK(c.data[1] == "<gap>xyz");
    CHECK(c.closed);
}

TEST_CASE("per-direction bound: gives up on the hole with a reason instead of growing") {
    Recorder rec;
    ReassemblyBudget budget;
    budget.per_direction = 8;
    StreamReassembler r(&budget);
    r.start(0);
    r.segment(10, text("12345678"), rec, 0);  // fills the buffer
    r.segment(18, text("9"), rec, 0);         // no room: the hole 0..10 becomes a gap
    CHECK(rec.gaps[0] == 10);
    CHECK(rec.data[0] == "<gap>123456789");
    CHECK(r.stats().limit_hits == 1);
    CHECK(r.stats().limit_reason != nullptr);
    CHECK(budget.used == 0);
}

TEST_CASE("total bound is shared across streams") {
    Recorder rec;
    ReassemblyBudget budget;
    budget.total = 10;
    StreamReassembler a(&budget), b(&budget);
    a.start(0);
    b.start(0);
    a.segment(5, text("aaaaaaaa"), rec, 0);
    CHECK(budget.used == 8);
    b.segment(5, text("bbbbbbbb"), rec, 1);
    CHECK(budget.used <= 10);
    CHECK(b.stats().limit_hits == 1);
    CHECK(std::string(b.stats().limit_reason) == "total reassembly memory full");
}

TEST_CASE("sequence wrap-around keeps the stream contiguous") {
    Recorder rec;
    ReassemblyBudget budget;
    StreamReassembler r(&budget);
    r.start(0xfffffffcu);
    r.segment(0xfffffffcu, text("abcd"), rec, 0);
    r.segment(0x00000000u, text("efgh"), rec, 0);
    CHECK(rec.data[0] == "abcdefgh");
    CHECK(r.next_offset() == 8);
}
