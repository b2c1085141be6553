#include "probe/path_probe.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include <tins/icmp.h>
#include <tins/rawpdu.h>

#include "core/cursor.hpp"
#include "probe/clock.hpp"
#include "probe/host_lookup.hpp"
#include "probe/netif.hpp"
#include "probe/probe_error.hpp"

namespace netdx {

namespace {

constexpr int kHeaders = 28;     // IPv4 + ICMP echo headers
constexpr int kSmall = 64;       // the reachability probe's size
constexpr int kMinMtu = 68;

enum class Reply : std::uint8_t { Echo, FragNeeded, TimeExceeded, Unreachable, TooBigLocally, Lost };

struct Answer {
    Reply kind = Reply::Lost;
    IpAddress from;
    int mtu = 0;   // FragNeeded
    int code = 0;  // Unreachable
    double ms = 0;
};

class EchoSocket {
public:
    EchoSocket(const IpAddress& dst) : dst_(dst) {
        fd_ = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMP);
        if (fd_ < 0) throw_socket_error(errno, "a raw ICMP socket");
        // Don't fragment, and ignore any path MTU the kernel learned before.
        const int probe = IP_PMTUDISC_PROBE;
        setsockopt(fd_, IPPROTO_IP, IP_MTU_DISCOVER, &probe, sizeof probe);
        std::random_device rd;
        id_ = static_cast<std::uint16_t>(rd());
    }
    ~EchoSocket() { close(fd_); }
    EchoSocket(const EchoSocket&) = delete;
    EchoSocket& operator=(const EchoSocket&) = delete;

    unsigned sent = 0;

    // One echo of `size` bytes (IP datagram) with `ttl`; waits for what comes back.
    Answer ask(int size, int ttl, int wait_ms) {
        const std::uint16_t seq = ++seq_;
        Tins::ICMP icmp(Tins::ICMP::ECHO_REQUEST);
        icmp.id(id_);
        icmp.sequence(seq);
        Tins::RawPDU::payload_type payload(static_cast<std::size_t>(size - kHeaders), 0x5a);
        icmp.inner_pdu(Tins::RawPDU(payload));
        const std::vector<std::uint8_t> bytes = icmp.serialize();
        setsockopt(fd_, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        std::memcpy(&to.sin_addr, dst_.bytes.data(), 4);
        const auto start = probe_clock::now();
        if (sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0) {
            Answer a;
            a.kind = errno == EMSGSIZE ? Reply::TooBigLocally : Reply::Lost;
            return a;
        }
        ++sent;
        const auto deadline = start + std::chrono::milliseconds(wait_ms);
        std::uint8_t buf[2048];
        for (;;) {
            const ssize_t n = recv(fd_, buf, sizeof buf, 0);
            if (n > 0) {
                Answer a;
                if (match(Bytes(buf, static_cast<std::size_t>(n)), seq, a)) {
                    a.ms = probe_clock::ms_between(start, probe_clock::now());
                    return a;
                }
                continue;
            }
            const int left = probe_clock::ms_left(deadline);
            if (left == 0) return {};
            pollfd p{fd_, POLLIN, 0};
            poll(&p, 1, left);
        }
    }

private:
    // Our echo reply, or an ICMP error quoting our echo request.
    bool match(Bytes pkt, std::uint16_t seq, Answer& a) const {
        Cursor c(pkt);
        const std::size_t ihl = (c.u8() & 0xf) * 4u;
        c.skip(11);
        if (!c.has(8) || ihl < 20 || pkt.size() < ihl + 8) return false;
        a.from = IpAddress::v4(c.here());
        Cursor icmp(pkt.subspan(ihl));
        const std::uint8_t type = icmp.u8(), code = icmp.u8();
        icmp.skip(2);
        if (type == 0) {
            const std::uint16_t id = icmp.be16(), s = icmp.be16();
            if (!icmp.ok() || id != id_ || s != seq || a.from != dst_) return false;
            a.kind = Reply::Echo;
            return true;
        }
        if (type != 3 && type != 11) return false;
        icmp.skip(2);
        const std::uint16_t next_mtu = icmp.be16();
        // The quoted datagram: its IP header, then our echo header.
        const Bytes quoted = pkt.subspan(ihl + 8);
        Cursor q(quoted);
        const std::size_t qihl = (q.u8() & 0xf) * 4u;
        q.skip(8);
        const std::uint8_t proto = q.u8();
        q.skip(6);
        if (!q.ok() || proto != IPPROTO_ICMP || !q.has(4) || IpAddress::v4(q.here()) != dst_ || quoted.size() < qihl + 8)
            return false;
        Cursor qe(quoted.subspan(qihl));
        const std::uint8_t qtype = qe.u8();
        qe.skip(3);
        const std::uint16_t qid = qe.be16(), qseq = qe.be16();
        if (!qe.ok() || qtype != 8 || qid != id_ || qseq != seq) return false;
        if (type == 11) a.kind = Reply::TimeExceeded;
        else if (code == 4) {
            a.kind = Reply::FragNeeded;
            a.mtu = next_mtu;
        } else {
            a.kind = Reply::Unreachable;
            a.code = code;
        }
        return true;
    }

    int fd_ = -1;
    IpAddress dst_;
    std::uint16_t id_ = 0, seq_ = 0;
};

// Asks up to `tries` times; the first answer of any kind ends it.
Answer ask(EchoSocket& s, int size, int ttl, const PathProbeOptions& o) {
    Answer a;
    for (int i = 0; i < o.tries; ++i) {
        a = s.ask(size, ttl, o.wait_ms);
        if (a.kind != Reply::Lost) break;
    }
    return a;
}

// The outgoing interface's MTU toward `dst`, from the source address the
// kernel would pick; 0 when there is no route.
int link_mtu_toward(const IpAddress& dst, int& err) {
    const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(9);
    std::memcpy(&to.sin_addr, dst.bytes.data(), 4);
    int mtu = 0;
    if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
        err = errno;
    } else {
        sockaddr_in me{};
        socklen_t len = sizeof me;
        getsockname(fd, reinterpret_cast<sockaddr*>(&me), &len);
        const IpAddress src = IpAddress::v4(reinterpret_cast<const std::uint8_t*>(&me.sin_addr));
        for (const NetInterface& nif : list_interfaces())
            for (const Ipv4Address& a : nif.ipv4)
                if (a.addr == src) mtu = nif.mtu;
        if (mtu == 0) {  // an address on no interface we can see: the route's own MTU
            socklen_t ml = sizeof mtu;
            getsockopt(fd, IPPROTO_IP, IP_MTU, &mtu, &ml);
        }
    }
    close(fd);
    return mtu;
}

void find_black_hole_hop(EchoSocket& s, PathProbeResult& r, int large, const PathProbeOptions& o) {
    for (int ttl = 1; ttl <= o.max_hops; ++ttl) {
        const Answer small = ask(s, kSmall, ttl, o);
        if (small.kind == Reply::Echo) break;  // the destination itself: the hops before it are all known
        PathHop hop;
        hop.ttl = ttl;
        if (small.kind == Reply::TimeExceeded) hop.router = small.from;
        hop.large_passes = ask(s, large, ttl, o).kind == Reply::TimeExceeded;
        r.hops.push_back(hop);
    }
    r.black_hole_after = -1;
    for (std::size_t i = 0; i < r.hops.size(); ++i) {
        if (!r.hops[i].large_passes) break;
        r.black_hole_after = static_cast<int>(i);
    }
}

}  // namespace

