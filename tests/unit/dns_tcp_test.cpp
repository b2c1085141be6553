// DNS over TCP: whole length-prefixed messages dissected in place by
// `netdx packets`, the stream framer (messages split over segments, several
// per segment, gaps), and the tracker fed through the flow engine's
// reassembly (TC answer followed by the same question over TCP).
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "dns/dns_stream.hpp"
#include "dns/dns_tracker.hpp"
#include "dns_msg_builder.hpp"
#include "flow/flow_engine.hpp"

using namespace netdx;
using namespace netdx::test;

namespace {

Msg query(unsigned id, const char* name = "example.com", unsigned type = 1) {
    Msg m;
    m.header(id, 0x0100, 1, 0).name(name).u16(type).u16(1);
    return m;
}
Msg answer(unsigned id, const char* name = "example.com", bool tc = false) {
    Msg m;
    m.header(id, 0x8180 | (tc ? 0x0200 : 0), 1, 1).name(name).u16(1).u16(1);
    m.ptr(12).rr(1, 1, 60).rd_begin().bytes({192, 0, 2, 1}).rd_end();
    return m;
}
std::vector<std::uint8_t> framed(const Msg& m) {
    Msg out;
    out.u16(static_cast<unsigned>(m.b.size()));
    for (std::uint8_t b : m.b) out.u8(b);
    return out.b;
}
std::vector<std::uint8_t> cat(std::vector<std::uint8_t> a, const std::vector<std::uint8_t>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}
std::vector<std::uint8_t> slice(const std::vector<std::uint8_t>& v, std::size_t from, std::size_t to) {
    return {v.begin() + static_cast<std::ptrdiff_t>(from), v.begin() + static_cast<std::ptrdiff_t>(std::min(to, v.size()))};
}

// Feeds chunks to a framer and collects the message ids it cuts out.
struct Framed {
    DnsTcpFramer f;
    std::vector<unsigned> ids;
    void operator()(const std::vector<std::uint8_t>& chunk) {
        f.feed(Bytes(chunk.data(), chunk.size()), [&](Bytes msg) {
            ids.push_back(msg.size() >= 2 ? load_be16(msg.data()) : 0xffffffffu);
        });
    }
};

}  // namespace

TEST_CASE("dns/tcp: a whole message in one segment is dissected in place, as tshark") {
    const Decoded d = decode(tcp_packet(framed(query(0x1a2b)), "10.0.0.1", "10.0.0.53", 40000, 53));
    REQUIRE(find(d, Proto::Dns) != nullptr);
    CHECK(find(d, Proto::Dns)->status == LayerStatus::Ok);
    CHECK(field(d, "frame.protocols") == "eth:ethertype:ip:tcp:dns");
    CHECK(field(d, "dns.length") == std::to_string(query(0x1a2b).b.size()));
    CHECK(field(d, "dns.id") == "0x1a2b");
    CHECK(field(d, "dns.qry.name") == "example.com");
    CHECK(protocol_column(d.pkt) == "DNS");
    CHECK(info(d) == "Standard query 0x1a2b A example.com");
    // The server side's port is the one bound.
    const Decoded r = decode(tcp_packet(framed(answer(0x1a2b)), "10.0.0.53", "10.0.0.1", 53, 40000));
    CHECK(field(r, "dns.a") == "192.0.2.1");
    // Over UDP there is no length prefix.
    CHECK(field(dns_udp(query(1)), "dns.length") == "");
}

TEST_CASE("dns/tcp: two messages in one segment are two DNS layers, listed once in frame.protocols") {
    const Decoded d = decode(tcp_packet(cat(framed(query(1)), framed(query(2, "b.example"))), "10.0.0.1", "10.0.0.53", 40000, 53));
    CHECK(stack(d) == "eth:ip:tcp:dns:dns");
    CHECK(field(d, "frame.protocols") == "eth:ethertype:ip:tcp:dns");
    CHECK(field(d, "dns.id") == "0x0001,0x0002");
    CHECK(field(d, "dns.qry.name") == "example.com,b.example");
    CHECK(info(d) == "Standard query 0x0002 A b.example");  // tshark: the last message's
}

