#pragma once
// Checked reading of BOOTP/DHCPv4 messages (RFC 2131, options RFC 2132):
// the fixed header and an option walk that follows option overload (52) into
// the file and sname fields. Shared by the dissector and the exchange tracker;
// nothing allocates.
#include <cstddef>
#include <cstdint>

#include "core/cursor.hpp"

namespace netdx::dhcp {

constexpr std::size_t kFixedLen = 236;     // op .. file
constexpr std::size_t kOptionsOff = 240;   // after the magic cookie
constexpr std::size_t kSnameOff = 44, kSnameLen = 64, kFileOff = 108, kFileLen = 128;
constexpr std::uint32_t kMagic = 0x63825363;

// Where an option was found.
enum class Area : std::uint8_t { Options, File, Sname };

struct WalkResult {
    bool ok = true;
    bool end_seen = false;
    const char* problem = nullptr;  // static reason when !ok
};

[[nodiscard]] inline bool has_cookie(Bytes m) {
    return m.size() >= kOptionsOff && load_be32(m.data() + kFixedLen) == kMagic;
}

// Calls fn(code, data, len, area) for each option except Pad and End; fn
// returns false to stop. The End option is reported through end_seen.
template <typename Fn>
WalkResult walk_options(Bytes m, Fn&& fn) {
    WalkResult res;
    if (!has_cookie(m)) return res;
    std::uint8_t overload = 0;
    auto area_walk = [&](std::size_t off, std::size_t end, Area area) -> bool {
        while (off < end) {
            const std::uint8_t code = m[off];
            if (code == 0) { ++off; continue; }
            if (code == 255) {
                if (area == Area::Options) res.end_seen = true;
                return true;
            }
            if (off + 1 >= end) {
                res = {false, res.end_seen, "DHCP option length cut short"};
                return false;
            }
            const std::uint8_t len = m[off + 1];
            if (off + 2 + len > end) {
                res = {false, res.end_seen, "DHCP option runs past the end of its area"};
                return false;
            }
            if (code == 52 && area == Area::Options && len == 1) overload = m[off + 2];
            if (!fn(code, m.data() + off + 2, len, area)) return false;
            off += 2u + len;
        }
        return true;
    };
    if (!area_walk(kOptionsOff, m.size(), Area::Options)) return res;
    // RFC 2131 4.1: the file field is read before sname.
    if ((overload & 1) && !area_walk(kFileOff, kFileOff + kFileLen, Area::File)) return res;
    if ((overload & 2) && !area_walk(kSnameOff, kSnameOff + kSnameLen, Area::Sname)) return res;
    return res;
}

// Static reason when an option's length cannot be right for its code.
const char* check_option(std::uint8_t code, const std::uint8_t* data, std::uint8_t len);

// Option 53 value names as tshark prints them ("Discover", "ACK", ...), null if unknown.
const char* message_type_name(std::uint8_t type);

}  // namespace netdx::dhcp
