#include "probe/host_lookup.hpp"

#include <netdb.h>
#include <netinet/in.h>

#include <algorithm>
#include <charconv>

#include "core/escape.hpp"
#include "probe/ares_loop.hpp"
#include "probe/netif.hpp"

namespace netdx {

namespace {

void on_addrinfo(void* arg, int status, int /*timeouts*/, ares_addrinfo* ai) {
    auto* out = static_cast<HostLookup*>(arg);
    if (status != ARES_SUCCESS) {
        out->error = status == ARES_ENOTFOUND ? "no such host name" : ares_strerror(status);
        return;
    }
    for (ares_addrinfo_node* n = ai->nodes; n; n = n->ai_next) {
        IpAddress a;
        if (n->ai_family == AF_INET)
            a = IpAddress::v4(reinterpret_cast<const std::uint8_t*>(&reinterpret_cast<sockaddr_in*>(n->ai_addr)->sin_addr));
        else if (n->ai_family == AF_INET6)
            a = IpAddress::v6(reinterpret_cast<const std::uint8_t*>(&reinterpret_cast<sockaddr_in6*>(n->ai_addr)->sin6_addr));
        else
            continue;
        if (std::find(out->addresses.begin(), out->addresses.end(), a) == out->addresses.end()) out->addresses.push_back(a);
    }
    ares_freeaddrinfo(ai);
    std::stable_sort(out->addresses.begin(), out->addresses.end(),
                     [](const IpAddress& x, const IpAddress& y) { return x.family < y.family; });
}

}  // namespace

HostLookup lookup_host(const std::string& host, int timeout_ms) {
    HostLookup out;
    if (auto ip = parse_ip(host)) {
        out.addresses.push_back(*ip);
        return out;
    }
    AresChannel ch("", timeout_ms, 2);
    ares_addrinfo_hints hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_flags = ARES_AI_NOSORT;
    ares_getaddrinfo(ch.get(), host.c_str(), nullptr, &hints, on_addrinfo, &out);
    run_ares({&ch}, probe_clock::after_ms(timeout_ms * 2 + 500));
    if (out.addresses.empty() && out.error.empty()) out.error = "no address for this name";
    return out;
}

bool split_host_port(const std::string& text, std::string& host, std::uint16_t& port) {
    std::string port_text;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') return false;
        host = text.substr(1, close - 1);
        port_text = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string::npos || text.find(':') != colon) return false;
        host = text.substr(0, colon);
        port_text = text.substr(colon + 1);
    }
    unsigned v = 0;
    auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), v);
    if (ec != std::errc() || p != port_text.data() + port_text.size() || v == 0 || v > 65535 || host.empty()) return false;
    port = static_cast<std::uint16_t>(v);
    return true;
}

}  // namespace netdx
