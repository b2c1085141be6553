#pragma once
// A packet socket on one interface for one ethertype: sends whole Ethernet
// frames and receives the frames that arrive (not the ones this host sends).
// Needs CAP_NET_RAW; without it the constructor throws PermissionDenied.
#include <cstdint>
#include <span>
#include <vector>

#include "probe/clock.hpp"
#include "probe/netif.hpp"

namespace netdx {

class LinkSocket {
public:
    LinkSocket(const NetInterface& nif, std::uint16_t ethertype);
    ~LinkSocket();
    LinkSocket(const LinkSocket&) = delete;
    LinkSocket& operator=(const LinkSocket&) = delete;

    // False (errno set) when the kernel refused the frame.
    bool send(std::span<const std::uint8_t> frame);
    // Waits until `deadline` for an incoming frame; false on timeout.
    bool receive(std::vector<std::uint8_t>& frame, probe_clock::TimePoint deadline);

private:
    int fd_ = -1;
    int ifindex_ = 0;
};

}  // namespace netdx
