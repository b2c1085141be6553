// Each tcp.analysis flag on a crafted sequence, checked frame by frame against
// what tshark 4.0 marks on the same sequence.
#include <doctest/doctest.h>

#include "flow_helpers.hpp"

using namespace netdx;
using namespace netdx::test;

namespace {
std::vector<Seg> with(std::vector<Seg> base, std::initializer_list<Seg> more) {
    base.insert(base.end(), more);
    return base;
}
}  // namespace

TEST_CASE("clean handshake and data raise no flag; relative numbers start at 0/1") {
    Run r;
    r.all(with(handshake(), {{true, 1001, 5001, A | P, 1000, 100, 0.03}, {false, 5001, 1101, A, 1000, 0, 0.04}}));
    for (std::size_t i = 1; i <= 5; ++i) CHECK(r.flags(i) == 0);
    CHECK(r.infos[0].rel_seq == 0);
    CHECK(r.infos[1].rel_seq == 0);
    CHECK(r.infos[1].rel_ack == 1);
    CHECK(r.infos[3].rel_seq == 1);
    CHECK(r.infos[3].next_seq == 101);
    CHECK(r.infos[4].rel_ack == 101);
    CHECK(r.infos[4].acked_frame == 4);
}

TEST_CASE("retransmission: same data again after the RTT") {
    Run r;
    r.all(with(handshake(), {{true, 1001, 5001, A | P, 1000, 100, 0.03}, {true, 1001, 5001, A | P, 1000, 100, 1.0}}));
    CHECK(r.flags(5) == kTcpRetransmission);
}

TEST_CASE("retransmitted SYN is a retransmission; a SYN with a new ISN reuses the ports") {
    Run r;
    r.all({{true, 1000, 0, S, 1000, 0, 0.0}, {true, 1000, 0, S, 1000, 0, 1.0}, {true, 7777, 0, S, 1000, 0, 2.0}});
    CHECK(r.flags(2) == kTcpRetransmission);
    CHECK(r.flags(3) == kTcpReusedPorts);
    CHECK(r.infos[2].stream == r.infos[0].stream + 1);
    CHECK(r.infos[2].rel_seq == 0);
}

TEST_CASE("out-of-order: an earlier segment arrives within the RTT") {
    Run r;
    r.all(with(handshake(), {{true, 1101, 5001, A, 1000, 100, 0.030}, {true, 1001, 5001, A, 1000, 100, 0.031}}));
    CHECK(r.flags(4) == kTcpLostSegment);
    CHECK(r.flags(5) == kTcpOutOfOrder);
}

TEST_CASE("lost segment and ACKed unseen segment") {
    Run r;
    r.all(with(handshake(), {{true, 1201, 5001, A, 1000, 100, 0.03}, {false, 5001, 1301, A, 1000, 0, 0.04}}));
    CHECK(r.flags(4) == kTcpLostSegment);
    CHECK(r.flags(5) == kTcpAckLostSegment);  // acks the 100 bytes lost before frame 4
    Run u;
    u.all(with(handshake(), {{true, 1001, 5001, A, 1000, 100, 0.03}, {false, 5001, 1201, A, 1000, 0, 0.04}}));
    CHECK(u.flags(5) == kTcpAckLostSegment);
}

TEST_CASE("duplicate ACKs carry their number and the frame they repeat; fast retransmission follows") {
    Run r;
    r.all(with(handshake(), {
                                {true, 1001, 5001, A, 1000, 100, 0.030},   // 4
                                {true, 1101, 5001, A, 1000, 100, 0.031},   // 5
                                {false, 5001, 1101, A, 1000, 0, 0.040},    // 6 ack
                                {false, 5001, 1101, A, 1000, 0, 0.041},    // 7 dup 1
                                {false, 5001, 1101, A, 1000, 0, 0.042},    // 8 dup 2
                                {true, 1101, 5001, A, 1000, 100, 0.045},   // 9 fast retransmission
                            }));
    CHECK(r.flags(6) == 0);
    CHECK(r.flags(7) == kTcpDuplicateAck);
    CHECK(r.infos[6].dupack_num == 1);
    CHECK(r.infos[6].dupack_frame == 6);
    CHECK(r.flags(8) == kTcpDuplicateAck);
    CHECK(r.infos[7].dupack_num == 2);
    CHECK(r.flags(9) == kTcpFastRetransmission);
}

