#pragma once
// TCP options (RFC 9293, 7323, 2018) walked over a header's option bytes.
#include <cstdint>

#include "core/cursor.hpp"

namespace netdx {

struct TcpOptions {
    bool malformed = false;
    bool has_mss = false, has_wscale = false, sack_permitted = false, has_timestamps = false;
    std::uint16_t mss = 0;
    std::uint8_t wscale = 0;
    std::uint32_t tsval = 0, tsecr = 0;
    std::uint8_t sack_count = 0;
    std::uint32_t sack_left[4]{}, sack_right[4]{};
};

// Calls visit(kind, body) for every option in order; returns false when a length
// does not fit (the options after it are not walked).
template <typename Visit>
bool walk_tcp_options(Bytes opts, Visit&& visit) {
    std::size_t i = 0;
    while (i < opts.size()) {
        const std::uint8_t kind = opts[i];
        if (kind == 0) return true;
        if (kind == 1) { visit(kind, Bytes{}); ++i; continue; }
        if (i + 1 >= opts.size()) return false;
        const std::uint8_t len = opts[i + 1];
        if (len < 2 || i + len > opts.size()) return false;
        visit(kind, opts.subspan(i + 2, len - 2u));
        i += len;
    }
    return true;
}

inline TcpOptions parse_tcp_options(Bytes opts) {
    TcpOptions o;
    const bool ok = walk_tcp_options(opts, [&](std::uint8_t kind, Bytes body) {
        Cursor c(body);
        switch (kind) {
            case 2: if (body.size() == 2) { o.has_mss = true; o.mss = c.be16(); } else o.malformed = true; break;
            case 3: if (body.size() == 1) { o.has_wscale = true; o.wscale = c.u8(); } else o.malformed = true; break;
            case 4: if (body.empty()) o.sack_permitted = true; else o.malformed = true; break;
            case 5:
                if (body.size() % 8 != 0 || body.empty()) { o.malformed = true; break; }
                while (c.remaining() >= 8 && o.sack_count < 4) {
                    o.sack_left[o.sack_count] = c.be32();
                    o.sack_right[o.sack_count] = c.be32();
                    ++o.sack_count;
                }
                break;
            case 8:
                if (body.size() == 8) { o.has_timestamps = true; o.tsval = c.be32(); o.tsecr = c.be32(); }
                else o.malformed = true;
                break;
            default: break;
        }
    });
    if (!ok) o.malformed = true;
    return o;
}

}  // namespace netdx
