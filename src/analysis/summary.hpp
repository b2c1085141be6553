#pragma once
// What the report's summary shows: span, packets, bytes, protocols, hosts and
// top talkers. Hosts are kept in a capped table (the rest counted as "other").
#include <array>
#include <unordered_map>
#include <string>
#include <vector>

#include "core/ip_address_hash.hpp"
#include "core/packet.hpp"
#include "core/proto.hpp"

namespace netdx {

struct HostStat {
    std::uint64_t packets = 0, bytes = 0;
};

struct CaptureSummary {
    static constexpr std::size_t kMaxHosts = 65536;
    std::vector<std::string> files;
    std::uint64_t packets = 0, bytes = 0;
    double first = 0, last = 0;
    std::array<std::uint64_t, kProtoCount> proto_packets{};
    // Looked up twice per packet: hashed, not ordered (top_talkers sorts).
    std::unordered_map<IpAddress, HostStat, IpAddressHash> hosts;
    std::uint64_t hosts_overflow_packets = 0;
    std::uint64_t malformed = 0;  // packets with a truncated or malformed layer

    void add(const Packet& pkt);
    [[nodiscard]] std::vector<std::pair<IpAddress, HostStat>> top_talkers(std::size_t n) const;
    // Protocols by packet count, most common first.
    [[nodiscard]] std::vector<std::pair<Proto, std::uint64_t>> protocols() const;
};

}  // namespace netdx
