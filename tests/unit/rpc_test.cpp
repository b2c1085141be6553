// ONC RPC: the shared record-marking framer (dissectors/rpc/rpc_stream) over
// whole, split-at-every-byte, truncated and hostile streams; the call/reply
// header; the consumers (src/app/rpc.cpp over TCP, rpc_udp.cpp over UDP)
// pairing by xid; the rules (src/rules/rules_rpc.cpp, and rules_rpc_slow.cpp
// over ONC RPC and XML-RPC/JSON-RPC calls alike).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "app/app_stream.hpp"
#include "app/rpc_pairing.hpp"
#include "dissectors/rpc/rpc_names.hpp"
#include "dissectors/rpc/rpc_stream.hpp"
#include "events/rpc_events.hpp"
#include "events/webrpc_events.hpp"
#include "flow/flow.hpp"
#include "framer_feed.hpp"
#include "rules_helpers.hpp"

using namespace netdx;

namespace {

std::string u32(std::uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}
std::string auth(std::uint32_t flavor, std::string_view body = {}) {
    std::string out = u32(flavor) + u32(static_cast<std::uint32_t>(body.size())) + std::string(body);
    out.resize(out.size() + (4 - body.size() % 4) % 4, '\0');
    return out;
}
std::string call(std::uint32_t xid, std::uint32_t prog, std::uint32_t vers, std::uint32_t proc,
                 std::string_view args = {}) {
    return u32(xid) + u32(0) + u32(2) + u32(prog) + u32(vers) + u32(proc) + auth(1, "0123456789abcdefghij") +
           auth(0) + std::string(args);
}
std::string accepted(std::uint32_t xid, std::uint32_t stat, std::string_view rest = {}) {
    return u32(xid) + u32(1) + u32(0) + auth(0) + u32(stat) + std::string(rest);
}
std::string denied_auth(std::uint32_t xid, std::uint32_t auth_stat) {
    return u32(xid) + u32(1) + u32(1) + u32(1) + u32(auth_stat);
}
// A record in fragments of at most `step` bytes (one fragment when 0).
std::string record(const std::string& msg, std::size_t step = 0) {
    if (!step) step = msg.size() ? msg.size() : 1;
    std::string out;
    for (std::size_t i = 0; i < msg.size() || i == 0; i += step) {
        const std::string frag = msg.substr(i, step);
        const bool last = i + step >= msg.size();
        out += u32((last ? 0x80000000u : 0) | static_cast<std::uint32_t>(frag.size())) + frag;
        if (msg.empty()) break;
    }
    return out;
}

struct Log final : FramerLog<RpcEvents> {
    void message(const RpcRecord& r) override {
        const RpcHeader h = rpc_header(r.body);
        log.push_back(fmt::format("xid={:x} type={} len={} kept={} frags={}{}", h.xid, h.msg_type, r.length,
                                  r.body.size(), r.fragments, r.cut ? "~" : ""));
    }
    void malformed(RpcAnomaly a) override { log.push_back(rpc_anomaly_name(a)); }
};

std::vector<std::string> read(std::string_view bytes, std::size_t chunk) {
    RpcReader r;
    Log ev;
    return read_in_chunks(r, ev, bytes, chunk);
}

IpAddress v4(std::uint8_t d) {
    const std::uint8_t b[4] = {10, 0, 0, d};
    return IpAddress::v4(b);
}

struct Session : ConsumerFeed {
    std::vector<RpcCall> calls;
    Session() : ConsumerFeed(2049, 800) { bus.subscribe<&Session::on_call>(this); }
    void on_call(const RpcCall& t) { calls.push_back(t); }
};

}  // namespace