TEST_CASE("dns/tcp: pieces of a split message get no DNS (or data) layer in the per-packet view") {
    const std::vector<std::uint8_t> whole = framed(answer(7));
    const Decoded first = decode(tcp_packet(slice(whole, 0, 10), "10.0.0.53", "10.0.0.1", 53, 40000));
    CHECK(stack(first) == "eth:ip:tcp");
    const Decoded rest = decode(tcp_packet(slice(whole, 10, whole.size()), "10.0.0.53", "10.0.0.1", 53, 40000));
    CHECK(stack(rest) == "eth:ip:tcp");
    // A whole message followed by the start of the next: the whole one only.
    const Decoded both = decode(tcp_packet(cat(whole, slice(whole, 0, 5)), "10.0.0.53", "10.0.0.1", 53, 40000));
    CHECK(stack(both) == "eth:ip:tcp:dns");
    // Other TCP ports still show their payload as data.
    CHECK(stack(decode(tcp_packet(whole, "10.0.0.53", "10.0.0.1", 8081, 40000))) == "eth:ip:tcp:data");
}

TEST_CASE("dns/tcp: every cut of a two-message segment decodes without crashing") {
    const std::vector<std::uint8_t> two = cat(framed(answer(1)), framed(query(2)));
    for (std::size_t n = 0; n <= two.size(); ++n) {
        const Decoded d = decode(tcp_packet(slice(two, 0, n), "10.0.0.53", "10.0.0.1", 53, 40000));
        (void)info(d);
        for (const auto& f : Registry::get().fields())
            if (f.proto == Proto::Dns) (void)field(d, f.field->name);
    }
}

TEST_CASE("dns/tcp framer: a message split over two and over three segments") {
    const std::vector<std::uint8_t> m = framed(answer(0x0102));
    Framed two;
    two(slice(m, 0, 20));
    CHECK(two.ids.empty());
    two(slice(m, 20, m.size()));
    CHECK(two.ids == std::vector<unsigned>{0x0102});
    CHECK(two.f.buffered() == 0);

    Framed three;  // the length prefix itself split, as some stacks send it
    three(slice(m, 0, 1));
    three(slice(m, 1, 2));
    CHECK(three.ids.empty());
    three(slice(m, 2, m.size()));
    CHECK(three.ids == std::vector<unsigned>{0x0102});
}

TEST_CASE("dns/tcp framer: two messages in one segment, and a message with the start of the next") {
    const std::vector<std::uint8_t> a = framed(query(1)), b = framed(query(2)), c = framed(query(3));
    Framed f;
    f(cat(a, b));
    CHECK(f.ids == std::vector<unsigned>{1, 2});
    f(cat(c, slice(a, 0, 7)));
    CHECK(f.ids == std::vector<unsigned>{1, 2, 3});
    CHECK(f.f.buffered() == 7);
    f(slice(a, 7, a.size()));
    CHECK(f.ids == std::vector<unsigned>{1, 2, 3, 1});
}

TEST_CASE("dns/tcp framer: a gap in the middle drops the message it hit and resynchronises") {
    const std::vector<std::uint8_t> a = framed(answer(1)), b = framed(answer(2)), c = framed(answer(3));
    Framed f;
    f(slice(a, 0, 15));
    f.f.gap(10);  // the rest of `a` partly lost
    CHECK_FALSE(f.f.in_sync());
    CHECK(f.f.skipped() == 25);
    f(slice(a, 25, a.size()));  // the tail of the damaged message: skipped, not misread
    CHECK(f.ids.empty());
    f(b);  // starts like a message: back in sync
    f(c);
    CHECK(f.ids == std::vector<unsigned>{2, 3});
    CHECK(f.f.in_sync());
}

