#pragma once
// The lines of a text protocol's segment (SMTP, FTP) for the packet view:
// stateless and allocation-free, each line cut at its CR LF (or LF, or the
// segment end) and at a bound, so any byte sequence is safe to walk.
#include <algorithm>
#include <string_view>

#include "core/packet.hpp"

namespace netdx {

class TextLines {
public:
    explicit TextLines(std::string_view segment) : rest_(segment) {}
    // The next line without its line end; false when none is left.
    bool next(std::string_view& line) {
        if (rest_.empty()) return false;
        const std::size_t nl = rest_.find('\n');
        line = rest_.substr(0, nl);
        rest_ = nl == std::string_view::npos ? std::string_view{} : rest_.substr(nl + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        return true;
    }

private:
    std::string_view rest_;
};

// The payload of a layer whose decoder took all its bytes as its length (so
// Ethernet padding after the IP datagram is not part of it).
inline std::string_view layer_text(const Packet& pkt, const Layer& l) {
    Bytes b = pkt.layer_bytes(l);
    return {reinterpret_cast<const char*>(b.data()), std::min<std::size_t>(b.size(), l.length)};
}

// True when the segment was sent to `port` (a request), false when from it.
inline bool sent_to(const Packet& pkt, std::uint16_t port) { return pkt.net.has_ports && pkt.net.dst_port == port; }

}  // namespace netdx