TEST_CASE("rpc reader: records and fragments split at every byte read as in one piece") {
    const std::string s = record(call(0x11, kRpcNfs, 3, 1, std::string(40, 'a'))) +
                          record(accepted(0x11, 0, std::string(90, 'r')), 16) + record(call(0x12, kRpcMount, 3, 0), 4) +
                          record("");  // an empty last fragment: a record of nothing
    const auto whole = read(s, s.size());
    REQUIRE(whole.size() == 12);
    CHECK(whole[0] == "start@0");
    CHECK(whole[1] == "xid=11 type=0 len=100 kept=100 frags=1");
    CHECK(whole[4] == "xid=11 type=1 len=114 kept=114 frags=8");
    CHECK(whole[7] == "xid=12 type=0 len=60 kept=60 frags=15");
    CHECK(whole[10] == "xid=0 type=0 len=0 kept=0 frags=1");
    CHECK(whole[11] == "end@" + std::to_string(s.size()));
    for (std::size_t chunk = 1; chunk < 40; ++chunk) CHECK(read(s, chunk) == whole);
}

TEST_CASE("rpc reader: hostile and cut lengths are counted, never buffered") {
    // A 3 MiB fragment of which 1 KiB is kept; it ends where it says.
    std::string big = call(0x21, kRpcNfs, 3, 7);
    big += std::string((3u << 20) - big.size(), 'w');
    const std::string s = record(big) + record(call(0x22, kRpcNfs, 3, 0));
    const auto log = read(s, 65536);
    REQUIRE(log.size() == 6);
    CHECK(log[1] == fmt::format("xid=21 type=0 len={} kept={} frags=1~", 3u << 20, RpcReader::kKeep));
    CHECK(log[4].find("xid=22") == 0);
    // Over tshark's 4 MiB: not record marking; the stream is no longer read.
    const auto bad = read(u32(0x80000000u | (5u << 20)) + record(call(1, 2, 3, 4)), 7);
    CHECK(bad == std::vector<std::string>{"start@0", "rpc.bad_length"});
    // A marker announcing 2 GiB (0x7f7f7f7f) is refused the same way.
    CHECK(read(std::string(64, '\x7f'), 3).back() == "rpc.bad_length");
    // A gap inside a body keeps the framing; one between records stops it.
    RpcReader r;
    Log ev;
    const std::string m = record(call(0x31, kRpcNfs, 3, 6, std::string(200, 'x')));
    r.feed(std::string_view(m).substr(0, 100), ev);
    r.gap(50, ev);
    r.feed(std::string_view(m).substr(150), ev);
    REQUIRE(ev.log.size() == 3);
    CHECK(ev.log[1].find("xid=31") == 0);
    CHECK(ev.log[1].back() == '~');
    r.gap(4, ev);
    CHECK(r.stopped());
    CHECK(ev.log.back() == "rpc.stream_lost");
}

TEST_CASE("rpc header: calls, accepted and denied replies, cut at every byte") {
    const RpcHeader c = rpc_header(call(7, kRpcPortmap, 2, 3, u32(100003) + u32(3) + u32(17) + u32(0)));
    CHECK(c.valid);
    CHECK(!c.truncated);
    CHECK(c.prog == kRpcPortmap);
    CHECK(c.vers == 2);
    CHECK(c.proc == 3);
    CHECK(c.cred_flavor == 1);
    CHECK(c.has_verf);
    CHECK(rpc_procedure_name(c.prog, c.vers, c.proc) == "GETPORT");
    CHECK(rpc_procedure_name(kRpcNfs, 3, 21) == "COMMIT");
    CHECK(rpc_procedure_name(kRpcNfs, 3, 22).empty());
    CHECK(rpc_procedure_name(kRpcPortmap, 4, 9) == "GETVERSADDR");
    CHECK(rpc_program_column(kRpcMount) == "MOUNT");

    const RpcHeader mm = rpc_header(accepted(7, kRpcProgMismatch, u32(2) + u32(4)));
    CHECK(mm.valid);
    CHECK(mm.has_accept_stat);
    CHECK(mm.accept_stat == kRpcProgMismatch);
    CHECK(mm.has_range);
    CHECK(mm.low == 2);
    CHECK(mm.high == 4);
    const RpcHeader au = rpc_header(denied_auth(8, 5));
    CHECK(au.has_reject_stat);
    CHECK(au.reject_stat == kRpcAuthError);
    CHECK(au.auth_stat == 5);
    CHECK(std::string(rpc_auth_stat_name(au.auth_stat)) == "AUTH_TOOWEAK");
    CHECK(!rpc_header(u32(9) + u32(2)).valid);                     // msg_type 2
    CHECK(!rpc_header(u32(9) + u32(0) + u32(3) + u32(1)).valid);   // rpcvers 3
    // Every cut: never past the bytes, truncated until the header is whole.
    const std::string whole = call(5, kRpcNfs, 3, 4);
    for (std::size_t n = 0; n < whole.size(); ++n) {
        const RpcHeader h = rpc_header(std::string_view(whole).substr(0, n));
        CHECK((!h.valid || h.truncated || !h.has_verf));
    }
    // A credential claiming 4 GiB of body.
    const std::string hostile = u32(5) + u32(0) + u32(2) + u32(kRpcNfs) + u32(3) + u32(0) + u32(1) + u32(0xffffffffu);
    const RpcHeader h = rpc_header(hostile);
    CHECK(h.valid);
    CHECK(h.truncated);
    CHECK(!h.has_cred);
}

