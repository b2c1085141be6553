#pragma once
// Checked reading of DHCPv6 messages (RFC 8415): header and a depth-first walk
// over options, descending into IA_NA / IA_TA / IA_PD and their address and
// prefix options. Relay messages are walked at their own level only.
#include <cstddef>
#include <cstdint>

#include "core/cursor.hpp"

namespace netdx::dhcpv6 {

constexpr std::uint8_t kRelayForw = 12, kRelayRepl = 13;

struct WalkResult {
    bool ok = true;
    const char* problem = nullptr;
};

// Offset of the options of a message of this type (4 for client/server
// messages, 34 for relay messages).
[[nodiscard]] inline std::size_t options_offset(std::uint8_t msgtype) {
    return msgtype == kRelayForw || msgtype == kRelayRepl ? 34 : 4;
}

// Where the sub-options of an option start inside its data, or 0 when it has none.
[[nodiscard]] inline std::size_t nested_offset(std::uint16_t code) {
    switch (code) {
        case 3: return 12;   // IA_NA: IAID, T1, T2
        case 4: return 4;    // IA_TA: IAID
        case 25: return 12;  // IA_PD
        case 5: return 24;   // IAADDR: address, preferred, valid
        case 26: return 25;  // IAPREFIX: preferred, valid, length, prefix
        default: return 0;
    }
}

namespace detail {
template <typename Fn>
bool walk_level(Bytes m, std::size_t off, std::size_t end, int depth, std::uint16_t parent, Fn& fn, WalkResult& res) {
    while (off < end) {
        if (end - off < 4) {
            res = {false, "DHCPv6 option header cut short"};
            return false;
        }
        const std::uint16_t code = load_be16(m.data() + off);
        const std::uint16_t len = load_be16(m.data() + off + 2);
        if (len > end - off - 4) {
            res = {false, "DHCPv6 option runs past its container"};
            return false;
        }
        const std::uint8_t* d = m.data() + off + 4;
        if (!fn(code, d, len, parent)) return false;
        const std::size_t sub = nested_offset(code);
        if (sub && depth < 4) {
            if (len < sub) {
                res = {false, "DHCPv6 IA option shorter than its fixed part"};
                return false;
            }
            if (!walk_level(m, off + 4 + sub, off + 4 + len, depth + 1, code, fn, res)) return false;
        }
        off += 4u + len;
    }
    return true;
}
}  // namespace detail

// Calls fn(code, data, len, parent_code) for each option (parent 0 at top).
template <typename Fn>
WalkResult walk(Bytes m, Fn&& fn) {
    WalkResult res;
    if (m.size() < 4) return {false, "DHCPv6 header cut before 4 bytes"};
    const std::size_t start = options_offset(m[0]);
    if (m.size() < start) return {false, "DHCPv6 relay header cut before 34 bytes"};
    detail::walk_level(m, start, m.size(), 0, 0, fn, res);
    return res;
}

const char* message_type_name(std::uint8_t type);  // "Solicit", ...; null if unknown

}  // namespace netdx::dhcpv6