TEST_CASE("dns/tcp framer: random bytes and random cuts never crash and never buffer past one message") {
    std::mt19937 rng(7);
    for (int round = 0; round < 200; ++round) {
        Framed f;
        for (int i = 0; i < 20; ++i) {
            std::vector<std::uint8_t> chunk(rng() % 300);
            for (auto& x : chunk) x = static_cast<std::uint8_t>(rng());
            if (rng() % 5 == 0) f.f.gap(rng() % 100);
            f(chunk);
            CHECK(f.f.buffered() <= 2 + 65535);
        }
    }
}

namespace {

struct Collect final : DnsEventSink {
    std::vector<DnsTransaction> dns;
    void on_dns(const DnsTransaction& t) override { dns.push_back(t); }
};

// The consumer that would follow DNS in the factory chain (an application protocol).
struct Recorder final : StreamConsumer {
    explicit Recorder(std::string& l) : log(l) {}
    void on_data(int dir, Bytes data) override {
        log += dir ? "<" : ">";
        log.append(reinterpret_cast<const char*>(data.data()), data.size());
    }
    void on_gap(int, std::uint64_t) override { log += "[gap]"; }
    void on_close(EndReason) override { log += "[close]"; }
    std::string& log;
};

// A client/server TCP conversation fed through the tracker and the flow
// engine the way `netdx dns` does.
struct Conversation {
    Collect sink;
    DnsTracker tracker;
    FlowEngine flows;
    std::uint64_t frame = 0;
    std::uint32_t cseq = 1000, sseq = 5000;
    std::int64_t ms = 0;
    std::uint16_t port = 53;  // the port of the side that opens the connection
    std::string other;        // what the next consumer of the chain received

    static DnsTrackerOptions opts() {
        DnsTrackerOptions o;
        o.tcp_from_streams = true;
        return o;
    }
    Conversation() : tracker(sink, opts()) {
        flows.set_consumer_factory(
            [this](const Flow& f) { return make_dns_stream_consumer(tracker, f, std::make_unique<Recorder>(other)); });
    }
    void feed(std::vector<std::uint8_t> bytes) {
        Decoded d = decode(std::move(bytes));
        d.pkt.number = ++frame;
        ms += 10;
        d.pkt.ts = Timestamp{ms / 1000, static_cast<std::uint32_t>((ms % 1000) * 1000000)};
        tracker.on_packet(d.pkt);
        flows.process(d.pkt);
    }
    std::vector<std::uint8_t> tcp(bool from_client, const std::vector<std::uint8_t>& payload, std::uint8_t flags,
                                  std::uint32_t skip = 0) {
        std::uint32_t& seq = from_client ? cseq : sseq;
        seq += skip;  // bytes the capture lost before this segment
        Tins::TCP t(from_client ? port : 40000, from_client ? 40000 : port);
        t.seq(seq);
        t.ack_seq(from_client ? sseq : cseq);
        t.flags(flags);
        seq += static_cast<std::uint32_t>(payload.size()) + ((flags & (Tins::TCP::SYN | Tins::TCP::FIN)) ? 1 : 0);
        Tins::EthernetII eth = Tins::EthernetII("00:00:00:00:00:02", "00:00:00:00:00:01") /
                               Tins::IP(from_client ? "10.0.0.53" : "10.0.0.1", from_client ? "10.0.0.1" : "10.0.0.53") / t;
        if (!payload.empty()) eth /= Tins::RawPDU(payload);
        return eth.serialize();
    }
    void handshake() {
        feed(tcp(true, {}, Tins::TCP::SYN));
        feed(tcp(false, {}, Tins::TCP::SYN | Tins::TCP::ACK));
        feed(tcp(true, {}, Tins::TCP::ACK));
    }
    void close() {
        feed(tcp(true, {}, Tins::TCP::FIN | Tins::TCP::ACK));
        feed(tcp(false, {}, Tins::TCP::FIN | Tins::TCP::ACK));
        feed(tcp(true, {}, Tins::TCP::ACK));
    }
};

constexpr std::uint8_t kPshAck = Tins::TCP::PSH | Tins::TCP::ACK;

}  // namespace

