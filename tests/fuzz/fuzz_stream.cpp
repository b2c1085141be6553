// libFuzzer entry point for the stateful stages: the input is a sequence of
// packets that go, in order, through the flow engine (TCP analysis,
// reassembly, IP defragmentation) and the analysis pipeline (DNS/DHCP
// trackers, connection tracker, every rule), then the rules finish. Faults
// that need several packets (a session, a half-reassembled PDU, a
// transaction) are only reachable this way.
//
// Record format, repeated until the input ends:
//   u8 time step (x 37 ms, so idle timeouts and transaction timeouts fire)
//   u8 link type: a supported DLT number as it is (1 Ethernet, 113 SLL, ...),
//      any other value picks one of the supported link types
//   u16 big-endian length, then that many packet bytes (cut at the input's end)
#include <cstdint>
#include <cstdio>
#include <vector>

#include "analysis/pipeline.hpp"
#include "dissectors/decode.hpp"
#include "fuzz_links.hpp"
#include "flow/flow_engine.hpp"
#include "output/packet_printer.hpp"
#include "rules/config.hpp"
#include "rules/engine.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace netdx;
    static const RuleConfig kConfig;
    PacketPrinter summary(PacketFormat::Summary, {}, fuzz::null_sink());
    Engine engine(kConfig);
    Pipeline pipeline(engine.bus(), PipelineOptions{});
    FlowEngine flows;
    pipeline.begin_file(0, "fuzz");

    // Every packet gets its own exact-size heap copy, so a read past its end
    // is caught by ASan even when more input follows.
    std::vector<std::vector<std::uint8_t>> keep;
    Timestamp ts{1'700'000'000, 0};
    CaptureClock clock;
    std::uint64_t number = 0;
    std::size_t pos = 0;
    while (pos + 4 <= size) {
        const unsigned step = data[pos];
        const int lt = fuzz::link_type_of(data[pos + 1]);
        std::size_t len = static_cast<std::size_t>(data[pos + 2]) << 8 | data[pos + 3];
        pos += 4;
        if (len > size - pos) len = size - pos;
        keep.emplace_back(data + pos, data + pos + len);
        pos += len;

        const std::uint64_t ns = ts.nsec + static_cast<std::uint64_t>(step) * 37'000'000;
        ts.sec += static_cast<std::int64_t>(ns / 1'000'000'000);
        ts.nsec = static_cast<std::uint32_t>(ns % 1'000'000'000);
        Packet pkt;
        pkt.number = ++number;
        pkt.ts = ts;
        pkt.linktype = lt;
        pkt.bytes = Bytes(keep.back().data(), len);
        pkt.caplen = static_cast<std::uint32_t>(len);
        pkt.wirelen = static_cast<std::uint32_t>(len + (step & 1 ? 0 : len / 3));
        decode_packet(pkt);
        const PacketFlowInfo& fi = flows.process(pkt);
        pkt.tcp_analysis = fi.tcp ? &fi.seg : nullptr;
        if (!clock.started) {
            clock.first = clock.previous = pkt.ts;
            clock.started = true;
        }
        summary.print(pkt, clock);
        clock.previous = pkt.ts;
        pipeline.packet(pkt);
        // The pipeline's trackers may hold views into earlier packets only
        // while they are being processed; old copies can go.
        if (keep.size() > 64) keep.erase(keep.begin());
    }
    flows.finish();
    pipeline.end();
    const CaptureSummary& sum = pipeline.summary();
    engine.finish(sum.first, sum.last);
    return 0;
}