TEST_CASE("rpc consumer: calls paired with replies by xid over TCP, split at every byte; unanswered at close") {
    for (std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{13}}) {
        Session s;
        s.send(0, record(call(1, kRpcNfs, 3, 1)) + record(call(2, kRpcNfs, 3, 3), 8), 10.0, chunk);
        s.send(1, record(accepted(2, kRpcSuccess, u32(0))), 10.25, chunk);  // out of order: xid decides
        s.send(1, record(accepted(1, kRpcProcUnavail)), 10.5, chunk);
        s.send(0, record(call(3, kRpcNfs, 3, 6)), 11.0, chunk);
        s.c->on_close(EndReason::Fin);
        REQUIRE(s.calls.size() == 3);
        CHECK(s.calls[0].xid == 2);
        CHECK(s.calls[0].proc == 3);
        CHECK(s.calls[0].latency == doctest::Approx(0.25));
        CHECK(s.calls[1].xid == 1);
        CHECK(s.calls[1].accept_stat == kRpcProcUnavail);
        CHECK(s.calls[1].tcp);
        CHECK(s.calls[2].outcome == RpcOutcome::Unanswered);
        CHECK(!s.calls[2].at_capture_end);
        CHECK(s.calls[2].proc == 6);
    }
}

TEST_CASE("rpc pairing: UDP resends keep the first call; waits expire; the pending table is bounded") {
    EventBus bus;
    std::vector<RpcCall> out;
    struct Sink {
        std::vector<RpcCall>* v;
        void on(const RpcCall& c) { v->push_back(c); }
    } sink{&out};
    bus.subscribe<&Sink::on>(&sink);
    RpcPairing p(bus);
    AppEndpoints ep;
    ep.client = v4(2);
    ep.server = v4(9);
    ep.client_port = 700;
    ep.server_port = 111;
    AppClock clk{{0, 1}, 1.0};
    p.message(rpc_header(call(0x40, kRpcPortmap, 2, 3)), ep, false, clk);
    clk = {{0, 2}, 2.0};
    p.message(rpc_header(call(0x40, kRpcPortmap, 2, 3)), ep, false, clk);  // resend
    clk = {{0, 3}, 2.5};
    p.message(rpc_header(accepted(0x40, kRpcSuccess, u32(2049))), ep, false, clk);
    REQUIRE(out.size() == 1);
    CHECK(out[0].latency == doctest::Approx(1.5));
    CHECK(out[0].call_frame.frame == 1);
    p.message(rpc_header(call(0x41, kRpcPortmap, 2, 3)), ep, false, clk);
    p.expire(40.0, 30.0);
    REQUIRE(out.size() == 2);
    CHECK(out[1].outcome == RpcOutcome::Unanswered);
    for (std::uint32_t x = 0; x < RpcPairing::kMaxPending + 10; ++x)
        p.message(rpc_header(call(0x1000 + x, kRpcNfs, 3, 0)), ep, false, clk);
    CHECK(p.pending() == RpcPairing::kMaxPending);
    CHECK(p.evicted() == 10);
    p.finish(true);
    CHECK(p.pending() == 0);
    CHECK(out.back().at_capture_end);
    // At the capture's end: a call 10 s old is unanswered, one 1 s old is waiting.
    out.clear();
    clk = {{0, 9}, 100.0};
    p.message(rpc_header(call(0x50, kRpcNfs, 3, 1)), ep, false, clk);
    clk = {{0, 10}, 109.0};
    p.message(rpc_header(call(0x51, kRpcNfs, 3, 1)), ep, false, clk);
    p.finish_at(110.0, 5.0);
    REQUIRE(out.size() == 2);
    for (const RpcCall& c : out) CHECK(c.at_capture_end == (c.xid == 0x51));
}