TEST_CASE("dns/tcp tracker: a query and a response each split over segments make one TCP transaction") {
    Conversation c;
    c.handshake();
    const auto q = framed(query(0x55, "split.example")), r = framed(answer(0x55, "split.example"));
    c.feed(c.tcp(true, slice(q, 0, 1), kPshAck));
    c.feed(c.tcp(true, slice(q, 1, q.size()), kPshAck));
    c.feed(c.tcp(false, slice(r, 0, 12), kPshAck));
    c.feed(c.tcp(false, slice(r, 12, 30), kPshAck));
    const std::uint64_t completing = c.frame + 1;
    c.feed(c.tcp(false, slice(r, 30, r.size()), kPshAck));
    c.close();
    c.flows.finish();
    c.tracker.finish();
    REQUIRE(c.sink.dns.size() == 1);
    const DnsTransaction& t = c.sink.dns[0];
    CHECK(t.end == DnsEnd::Answered);
    CHECK(t.transport == DnsTransport::Tcp);
    CHECK(t.qname == "split.example");
    CHECK(t.query_frame == 5);  // the frame that completed the query
    CHECK(t.response_frame == completing);
    REQUIRE(t.answers.size() == 1);
    CHECK(t.answers[0].data == "192.0.2.1");
    CHECK(c.tracker.stats().tcp_gaps == 0);  // FINs are not holes
}

TEST_CASE("dns/tcp tracker: two queries in one segment, answers in one segment") {
    Conversation c;
    c.handshake();
    c.feed(c.tcp(true, cat(framed(query(1, "a.example")), framed(query(2, "b.example"))), kPshAck));
    c.feed(c.tcp(false, cat(framed(answer(2, "b.example")), framed(answer(1, "a.example"))), kPshAck));
    c.close();
    c.flows.finish();
    c.tracker.finish();
    REQUIRE(c.sink.dns.size() == 2);
    for (const DnsTransaction& t : c.sink.dns) CHECK(t.end == DnsEnd::Answered);
}

TEST_CASE("dns/tcp tracker: a gap in the middle of a response is reported and the next answer still counts") {
    Conversation c;
    c.handshake();
    c.feed(c.tcp(true, cat(framed(query(1, "a.example")), framed(query(2, "b.example"))), kPshAck));
    const auto r1 = framed(answer(1, "a.example")), r2 = framed(answer(2, "b.example"));
    c.feed(c.tcp(false, slice(r1, 0, 10), kPshAck));
    // 10 bytes of r1 never captured; the rest of r1 arrives, then r2.
    c.feed(c.tcp(false, slice(r1, 20, r1.size()), kPshAck, 10));
    c.feed(c.tcp(false, r2, kPshAck));
    c.feed(c.tcp(true, {}, Tins::TCP::ACK));  // the client acknowledges past the hole
    c.close();
    c.flows.finish();
    c.tracker.finish();
    CHECK(c.tracker.stats().tcp_gaps >= 1);
    REQUIRE(c.sink.dns.size() == 2);
    int answered = 0, open = 0;
    for (const DnsTransaction& t : c.sink.dns) {
        if (t.end == DnsEnd::Answered) {
            ++answered;
            CHECK(t.id == 2);
        } else {
            ++open;
            CHECK(t.id == 1);
        }
    }
    CHECK(answered == 1);
    CHECK(open == 1);
}

