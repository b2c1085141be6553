#pragma once
// The options of a pcapng packet record (opt_comment, ...), kept as a view
// into the reader's record buffer and walked only when a field asks: most
// records have none, so the common path copies two words and allocates nothing.
#include <cstdint>
#include <cstring>
#include <string_view>

#include "core/cursor.hpp"

namespace netdx {

struct RecordOptions {
    Bytes data;            // after the packet bytes, up to the block's end
    bool swapped = false;  // the section's byte order differs from the host's

    // Calls f(code, value) for each well-formed option up to opt_endofopt; a
    // bad length ends the walk, as tshark ignores the rest.
    template <class F>
    void each(F&& f) const {
        for (std::size_t o = 0; o + 4 <= data.size();) {
            const std::uint16_t code = u16(data.data() + o), len = u16(data.data() + o + 2);
            if (code == 0) return;
            const std::size_t next = o + 4 + ((len + 3u) & ~3u);
            if (o + 4 + len > data.size()) return;
            f(code, std::string_view(reinterpret_cast<const char*>(data.data() + o + 4), len));
            o = next;
        }
    }

private:
    [[nodiscard]] std::uint16_t u16(const std::uint8_t* p) const {
        std::uint16_t v;
        std::memcpy(&v, p, 2);
        return swapped ? static_cast<std::uint16_t>((v >> 8) | (v << 8)) : v;
    }
};

inline constexpr std::uint16_t kOptComment = 1;

}  // namespace netdx