namespace {
RpcCall rc(RpcOutcome o, std::uint32_t prog, std::uint32_t stat, std::uint64_t frame, double ts) {
    RpcCall c;
    c.outcome = o;
    c.client = rt::lan(2 + static_cast<unsigned>(frame % 3));
    c.server = rt::lan(9);
    c.client_port = 900;
    c.server_port = 111;
    c.prog = prog;
    c.vers = 2;
    c.proc = 3;
    if (o == RpcOutcome::Accepted) c.accept_stat = stat;
    if (o == RpcOutcome::Denied) {
        c.reject_stat = kRpcAuthError;
        c.auth_stat = stat;
    }
    c.call_frame = {0, frame};
    c.where = {0, frame + 1};
    c.call_ts = ts;
    c.ts = ts + 0.001;
    return c;
}
}  // namespace

TEST_CASE("rpc rules: one finding per server, program and error kind; mismatches; unanswered") {
    rt::Run run;
    for (int i = 0; i < 3; ++i) run->publish(rc(RpcOutcome::Accepted, 100021, kRpcProgUnavail, 10 + 2 * i, 1.0 + i));
    run->publish(rc(RpcOutcome::Accepted, 100024, kRpcProgUnavail, 30, 5));
    run->publish(rc(RpcOutcome::Accepted, kRpcPortmap, kRpcProcUnavail, 32, 6));
    run->publish(rc(RpcOutcome::Denied, kRpcPortmap, 1, 34, 7));
    run->publish(rc(RpcOutcome::Denied, kRpcPortmap, 1, 36, 8));
    RpcCall mm = rc(RpcOutcome::Accepted, kRpcPortmap, kRpcProgMismatch, 38, 9);
    mm.vers = 7;
    mm.low = 2;
    mm.high = 4;
    run->publish(mm);
    run->publish(rc(RpcOutcome::Unanswered, kRpcNfs, 0, 40, 10));
    RpcCall at_end = rc(RpcOutcome::Unanswered, kRpcNfs, 0, 42, 11);
    at_end.at_capture_end = true;  // its reply may be after the capture: not counted
    run->publish(at_end);
    for (int i = 0; i < 300; ++i)  // healthy: answered SUCCESS
        run->publish(rc(RpcOutcome::Accepted, kRpcNfs, kRpcSuccess, 100 + 2 * static_cast<unsigned>(i), 20 + i));
    const auto fs = run.finish();
    CHECK(rt::count(fs, "rpc.call_error") == 4);  // nlockmgr and status PROG_UNAVAIL, PROC_UNAVAIL, AUTH_ERROR
    CHECK(rt::count(fs, "rpc.version_mismatch") == 1);
    CHECK(rt::count(fs, "rpc.unanswered") == 1);
    bool seen3 = false, seen_auth = false;
    for (const Finding& f : fs) {
        if (f.title.find("3 call(s) to nlockmgr (100021) with PROG_UNAVAIL") != std::string::npos) {
            seen3 = true;
            CHECK(f.evidence.total == 6);
            CHECK(rt::has_host(f, "10.9.0.9"));
        }
        if (f.title.find("AUTH_ERROR (AUTH_BADCRED)") != std::string::npos) seen_auth = f.title.find(" 2 call") != std::string::npos;
    }
    CHECK(seen3);
    CHECK(seen_auth);
    const Finding* m = rt::get(fs, "rpc.version_mismatch");
    REQUIRE(m);
    CHECK(m->detail.find("Versions asked: 7; served: 2 to 4") != std::string::npos);
}

