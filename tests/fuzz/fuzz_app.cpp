// libFuzzer entry point for one application stream consumer (built once per
// protocol: NETDX_FUZZ_APP names it, e.g. "http"). The input is the two byte
// streams of a TCP connection, cut into chunks at fuzzer-chosen points, as the
// reassembler would deliver them, with gaps and overlaps between. Every event
// the consumer publishes reaches the rules, so the code reading a transaction
// runs on what the consumer built from hostile bytes.
//
// Input format:
//   u8 flags: bit 0 the client is the responder (a flow picked up mid-stream),
//             bits 1-3 how the stream ends (EndReason)
//   then chunks until the input ends:
//   u8 op: bits 0-1  0 client data, 1 server data, 2 a gap, 3 an overlap
//          bits 2-7  high bits of the length
//   u8 low bits of the length, then (data only) that many bytes, cut at the
//   input's end. A chunk's bytes get their own exact-size heap copy, so a read
//   past them is caught by ASan even when more input follows.
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "app/app_stream.hpp"
#include "app/protocol_list.hpp"
#include "flow/flow.hpp"
#include "rules/config.hpp"
#include "rules/engine.hpp"

#ifndef NETDX_FUZZ_APP
#error "NETDX_FUZZ_APP names the protocol whose consumer this target fuzzes"
#endif

namespace {

const netdx::AppProtocol& protocol() {
    static const netdx::AppProtocol* found = [] {
        for (const netdx::ProtocolDecl& d : netdx::protocol_list())
            if (d.analysis && std::string_view(d.analysis->name) == NETDX_FUZZ_APP) return d.analysis;
        return static_cast<const netdx::AppProtocol*>(nullptr);
    }();
    if (!found) __builtin_trap();  // a target built for a protocol that does not exist
    return *found;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace netdx;
    if (size < 1) return 0;
    static const RuleConfig kConfig;
    // The rules outlive an input: building all of them per input took half the
    // time. Every 1024 inputs they finish (reporting on what the consumers
    // gave them) and start again, which bounds their state. A consumer is new
    // per input, so a fault in it reproduces from its input alone; one in a
    // rule may need the inputs before it (replay the corpus in order).
    static std::unique_ptr<Engine> engine;
    static unsigned inputs = 0;
    if (!engine || ++inputs % 1024 == 0) {
        if (engine) (void)engine->finish(1'700'000'000.0, 1'700'000'100.0);
        engine = std::make_unique<Engine>(kConfig);
    }
    AppClock clock;
    clock.ts = 1'700'000'000.0;
    AppEndpoints ep;
    ep.client = IpAddress::v4(reinterpret_cast<const std::uint8_t*>("\x0a\x00\x00\x01"));
    ep.server = IpAddress::v4(reinterpret_cast<const std::uint8_t*>("\x0a\x00\x00\x02"));
    ep.client_port = 40000;
    ep.server_port = 1;
    ep.flow_id = 1;
    ep.client_dir = data[0] & 1;
    const auto why = static_cast<EndReason>((data[0] >> 1) % (static_cast<unsigned>(EndReason::TimedOut) + 1));

    std::unique_ptr<StreamConsumer> consumer = protocol().make(ep, AppContext{engine->bus(), clock});
    if (!consumer) return 0;
    std::size_t pos = 1;
    std::uint64_t frame = 0;
    while (pos + 2 <= size) {
        const unsigned op = data[pos] & 3;
        std::size_t len = static_cast<std::size_t>(data[pos] >> 2) << 8 | data[pos + 1];
        pos += 2;
        clock.where.frame = ++frame;
        clock.ts += 0.013;
        // Direction as the reassembler numbers it: 0 the originator.
        const int client_dir = ep.client_dir;
        const int dir = (op == 1) ? 1 - client_dir : client_dir;
        // A gap or an overlap takes its direction from the length's low bit.
        const int other_dir = (len & 1) ? client_dir : 1 - client_dir;
        if (op == 2) {
            consumer->on_gap(other_dir, len);
            continue;
        }
        if (op == 3) {
            consumer->on_overlap(other_dir, len, len & 2);
            continue;
        }
        if (len > size - pos) len = size - pos;
        std::vector<std::uint8_t> chunk(data + pos, data + pos + len);
        pos += len;
        consumer->on_data(dir, Bytes(chunk.data(), chunk.size()));
    }
    consumer->on_close(why);
    consumer.reset();
    return 0;
}
