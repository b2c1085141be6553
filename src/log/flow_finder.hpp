#pragma once
// Which flow carried a transaction that does not name its flow. The DNS
// tracker reads UDP datagrams before the flow table sees them, so a
// DnsTransaction has addresses and times but no flow id; the ended flows
// (FlowEnded, every flow ends by the end of the capture) are looked up by
// their address/port pair and the time the transaction was seen.
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/packet.hpp"

namespace netdx {

struct FlowEnded;

class FlowFinder {
public:
    void add(const FlowEnded& f);
    // The flow of protocol `ip_proto` between (a, a_port) and (b, b_port), in
    // either direction, whose first and last packets enclose `ts`.
    [[nodiscard]] std::optional<std::uint64_t> find(std::uint8_t ip_proto, const IpAddress& a, std::uint16_t a_port,
                                                    const IpAddress& b, std::uint16_t b_port, double ts) const;

private:
    struct Key {
        IpAddress lo, hi;
        std::uint16_t lo_port = 0, hi_port = 0;
        std::uint8_t ip_proto = 0;
        friend bool operator==(const Key&, const Key&) = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& k) const noexcept;
    };
    struct Span {
        double first = 0, last = 0;
        std::uint64_t flow_id = 0;
    };
    static Key key(std::uint8_t ip_proto, const IpAddress& a, std::uint16_t a_port, const IpAddress& b,
                   std::uint16_t b_port);
    std::unordered_map<Key, std::vector<Span>, KeyHash> flows_;
};

}  // namespace netdx
