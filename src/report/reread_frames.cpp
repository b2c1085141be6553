#include "report/reread_frames.hpp"

#include <memory>

namespace netdx {

RereadResult reread_frames(const std::vector<std::string>& files, std::span<const FrameRef> wanted,
                           const std::function<bool(std::uint32_t, PacketSource&)>& on_file,
                           const std::function<bool(std::size_t, Packet&)>& on_frame) {
    RereadResult res;
    Packet pkt;
    std::size_t want = 0;
    for (std::uint32_t i = 0; i < files.size(); ++i) {
        while (want < wanted.size() && wanted[want].file < i) ++want;  // frames of a missing input
        if (want == wanted.size() || wanted[want].file != i) continue;
        SourceOptions opts;
        opts.file = files[i];
        std::unique_ptr<PacketSource> src;
        try {
            src = PacketSource::open(opts);
        } catch (const CaptureError& e) {
            res.error = e.what();
            res.exit_code = code(e.code());
            return res;
        }
        if (!on_file(i, *src)) return res;
        while (want < wanted.size() && wanted[want].file == i) {
            if (src->next(pkt) != PacketSource::Result::Packet) break;
            if (pkt.number < wanted[want].frame) continue;
            if (!on_frame(want++, pkt)) return res;
        }
    }
    return res;
}

}  // namespace netdx
