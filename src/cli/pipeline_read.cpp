#include "cli/pipeline_read.hpp"

#include "analysis/pipeline.hpp"

namespace netdx {

int read_through_pipeline(PacketSource& src, const SourceArgs& args, EventBus& bus,
                          const std::function<void(const Packet&)>& on_packet) {
    Pipeline pipeline(bus, PipelineOptions{});
    pipeline.begin_file(0, src.live() ? args.opts.interface : args.opts.file);
    Packet pkt;
    std::uint64_t seen = 0;
    const int rc = for_each_packet(
        src, pkt,
        [&](const Packet& p) {
            if (on_packet) on_packet(p);
            pipeline.packet(p);
            return !(args.count && ++seen >= args.count);
        },
        [] {});
    pipeline.end();
    return rc;
}

}  // namespace netdx
