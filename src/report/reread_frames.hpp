#pragma once
// A second read of the input files for the few frames a report names (the
// evidence pcap, the evidence's flow uids): each file with a wanted frame is
// opened again and read up to its last wanted frame; nothing else is kept.
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "capture/source.hpp"
#include "events/common.hpp"

namespace netdx {

struct RereadResult {
    std::string error;  // empty on success: an input that could not be opened again
    int exit_code = 0;
};

// `wanted` is sorted (by file, then frame). on_file(input, source) runs before
// the first wanted frame of an input, on_frame(index into wanted, packet) on
// each wanted frame (undecoded); either returning false ends the read.
RereadResult reread_frames(const std::vector<std::string>& files, std::span<const FrameRef> wanted,
                           const std::function<bool(std::uint32_t, PacketSource&)>& on_file,
                           const std::function<bool(std::size_t, Packet&)>& on_frame);

}  // namespace netdx
