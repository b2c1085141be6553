#include "probe/tcp_probe.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "probe/clock.hpp"
#include "probe/host_lookup.hpp"

namespace netdx {

std::string_view tcp_state_text(TcpState s) {
    switch (s) {
        case TcpState::Open: return "open";
        case TcpState::Refused: return "refused";
        case TcpState::Filtered: return "filtered";
        case TcpState::HostUnreachable: return "host unreachable";
        case TcpState::NoRoute: return "no route";
        case TcpState::NotResolved: return "not resolved";
        case TcpState::Error: return "error";
    }
    return "error";
}

namespace {

TcpState state_of(int err) {
    switch (err) {
        case 0: return TcpState::Open;
        case ECONNREFUSED: return TcpState::Refused;
        case ETIMEDOUT: return TcpState::Filtered;
        case EHOSTUNREACH: return TcpState::HostUnreachable;
        case ENETUNREACH: return TcpState::NoRoute;
        default: return TcpState::Error;
    }
}

void finish(TcpProbeResult& r, int err, probe_clock::TimePoint start) {
    r.state = state_of(err);
    if (r.state == TcpState::Error) r.error = std::strerror(err);
    r.ms = probe_clock::ms_between(start, probe_clock::now());
}

}  // namespace

std::vector<TcpProbeResult> tcp_probe(const std::vector<TcpTarget>& targets, const TcpProbeOptions& opts) {
    std::vector<TcpProbeResult> out(targets.size());
    std::vector<int> fds(targets.size(), -1);
    std::vector<probe_clock::TimePoint> starts(targets.size());
    for (std::size_t i = 0; i < targets.size(); ++i) {
        TcpProbeResult& r = out[i];
        r.target = targets[i];
        r.started = probe_clock::wall();
        starts[i] = probe_clock::now();
        const HostLookup hl = lookup_host(targets[i].host);
        if (hl.addresses.empty()) {
            r.state = TcpState::NotResolved;
            r.error = hl.error;
            r.ms = probe_clock::ms_between(starts[i], probe_clock::now());
            continue;
        }
        r.address = hl.addresses.front();
        sockaddr_storage ss{};
        socklen_t len = 0;
        if (r.address.family == 4) {
            auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
            sin->sin_family = AF_INET;
            sin->sin_port = htons(targets[i].port);
            std::memcpy(&sin->sin_addr, r.address.bytes.data(), 4);
            len = sizeof *sin;
        } else {
            auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
            sin6->sin6_family = AF_INET6;
            sin6->sin6_port = htons(targets[i].port);
            std::memcpy(&sin6->sin6_addr, r.address.bytes.data(), 16);
            len = sizeof *sin6;
        }
        const int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        starts[i] = probe_clock::now();
        if (fd < 0) {
            finish(r, errno, starts[i]);
            continue;
        }
        if (connect(fd, reinterpret_cast<sockaddr*>(&ss), len) == 0) {
            finish(r, 0, starts[i]);
            close(fd);
        } else if (errno != EINPROGRESS) {
            finish(r, errno, starts[i]);
            close(fd);
        } else {
            fds[i] = fd;
        }
    }
    const auto deadline = probe_clock::after_ms(opts.timeout_ms);
    for (;;) {
        std::vector<pollfd> pfds;
        std::vector<std::size_t> which;
        for (std::size_t i = 0; i < fds.size(); ++i)
            if (fds[i] >= 0) {
                pfds.push_back({fds[i], POLLOUT, 0});
                which.push_back(i);
            }
        if (pfds.empty()) break;
        const int wait = probe_clock::ms_left(deadline);
        if (wait == 0) {
            for (std::size_t i : which) {
                finish(out[i], ETIMEDOUT, starts[i]);
                close(fds[i]);
                fds[i] = -1;
            }
            break;
        }
        if (poll(pfds.data(), pfds.size(), wait) <= 0) continue;
        for (std::size_t k = 0; k < pfds.size(); ++k) {
            if (!pfds[k].revents) continue;
            const std::size_t i = which[k];
            int err = 0;
            socklen_t elen = sizeof err;
            getsockopt(fds[i], SOL_SOCKET, SO_ERROR, &err, &elen);
            finish(out[i], err, starts[i]);
            close(fds[i]);
            fds[i] = -1;
        }
    }
    return out;
}

}  // namespace netdx
