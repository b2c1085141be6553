#pragma once
// The lines of a text protocol's segment (SMTP, FTP) for the packet view:
// stateless and allocation-free, each line cut at its CR LF (or LF, or the
// segment end) and at a bound, so any byte sequence is safe to walk.
#include <algorithm>
#include <cstdint>
#include <string_view>

#include "core/packet.hpp"
#include "dissectors/registry.hpp"

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

    // Passes over n bytes (an IMAP literal), or to the end.
    void skip(std::uint64_t n) { rest_.remove_prefix(static_cast<std::size_t>(std::min<std::uint64_t>(n, rest_.size()))); }

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

// True when the segment goes to the server of `proto`: its destination is the
// port that chose the protocol (the lower port first, as decode.cpp
// dispatches), so a port bound by -d works as the default ones.
inline bool sent_to_server(const Packet& pkt, Proto proto) {
    if (!pkt.net.has_ports) return false;
    const std::uint16_t lo = std::min(pkt.net.src_port, pkt.net.dst_port);
    const std::uint16_t hi = std::max(pkt.net.src_port, pkt.net.dst_port);
    return pkt.net.dst_port == (Registry::get().for_tcp_port(lo) == proto ? lo : hi);
}

}  // namespace netdx
