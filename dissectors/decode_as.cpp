#include "dissectors/decode_as.hpp"

#include <charconv>

#include "dissectors/registry.hpp"

namespace netdx {

namespace {

bool parse_port(std::string_view s, std::uint32_t& v) {
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    return r.ec == std::errc{} && r.ptr == s.data() + s.size() && v <= 65535;
}

}  // namespace

std::string apply_decode_as(std::string_view spec) {
    const std::string bad = "bad -d \"" + std::string(spec) + "\" (expected tcp.port==PORT,PROTOCOL or udp.port==...)";
    Binding::Kind kind;
    if (spec.substr(0, 10) == "tcp.port==") kind = Binding::TcpPort;
    else if (spec.substr(0, 10) == "udp.port==") kind = Binding::UdpPort;
    else return bad;
    spec.remove_prefix(10);
    const auto comma = spec.find(',');
    if (comma == std::string_view::npos) return bad;
    const std::string_view ports = spec.substr(0, comma), name = spec.substr(comma + 1);
    std::uint32_t first = 0, last = 0;
    if (const auto dash = ports.find('-'); dash != std::string_view::npos) {
        if (!parse_port(ports.substr(0, dash), first) || !parse_port(ports.substr(dash + 1), last) || last < first)
            return bad;
    } else if (const auto colon = ports.find(':'); colon != std::string_view::npos) {
        std::uint32_t n = 0;
        if (!parse_port(ports.substr(0, colon), first) || !parse_port(ports.substr(colon + 1), n) || n == 0 ||
            first + n - 1 > 65535)
            return bad;
        last = first + n - 1;
    } else {
        if (!parse_port(ports, first)) return bad;
        last = first;
    }
    const Proto proto = Registry::get().by_name(name);
    // Only protocols that ride on UDP/TCP payloads can be bound to a port.
    if (proto == Proto::None || static_cast<int>(proto) < static_cast<int>(Proto::Dns) || proto == Proto::Ppp ||
        proto == Proto::Mpls || proto == Proto::Nflog || proto == Proto::Gre)
        return "-d: unknown or unsupported protocol \"" + std::string(name) + "\"";
    for (std::uint32_t p = first; p <= last; ++p) Registry::bind_port(kind, static_cast<std::uint16_t>(p), proto);
    return {};
}

}  // namespace netdx