TEST_CASE("spurious retransmission: data the peer already acknowledged") {
    Run r;
    r.all(with(handshake(), {{true, 1001, 5001, A, 1000, 100, 0.03},
                             {false, 5001, 1101, A, 1000, 0, 0.04},
                             {true, 1001, 5001, A, 1000, 100, 1.0}}));
    CHECK(r.flags(6) == kTcpSpuriousRetransmission);
}

TEST_CASE("zero window, zero window probe, probe ACK and window update") {
    Run r;
    r.all(with(handshake(), {
                                {true, 1001, 5001, A, 1000, 100, 0.03},    // 4
                                {false, 5001, 1101, A, 0, 0, 0.04},        // 5 zero window
                                {true, 1101, 5001, A, 1000, 1, 0.5},       // 6 probe
                                {false, 5001, 1101, A, 0, 0, 0.51},        // 7 probe ack (+ zero window)
                                {false, 5001, 1101, A, 2000, 0, 0.6},      // 8 window update
                            }));
    CHECK(r.flags(5) == kTcpZeroWindow);
    CHECK(r.flags(6) == kTcpZeroWindowProbe);
    CHECK(r.flags(7) == (kTcpZeroWindow | kTcpZeroWindowProbeAck));
    CHECK(r.flags(8) == kTcpWindowUpdate);
}

TEST_CASE("keep-alive and keep-alive ACK") {
    Run r;
    r.all(with(handshake(), {
                                {true, 1001, 5001, A, 1000, 100, 0.03},   // 4
                                {false, 5001, 1101, A, 1000, 0, 0.04},    // 5
                                {true, 1100, 5001, A, 1000, 0, 60.0},     // 6 keep-alive
                                {false, 5001, 1101, A, 1000, 0, 60.01},   // 7 keep-alive ack
                            }));
    CHECK(r.flags(6) == kTcpKeepAlive);
    CHECK(r.flags(7) == kTcpKeepAliveAck);
}

TEST_CASE("window full uses the scale from the handshake") {
    // Server announces window 10 with scale 2^4: 160 bytes in flight fill it.
    Run r;
    r.all({{true, 1000, 0, S, 1000, 0, 0.0, 3},
           {false, 5000, 1001, S | A, 1000, 0, 0.01, 4},
           {true, 1001, 5001, A, 1000, 0, 0.02},
           {false, 5001, 1001, A, 10, 0, 0.025},
           {true, 1001, 5001, A, 1000, 100, 0.03},
           {true, 1101, 5001, A, 1000, 60, 0.031}});
    CHECK(r.flags(5) == 0);
    CHECK(r.flags(6) == kTcpWindowFull);
    CHECK(r.infos[3].window == 160);
}

TEST_CASE("sequence numbers wrap around without false flags") {
    Run r;
    const std::uint32_t isn = 0xffffff00u;
    r.all({{true, isn, 0, S, 1000, 0, 0.0},
           {false, 5000, isn + 1, S | A, 1000, 0, 0.01},
           {true, isn + 1, 5001, A, 1000, 0, 0.02},
           {true, isn + 1, 5001, A, 1000, 200, 0.03},          // crosses 2^32
           {true, isn + 201, 5001, A, 1000, 200, 0.031},
           {false, 5001, isn + 401, A, 1000, 0, 0.04},
           {true, isn + 201, 5001, A, 1000, 200, 2.0}});       // spurious retransmission after wrap
    for (std::size_t i = 1; i <= 6; ++i) CHECK(r.flags(i) == 0);
    CHECK(r.infos[4].rel_seq == 201);
    CHECK(r.flags(7) == kTcpSpuriousRetransmission);
}

