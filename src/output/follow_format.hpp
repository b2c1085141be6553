#pragma once
// tshark's `-z follow,tcp,MODE,N` output, as text: the spec parser and the
// renderer. Pure: the chunks come from src/output/follow_stream.hpp, which
// takes them from the flow layer's reassembled streams.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/packet.hpp"

namespace netdx {

enum class FollowMode : std::uint8_t { Ascii, Hex, Raw };

struct FollowSpec {
    FollowMode mode = FollowMode::Ascii;
    std::uint32_t stream = 0;  // tcp.stream
};

// "follow,tcp,ascii|hex|raw,N". On failure, nullopt and `err` says why.
std::optional<FollowSpec> parse_follow_spec(std::string_view spec, std::string& err);

// One run of bytes as tshark groups them: one per segment that brought new
// bytes (or per missing-data marker), in the order they joined the stream.
struct FollowChunk {
    bool from_node1 = false;
    std::vector<std::uint8_t> bytes;
};

struct FollowNode {
    IpAddress addr;  // family 0: the stream was not seen (tshark prints ":0")
    std::uint16_t port = 0;
};

std::string format_follow(const FollowSpec& spec, const FollowNode& node0, const FollowNode& node1,
                          const std::vector<FollowChunk>& chunks);

}  // namespace netdx
