#include "probe/link_socket.hpp"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "probe/probe_error.hpp"

namespace netdx {

void throw_socket_error(int err, const std::string& what) {
    if (err == EPERM || err == EACCES)
        throw ProbeError(ExitCode::PermissionDenied,
                         fmt::format("no permission to open {} (needs root or CAP_NET_RAW)", what));
    if (err == ENODEV || err == ENXIO) throw ProbeError(ExitCode::NoSuchInterface, fmt::format("cannot open {}: no such interface", what));
    throw ProbeError(ExitCode::CaptureFailed, fmt::format("cannot open {}: {}", what, std::strerror(err)));
}

LinkSocket::LinkSocket(const NetInterface& nif, std::uint16_t ethertype) : ifindex_(nif.index) {
    const std::string what = fmt::format("a packet socket on {}", nif.name);
    fd_ = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ethertype));
    if (fd_ < 0) throw_socket_error(errno, what);
    sockaddr_ll sll{};
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ethertype);
    sll.sll_ifindex = nif.index;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&sll), sizeof sll) != 0) {
        const int err = errno;
        close(fd_);
        fd_ = -1;
        throw_socket_error(err, what);
    }
}

LinkSocket::~LinkSocket() {
    if (fd_ >= 0) close(fd_);
}

bool LinkSocket::send(std::span<const std::uint8_t> frame) {
    sockaddr_ll to{};
    to.sll_family = AF_PACKET;
    to.sll_ifindex = ifindex_;
    to.sll_halen = 6;
    std::memcpy(to.sll_addr, frame.data(), 6);
    return sendto(fd_, frame.data(), frame.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) ==
           static_cast<ssize_t>(frame.size());
}

bool LinkSocket::receive(std::vector<std::uint8_t>& frame, probe_clock::TimePoint deadline) {
    frame.resize(65536);
    for (;;) {
        sockaddr_ll from{};
        socklen_t fromlen = sizeof from;
        const ssize_t n =
            recvfrom(fd_, frame.data(), frame.size(), 0, reinterpret_cast<sockaddr*>(&from), &fromlen);
        if (n >= 0) {
            if (from.sll_pkttype == PACKET_OUTGOING) continue;  // our own frames, looped back to the socket
            frame.resize(static_cast<std::size_t>(n));
            return true;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return false;
        const int wait = probe_clock::ms_left(deadline);
        if (wait == 0) return false;
        pollfd p{fd_, POLLIN, 0};
        poll(&p, 1, wait);
    }
}

}  // namespace netdx