PathProbeResult path_probe(const std::string& host, const PathProbeOptions& o) {
    PathProbeResult r;
    r.host = host;
    r.started = probe_clock::wall();
    const HostLookup hl = lookup_host(host);
    for (const IpAddress& a : hl.addresses)
        if (a.family == 4) {
            r.address = a;
            break;
        }
    if (r.address.family != 4) {
        r.error = hl.addresses.empty() ? hl.error : "no IPv4 address (the path probe is IPv4 only)";
        return r;
    }
    int err = 0;
    r.link_mtu = link_mtu_toward(r.address, err);
    if (r.link_mtu == 0) {
        r.error = err ? std::strerror(err) : "no outgoing interface";
        return r;
    }
    EchoSocket s(r.address);
    const Answer first = ask(s, kSmall, 64, o);
    if (first.kind == Reply::Unreachable) {
        r.unreachable_from = first.from;
        r.unreachable_code = first.code;
    }
    if (first.kind != Reply::Echo) {
        r.probes_sent = s.sent;
        return r;
    }
    r.reachable = true;
    r.rtt_ms = first.ms;
    // Binary search between a size that passed and one that did not.
    int lo = kSmall, hi = r.link_mtu + 1;
    int size = r.link_mtu;
    while (size > lo && size < hi) {
        const Answer a = ask(s, size, 64, o);
        if (a.kind == Reply::Echo) {
            lo = size;
        } else {
            hi = size;
            if (a.kind == Reply::Lost) r.smallest_lost = size;
            if (a.kind == Reply::FragNeeded) {
                r.frag_needed_from = a.from;
                r.frag_needed_mtu = a.mtu;
                if (a.mtu >= kMinMtu && a.mtu > lo && a.mtu < hi) {
                    size = a.mtu;
                    continue;
                }
            }
        }
        size = lo + (hi - lo) / 2;
    }
    r.path_mtu = lo;
    // Lost probes below any reported MTU: something drops them without telling.
    r.black_hole = r.smallest_lost != 0 && (!r.frag_needed_from || r.smallest_lost <= r.frag_needed_mtu);
    if (r.black_hole) find_black_hole_hop(s, r, r.smallest_lost, o);
    r.probes_sent = s.sent;
    return r;
}

}  // namespace netdx
