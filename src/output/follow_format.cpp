#include "output/follow_format.hpp"

#include <fmt/format.h>

#include <charconv>

#include "core/format_addr.hpp"

namespace netdx {

namespace {

constexpr std::string_view kRule = "===================================================================\n";

bool printable(std::uint8_t b) { return b >= 0x20 && b < 0x7f; }

void append_node(fmt::memory_buffer& out, int n, const FollowNode& node) {
    fmt::format_to(std::back_inserter(out), "Node {}: ", n);
    // IPv6 in brackets, so the port after the last colon stays readable.
    if (node.addr.family == 6) out.push_back('[');
    if (node.addr.family != 0) append_ip(out, node.addr);
    if (node.addr.family == 6) out.push_back(']');
    fmt::format_to(std::back_inserter(out), ":{}\n", node.port);
}

// Text: printable ASCII, CR and LF as they are, anything else a dot.
void append_ascii(fmt::memory_buffer& out, const FollowChunk& c) {
    fmt::format_to(std::back_inserter(out), "{}{}\n", c.from_node1 ? "\t" : "", c.bytes.size());
    for (std::uint8_t b : c.bytes) out.push_back(printable(b) || b == '\r' || b == '\n' ? static_cast<char>(b) : '.');
    out.push_back('\n');
}

void append_raw(fmt::memory_buffer& out, const FollowChunk& c) {
    if (c.from_node1) out.push_back('\t');
    for (std::uint8_t b : c.bytes) fmt::format_to(std::back_inserter(out), "{:02x}", b);
    out.push_back('\n');
}

// hexdump -C's layout: offset (counted per side, upper-case), sixteen bytes
// in two groups of eight, then their text in two groups; the last line's hex
// padded so its text lines up.
void append_hex(fmt::memory_buffer& out, const FollowChunk& c, std::uint64_t offset) {
    const std::size_t n = c.bytes.size();
    for (std::size_t line = 0; line < n; line += 16) {
        const std::size_t end = std::min(n, line + 16);
        if (c.from_node1) out.push_back('\t');
        fmt::format_to(std::back_inserter(out), "{:08X}  ", offset + line);
        for (std::size_t i = line; i < line + 16; ++i) {
            if (i < end) fmt::format_to(std::back_inserter(out), "{:02x} ", c.bytes[i]);
            else append_text(out, "   ");
            if (i - line == 7) out.push_back(' ');
        }
        out.push_back(' ');
        for (std::size_t i = line; i < end; ++i) {
            out.push_back(printable(c.bytes[i]) ? static_cast<char>(c.bytes[i]) : '.');
            if (i - line == 7) out.push_back(' ');
        }
        // tshark drops one trailing space from each line: the group
        // separator after an eighth byte, or a last byte that is a space.
        if (out[out.size() - 1] == ' ') out.resize(out.size() - 1);
        out.push_back('\n');
    }
}

}  // namespace

std::optional<FollowSpec> parse_follow_spec(std::string_view spec, std::string& err) {
    std::vector<std::string_view> parts;
    for (std::size_t from = 0;;) {
        const std::size_t comma = spec.find(',', from);
        parts.push_back(spec.substr(from, comma == std::string_view::npos ? std::string_view::npos : comma - from));
        if (comma == std::string_view::npos) break;
        from = comma + 1;
    }
    if (parts.empty() || parts[0] != "follow") {
        err = "only -z follow,tcp,ascii|hex|raw,N is supported";
        return std::nullopt;
    }
    if (parts.size() != 4) {
        err = "expected follow,tcp,ascii|hex|raw,N (N: a tcp.stream index)";
        return std::nullopt;
    }
    if (parts[1] != "tcp") {
        err = fmt::format("cannot follow \"{}\" streams, only tcp", parts[1]);
        return std::nullopt;
    }
    FollowSpec s;
    if (parts[2] == "ascii") s.mode = FollowMode::Ascii;
    else if (parts[2] == "hex") s.mode = FollowMode::Hex;
    else if (parts[2] == "raw") s.mode = FollowMode::Raw;
    else {
        err = fmt::format("unknown follow mode \"{}\" (ascii, hex or raw)", parts[2]);
        return std::nullopt;
    }
    const std::string_view n = parts[3];
    const auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), s.stream);
    if (n.empty() || ec != std::errc{} || end != n.data() + n.size()) {
        err = fmt::format("\"{}\" is not a tcp.stream index (0, 1, 2, ...)", n);
        return std::nullopt;
    }
    return s;
}

std::string format_follow(const FollowSpec& spec, const FollowNode& node0, const FollowNode& node1,
                          const std::vector<FollowChunk>& chunks) {
    fmt::memory_buffer out;
    out.push_back('\n');
    append_text(out, kRule);
    static constexpr std::string_view kModes[] = {"ascii", "hex", "raw"};
    fmt::format_to(std::back_inserter(out), "Follow: tcp,{}\nFilter: tcp.stream eq {}\n",
                   kModes[static_cast<int>(spec.mode)], spec.stream);
    append_node(out, 0, node0);
    append_node(out, 1, node1);
    std::uint64_t offset[2] = {0, 0};  // each side's hex offsets count its own bytes
    for (const FollowChunk& c : chunks) {
        switch (spec.mode) {
            case FollowMode::Ascii: append_ascii(out, c); break;
            case FollowMode::Raw: append_raw(out, c); break;
            case FollowMode::Hex: append_hex(out, c, offset[c.from_node1]); break;
        }
        offset[c.from_node1] += c.bytes.size();
    }
    append_text(out, kRule);
    return fmt::to_string(out);
}

}  // namespace netdx
