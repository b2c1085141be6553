#pragma once
// Builds TCP/IP conversations with libtins and runs them through the flow
// engine one packet at a time, so tests read what netdx says of each segment.
#include <tins/tins.h>

#include <cstdint>
#include <string>
#include <vector>

#include "dissectors/decode.hpp"
#include "flow/flow_engine.hpp"

namespace netdx::test {

struct Seg {
    bool from_client = true;
    std::uint32_t seq = 0, ack = 0;
    std::uint16_t flags = 0;  // kTh* bits
    std::uint16_t window = 1000;
    std::uint32_t len = 0;
    double t = 0;             // seconds
    int wscale = -1;
};

inline std::vector<std::uint8_t> tcp_bytes(const Seg& s, const std::string& cli = "10.0.0.1",
                                           const std::string& srv = "10.0.0.2", std::uint16_t cport = 40000,
                                           std::uint16_t sport = 80) {
    Tins::TCP tcp(s.from_client ? sport : cport, s.from_client ? cport : sport);
    tcp.seq(s.seq);
    tcp.ack_seq(s.ack);
    tcp.window(s.window);
    tcp.flags(static_cast<Tins::small_uint<12>>(s.flags));
    if (s.wscale >= 0) tcp.winscale(static_cast<std::uint8_t>(s.wscale));
    Tins::EthernetII eth = Tins::EthernetII("00:00:00:00:00:02", "00:00:00:00:00:01") /
                           Tins::IP(s.from_client ? srv : cli, s.from_client ? cli : srv) / tcp;
    if (s.len) eth /= Tins::RawPDU(std::vector<std::uint8_t>(s.len, 'x'));
    return eth.serialize();
}

// Runs segments through one engine; returns the analysis of each.
struct Run {
    FlowEngine engine;
    std::vector<TcpSegmentInfo> infos;
    std::vector<std::uint8_t> keep;

    explicit Run(FlowEngineConfig cfg = {}) : engine(cfg) {}
    const TcpSegmentInfo& feed(const Seg& s, std::uint64_t number) {
        keep = tcp_bytes(s);
        Packet pkt;
        pkt.number = number;
        pkt.ts.sec = static_cast<std::int64_t>(s.t);
        pkt.ts.nsec = static_cast<std::uint32_t>((s.t - static_cast<double>(pkt.ts.sec)) * 1e9 + 0.5);
        pkt.linktype = 1;
        pkt.bytes = Bytes(keep.data(), keep.size());
        pkt.caplen = pkt.wirelen = static_cast<std::uint32_t>(keep.size());
        decode_packet(pkt);
        infos.push_back(engine.process(pkt).seg);
        return infos.back();
    }
    void all(const std::vector<Seg>& segs) {
        std::uint64_t n = 1;
        for (const Seg& s : segs) feed(s, n++);
    }
    std::uint32_t flags(std::size_t frame) const { return infos.at(frame - 1).flags; }
};

constexpr std::uint16_t S = kThSyn, A = kThAck, F = kThFin, R = kThRst, P = kThPush;

// A handshake: client ISN `c`, server ISN `s`, 10 ms RTT.
inline std::vector<Seg> handshake(std::uint32_t c = 1000, std::uint32_t s = 5000, int cws = -1, int sws = -1) {
    return {{true, c, 0, S, 1000, 0, 0.0, cws}, {false, s, c + 1, S | A, 1000, 0, 0.010, sws},
            {true, c + 1, s + 1, A, 1000, 0, 0.020}};
}

}  // namespace netdx::test