TEST_CASE("rpc.slow_calls: per server and procedure, over the server's fastest reply, with a minimum count") {
    rt::Run run;
    std::uint64_t frame = 1;
    // A distant NFS server: every reply takes the 80 ms round trip; WRITE
    // adds 300 ms four times, READ once (under min_slow 3).
    auto nfs = [&](std::uint32_t proc, double ts, double latency) {
        RpcCall c = rc(RpcOutcome::Accepted, kRpcNfs, kRpcSuccess, frame += 2, ts);
        c.vers = 3;
        c.proc = proc;
        c.server_port = 2049;
        c.latency = latency;
        run->publish(c);
    };
    for (int i = 0; i < 30; ++i) nfs(1, 1 + i, 0.080);  // GETATTR
    for (int i = 0; i < 6; ++i) nfs(7, 40 + i, i < 4 ? 0.380 : 0.081);  // WRITE
    nfs(6, 50, 0.9);                                    // READ: one slow call
    RpcCall lost = rc(RpcOutcome::Unanswered, kRpcNfs, 0, frame += 2, 60);
    lost.vers = 3;
    lost.proc = 6;
    for (int i = 0; i < 3; ++i) run->publish(lost);  // no latency: not counted

    // XML-RPC: sleep slow three times; an HTTP error page as slow is no RPC reply.
    auto web = [&](WebRpcKind kind, std::string method, WebRpcOutcome o, double latency) {
        WebRpcCall c;
        c.kind = kind;
        c.outcome = o;
        c.client = rt::lan(3);
        c.server = rt::lan(20);
        c.server_port = 8000;
        c.method = std::move(method);
        c.latency = latency;
        c.ts = static_cast<double>(frame);
        c.request_frame = {0, frame += 2};
        c.where = {0, frame + 1};
        run->publish(c);
    };
    for (int i = 0; i < 5; ++i) web(WebRpcKind::XmlRpc, "add", WebRpcOutcome::Result, 0.002);
    for (int i = 0; i < 3; ++i) web(WebRpcKind::XmlRpc, "sleep", WebRpcOutcome::Fault, 0.5);
    for (int i = 0; i < 3; ++i) web(WebRpcKind::XmlRpc, "add", WebRpcOutcome::HttpError, 0.5);
    for (int i = 0; i < 3; ++i) web(WebRpcKind::JsonRpc, "sleep", WebRpcOutcome::Unanswered, -1);

    const auto fs = run.finish();
    REQUIRE(rt::count(fs, "rpc.slow_calls") == 2);
    bool nfs_write = false, xml_sleep = false;
    for (const Finding& f : fs) {
        if (f.def->id != "rpc.slow_calls") continue;
        if (f.title.find("nfs V3 WRITE") != std::string::npos) {
            nfs_write = true;
            CHECK(f.title.find("ONC RPC server 10.9.0.9:2049: 4 of 6") != std::string::npos);
            CHECK(f.detail.find("(80 ms, the round trip)") != std::string::npos);
            CHECK(f.evidence.total == 8);  // the four slow calls and their replies
        }
        if (f.title.find("XML-RPC server 10.9.0.20:8000: 3 of 3 sleep") != std::string::npos) {
            xml_sleep = true;
            CHECK(rt::has_host(f, "10.9.0.3"));
        }
    }
    CHECK(nfs_write);
    CHECK(xml_sleep);
}