TEST_CASE("dns/tcp tracker: TC over UDP, then the same question split over TCP segments = retried over TCP") {
    Conversation c;
    c.feed(udp_packet(query(9, "big.example").b, "10.0.0.1", "10.0.0.53", 41000, 53));
    c.feed(udp_packet(answer(9, "big.example", true).b, "10.0.0.53", "10.0.0.1", 53, 41000));
    c.handshake();
    const auto q = framed(query(10, "big.example"));
    c.feed(c.tcp(true, slice(q, 0, 8), kPshAck));
    c.feed(c.tcp(true, slice(q, 8, q.size()), kPshAck));
    const auto r = framed(answer(10, "big.example"));
    c.feed(c.tcp(false, r, kPshAck));
    c.close();
    c.flows.finish();
    c.tracker.finish();
    REQUIRE(c.sink.dns.size() == 2);
    CHECK(c.sink.dns[0].transport == DnsTransport::Udp);
    CHECK(c.sink.dns[0].truncated);
    CHECK(c.sink.dns[0].retried_over_tcp);
    CHECK(c.sink.dns[1].transport == DnsTransport::Tcp);

    // A TCP connection asking something else is not a retry.
    Conversation o;
    o.feed(udp_packet(query(9, "big.example").b, "10.0.0.1", "10.0.0.53", 41000, 53));
    o.feed(udp_packet(answer(9, "big.example", true).b, "10.0.0.53", "10.0.0.1", 53, 41000));
    o.handshake();
    o.feed(o.tcp(true, framed(query(11, "other.example")), kPshAck));
    o.close();
    o.flows.finish();
    o.tracker.finish();
    REQUIRE(!o.sink.dns.empty());
    CHECK(o.sink.dns[0].truncated);
    CHECK_FALSE(o.sink.dns[0].retried_over_tcp);
}

TEST_CASE("dns/tcp tracker: another port, a first query split over segments makes the flow DNS both ways") {
    Conversation c;
    c.port = 5300;
    c.handshake();
    const auto q = framed(query(0x66, "files.lab.test")), r = framed(answer(0x66, "files.lab.test"));
    c.feed(c.tcp(true, slice(q, 0, 1), kPshAck));  // one byte of the length first
    c.feed(c.tcp(true, slice(q, 1, 14), kPshAck));
    c.feed(c.tcp(true, slice(q, 14, q.size()), kPshAck));
    c.feed(c.tcp(false, r, kPshAck));
    c.close();
    c.flows.finish();
    c.tracker.finish();
    REQUIRE(c.sink.dns.size() == 1);
    CHECK(c.sink.dns[0].transport == DnsTransport::Tcp);
    CHECK(c.sink.dns[0].qname == "files.lab.test");
    CHECK(c.sink.dns[0].rcode == 0);
    CHECK(c.sink.dns[0].answers.size() == 1);
    CHECK(c.sink.dns[0].end == DnsEnd::Answered);
    CHECK(c.other.empty());  // the next consumer was dropped
}

TEST_CASE("dns/tcp tracker: another port, a first message that is not a query goes to the next consumer intact") {
    const std::string req = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    Conversation c;
    c.port = 5300;
    c.handshake();
    c.feed(c.tcp(true, std::vector<std::uint8_t>(req.begin(), req.end()), kPshAck));
    // A DNS answer later on the same flow does not make it DNS.
    c.feed(c.tcp(false, framed(answer(1)), kPshAck));
    c.close();
    c.flows.finish();
    c.tracker.finish();
    CHECK(c.sink.dns.empty());
    std::string want(1, '>');
    want.append(req);
    CHECK(c.other.substr(0, want.size()) == want);
    CHECK(c.other.find('<') == 1 + req.size());
    CHECK(c.other.ends_with("[close]"));

    // A response first (capture started mid-conversation) is not a query either.
    Conversation d;
    d.port = 5300;
    d.handshake();
    const auto q = framed(query(2));
    d.feed(d.tcp(true, slice(q, 0, 2), kPshAck));  // the length only: undecided
    CHECK(d.other.empty());
    d.feed(d.tcp(false, framed(answer(9)), kPshAck));  // the responder speaks first
    std::string held(1, '>');
    held.append(reinterpret_cast<const char*>(q.data()), 2);
    CHECK(d.other.substr(0, 3) == held);
    d.feed(d.tcp(true, slice(q, 2, q.size()), kPshAck));
    d.close();
    d.flows.finish();
    d.tracker.finish();
    CHECK(d.sink.dns.empty());
}