TEST_CASE("SACK-carrying duplicate ACKs are still duplicate ACKs") {
    Run r;
    std::vector<Seg> segs = with(handshake(), {{true, 1001, 5001, A, 1000, 100, 0.03},
                                               {true, 1201, 5001, A, 1000, 100, 0.031},
                                               {false, 5001, 1101, A, 1000, 0, 0.04},
                                               {false, 5001, 1101, A, 1000, 0, 0.041}});
    std::uint64_t n = 1;
    for (const Seg& s : segs) {
        if (n == 7) {
            // Frame 7 carries a SACK block for the segment after the hole.
            Tins::TCP tcp(40000, 80);
            tcp.seq(s.seq);
            tcp.ack_seq(s.ack);
            tcp.window(s.window);
            tcp.flags(Tins::TCP::ACK);
            tcp.sack({1201, 1301});
            Tins::EthernetII eth = Tins::EthernetII() / Tins::IP("10.0.0.1", "10.0.0.2") / tcp;
            r.keep = eth.serialize();
            Packet pkt;
            pkt.number = n++;
            pkt.ts.nsec = 41000000;
            pkt.linktype = 1;
            pkt.bytes = Bytes(r.keep.data(), r.keep.size());
            pkt.caplen = pkt.wirelen = static_cast<std::uint32_t>(r.keep.size());
            decode_packet(pkt);
            r.infos.push_back(r.engine.process(pkt).seg);
            continue;
        }
        r.feed(s, n++);
    }
    CHECK(r.flags(5) == kTcpLostSegment);
    CHECK(r.flags(7) == kTcpDuplicateAck);
}

TEST_CASE("spurious retransmission takes precedence over out-of-order (tshark 4.0 order)") {
    Run r;
    r.all(with(handshake(), {{true, 1001, 5001, A, 1000, 100, 0.030},
                             {true, 1101, 5001, A, 1000, 100, 0.031},
                             {false, 5001, 1201, A, 1000, 0, 0.035},
                             {true, 1001, 5001, A, 1000, 100, 0.036}}));  // within the 20 ms RTT
    CHECK(r.flags(7) == kTcpSpuriousRetransmission);
}

TEST_CASE("a run of duplicate ACKs ends only on a new ACK number, not on data in between") {
    Run r;
    r.all(with(handshake(), {{true, 1001, 5001, A, 1000, 100, 0.030},
                             {true, 1201, 5001, A, 1000, 100, 0.031},      // 5 after a hole
                             {false, 5001, 1101, A, 1000, 0, 0.040},       // 6
                             {false, 5001, 1101, A, 1000, 0, 0.041},       // 7 dup #1
                             {false, 5001, 1101, A | P, 1000, 50, 0.042},  // 8 data, same ACK
                             {false, 5051, 1101, A, 1000, 0, 0.043}}));    // 9 dup #2 of frame 6
    CHECK(r.flags(5) == kTcpLostSegment);
    CHECK(r.flags(7) == kTcpDuplicateAck);
    CHECK(r.flags(9) == kTcpDuplicateAck);
    CHECK(r.infos[8].dupack_num == 2);
    CHECK(r.infos[8].dupack_frame == 6);
}

TEST_CASE("ACKed unseen segment: once per hole; the parked counter makes a quick FIN repeat a fast retransmission") {
    Run r;
    r.all(with(handshake(), {
                                {true, 1001, 5001, A, 1000, 100, 0.030},       // 4
                                {false, 5001, 1101, A, 1000, 0, 0.031},        // 5
                                {false, 5001, 1101, F | A, 1000, 0, 0.032},    // 6 server FIN
                                {true, 1101, 5001, A, 1000, 100, 0.100},       // 7
                                {false, 5001, 1301, F | A, 1000, 0, 0.1001},   // 8 FIN again, acks 100 unseen bytes
                                {false, 5002, 1401, A, 1000, 0, 0.200},        // 9 same hole: not again
                                {true, 1401, 5002, A, 1000, 100, 0.300},       // 10 client sends past the hole
                                {false, 5002, 1601, A, 1000, 0, 0.310},        // 11 acked beyond it again
                            }));
    CHECK(r.flags(8) == (kTcpAckLostSegment | kTcpFastRetransmission));
    CHECK(r.flags(9) == 0);
    CHECK(r.flags(10) == kTcpLostSegment);
    CHECK(r.flags(11) == kTcpAckLostSegment);
}

TEST_CASE("a SYN repeating its ISN after a RST with a far seq restores the expected seq") {
    Run r;
    r.all({{true, 1000, 0, S, 1000, 0, 0.0},
           {true, 900000, 0, R, 0, 0, 0.01},           // RST whose seq is far ahead
           {true, 1000, 0, S, 1000, 0, 3.0},            // 3 SYN retransmitted
           {false, 5000, 1001, S | A, 1000, 0, 3.01},
           {true, 1001, 5001, A, 1000, 0, 3.02},
           {true, 1001, 5001, A, 1000, 100, 3.03}});   // 6 first data: nothing to flag
    CHECK(r.flags(3) == kTcpRetransmission);
    CHECK(r.flags(6) == 0);
}
