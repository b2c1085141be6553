// Interfaces and routes of this network namespace. Addresses come from an
// rtnetlink dump because only it tells a static address from a leased one.
#include "probe/netif.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

namespace netdx {

namespace {

// linux/if.h's IFF_LOWER_UP (carrier), which glibc's net/if.h does not define.
constexpr unsigned kLowerUp = 0x10000;

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    [[nodiscard]] int get() const { return fd_; }

private:
    int fd_;
};

// IPv4 addresses per interface index, from RTM_GETADDR.
std::map<int, std::vector<Ipv4Address>> dump_ipv4_addresses() {
    std::map<int, std::vector<Ipv4Address>> out;
    Fd fd(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
    if (fd.get() < 0) return out;
    struct {
        nlmsghdr nh;
        ifaddrmsg ifa;
    } req{};
    req.nh.nlmsg_len = sizeof req;
    req.nh.nlmsg_type = RTM_GETADDR;
    req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.nh.nlmsg_seq = 1;
    req.ifa.ifa_family = AF_INET;
    if (send(fd.get(), &req, sizeof req, 0) < 0) return out;
    alignas(nlmsghdr) char buf[16384];
    for (;;) {
        const ssize_t n = recv(fd.get(), buf, sizeof buf, 0);
        if (n <= 0) return out;
        auto len = static_cast<unsigned>(n);
        for (auto* nh = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
            if (nh->nlmsg_type == NLMSG_DONE || nh->nlmsg_type == NLMSG_ERROR) return out;
            if (nh->nlmsg_type != RTM_NEWADDR) continue;
            auto* ifa = static_cast<ifaddrmsg*>(NLMSG_DATA(nh));
            if (ifa->ifa_family != AF_INET) continue;
            Ipv4Address a;
            a.prefix = ifa->ifa_prefixlen;
            std::uint32_t flags = ifa->ifa_flags;
            bool have_local = false;
            int rlen = static_cast<int>(IFA_PAYLOAD(nh));
            for (auto* rta = IFA_RTA(ifa); RTA_OK(rta, rlen); rta = RTA_NEXT(rta, rlen)) {
                if ((rta->rta_type == IFA_LOCAL || (rta->rta_type == IFA_ADDRESS && !have_local)) &&
                    RTA_PAYLOAD(rta) == 4) {
                    a.addr = IpAddress::v4(static_cast<const std::uint8_t*>(RTA_DATA(rta)));
                    have_local = have_local || rta->rta_type == IFA_LOCAL;
                } else if (rta->rta_type == IFA_FLAGS && RTA_PAYLOAD(rta) == 4) {
                    std::memcpy(&flags, RTA_DATA(rta), 4);
                }
            }
            a.permanent = (flags & IFA_F_PERMANENT) != 0;
            if (a.addr.family == 4) out[static_cast<int>(ifa->ifa_index)].push_back(a);
        }
    }
}

int interface_mtu(const std::string& name) {
    Fd fd(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
    if (fd.get() < 0 || ioctl(fd.get(), SIOCGIFMTU, &ifr) != 0) return 0;
    return ifr.ifr_mtu;
}

}  // namespace

std::vector<NetInterface> list_interfaces() {
    std::map<int, NetInterface> by_index;
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return {};
    for (ifaddrs* i = list; i; i = i->ifa_next) {
        if (!i->ifa_addr || i->ifa_addr->sa_family != AF_PACKET) continue;
        const auto* ll = reinterpret_cast<const sockaddr_ll*>(i->ifa_addr);
        NetInterface& nif = by_index[ll->sll_ifindex];
        nif.name = i->ifa_name;
        nif.index = ll->sll_ifindex;
        nif.up = (i->ifa_flags & IFF_UP) != 0;
        nif.carrier = (i->ifa_flags & (kLowerUp | IFF_RUNNING)) != 0;
        nif.loopback = (i->ifa_flags & IFF_LOOPBACK) != 0;
        if (ll->sll_halen == 6) {
            std::memcpy(nif.mac.data(), ll->sll_addr, 6);
            nif.has_mac = true;
        }
    }
    freeifaddrs(list);
    auto addrs = dump_ipv4_addresses();
    std::vector<NetInterface> out;
    for (auto& [idx, nif] : by_index) {
        nif.mtu = interface_mtu(nif.name);
        if (auto it = addrs.find(idx); it != addrs.end()) nif.ipv4 = it->second;
        out.push_back(std::move(nif));
    }
    return out;
}

std::optional<NetInterface> find_interface(const std::string& name) {
    for (NetInterface& nif : list_interfaces())
        if (nif.name == name) return std::move(nif);
    return std::nullopt;
}

std::vector<DefaultRoute> default_routes() {
    // /proc/net/route: Iface Destination Gateway Flags RefCnt Use Metric Mask ...
    // with addresses as host-order hex of network-order bytes.
    std::vector<DefaultRoute> out;
    std::ifstream in("/proc/net/route");
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
        std::istringstream ss(line);
        std::string iface, dest, gw, flags, refcnt, use, metric, mask;
        if (!(ss >> iface >> dest >> gw >> flags >> refcnt >> use >> metric >> mask)) continue;
        const unsigned long fl = std::stoul(flags, nullptr, 16);
        if (dest != "00000000" || mask != "00000000" || !(fl & 0x1 /*RTF_UP*/)) continue;
        DefaultRoute r;
        r.interface = iface;
        r.metric = static_cast<unsigned>(std::stoul(metric));
        const auto g = static_cast<std::uint32_t>(std::stoul(gw, nullptr, 16));
        if ((fl & 0x2 /*RTF_GATEWAY*/) && g != 0) {
            std::uint8_t b[4];
            std::memcpy(b, &g, 4);  // the kernel printed the network-order word
            r.gateway = IpAddress::v4(b);
        }
        out.push_back(r);
    }
    std::stable_sort(out.begin(), out.end(), [](const DefaultRoute& a, const DefaultRoute& b) { return a.metric < b.metric; });
    return out;
}

std::optional<NetInterface> default_interface() {
    auto all = list_interfaces();
    for (const DefaultRoute& r : default_routes())
        for (NetInterface& nif : all)
            if (nif.name == r.interface) return nif;
    for (NetInterface& nif : all)
        if (!nif.loopback && nif.up) return nif;
    for (NetInterface& nif : all)
        if (!nif.loopback) return nif;
    return std::nullopt;
}

IpAddress ipv4_from_u32(std::uint32_t v) {
    const std::uint8_t b[4] = {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                               static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
    return IpAddress::v4(b);
}

std::uint32_t ipv4_to_u32(const IpAddress& a) {
    return (std::uint32_t{a.bytes[0]} << 24) | (std::uint32_t{a.bytes[1]} << 16) | (std::uint32_t{a.bytes[2]} << 8) |
           a.bytes[3];
}

bool is_link_local_v4(const IpAddress& a) { return a.family == 4 && a.bytes[0] == 169 && a.bytes[1] == 254; }

std::optional<IpAddress> parse_ip(const std::string& text) {
    std::uint8_t b[16];
    if (inet_pton(AF_INET, text.c_str(), b) == 1) return IpAddress::v4(b);
    if (inet_pton(AF_INET6, text.c_str(), b) == 1) return IpAddress::v6(b);
    return std::nullopt;
}

}  // namespace netdx
