#include "dns/dhcp_tracker.hpp"

#include <cstring>

#include "core/escape.hpp"
#include "dissectors/dhcp_parse.hpp"
#include "dissectors/dhcpv6_parse.hpp"
#include "dns/dns_tracker.hpp"

namespace netdx {

namespace {

bool later(const Timestamp& a, const Timestamp& b) { return a.sec > b.sec || (a.sec == b.sec && a.nsec > b.nsec); }

// A contiguous netmask as a prefix length; -1 for a mask with holes (kept out of the picture).
int prefix_of_mask(std::uint32_t mask) {
    int n = 0;
    while (n < 32 && (mask & (0x80000000u >> n))) ++n;
    const std::uint32_t expect = n == 0 ? 0 : ~std::uint32_t{0} << (32 - n);
    return mask == expect ? n : -1;
}

bool is_client_type(DhcpType t) {
    return t == DhcpType::Discover || t == DhcpType::Request || t == DhcpType::Decline ||
           t == DhcpType::Release || t == DhcpType::Inform;
}

std::string text_of(const std::uint8_t* d, std::size_t n) {
    const auto* s = reinterpret_cast<const char*>(d);
    return escaped(std::string_view(s, strnlen(s, n)));
}

std::string hex_of(const std::uint8_t* d, std::size_t n) {
    static const char kHex[] = "0123456789abcdef";
    std::string s;
    s.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
        s.push_back(kHex[d[i] >> 4]);
        s.push_back(kHex[d[i] & 15]);
    }
    return s;
}

const std::uint8_t* eth_source(const Packet& pkt) {
    const Layer* eth = pkt.layers.find(Proto::Eth);
    if (!eth || eth->offset + 12u > pkt.bytes.size()) return nullptr;
    return pkt.bytes.data() + eth->offset + 6;
}

Bytes layer_bytes(const Packet& pkt, Proto p) {
    for (const Layer& l : pkt.layers) {
        if (l.proto != p || l.quoted || l.offset >= pkt.bytes.size()) continue;
        return pkt.bytes.subspan(l.offset, std::min<std::size_t>(l.length, pkt.bytes.size() - l.offset));
    }
    return {};
}

}  // namespace

DhcpTracker::DhcpTracker(DhcpEventSink& sink, DhcpTrackerOptions opts) : sink_(sink), opts_(opts) {}

void DhcpTracker::on_packet(const Packet& pkt) {
    advance(pkt.ts);
    if (Bytes m = layer_bytes(pkt, Proto::Dhcp); !m.empty()) on_v4(pkt, m);
    else if (Bytes m6 = layer_bytes(pkt, Proto::Dhcpv6); !m6.empty()) on_v6(pkt, m6);
}

void DhcpTracker::make_room() {
    while (pending() >= opts_.max_pending && pending() > 0) {
        ++stats_.evicted;
        if (!v4_order_.empty()) {
            auto it = v4_.find(v4_order_.front());
            it->second.ex.outcome = DhcpOutcome::Evicted;
            it->second.done = true;  // keep the outcome as set
            emit_v4(it, false);
        } else {
            auto it = v6_.find(v6_order_.front());
            it->second.ex.outcome = Dhcpv6Outcome::Evicted;
            it->second.done = true;
            emit_v6(it);
        }
    }
}

void DhcpTracker::on_v4(const Packet& pkt, Bytes m) {
    if (m.size() < dhcp::kFixedLen) {
        ++stats_.malformed;
        return;
    }
    ++stats_.messages;
    DhcpType type = DhcpType::None;
    const std::uint8_t *requested = nullptr, *server_id = nullptr, *lease = nullptr, *host = nullptr, *msg = nullptr;
    std::uint8_t host_len = 0, msg_len = 0;
    const std::uint8_t *mask = nullptr, *router = nullptr, *dns = nullptr;
    std::uint8_t dns_len = 0;
    const dhcp::WalkResult wr = dhcp::walk_options(m, [&](std::uint8_t code, const std::uint8_t* d, std::uint8_t len, dhcp::Area) {
        if (code == 53 && len == 1) type = static_cast<DhcpType>(d[0]);
        else if (code == 50 && len == 4) requested = d;
        else if (code == 54 && len == 4) server_id = d;
        else if (code == 51 && len == 4) lease = d;
        else if (code == 12) { host = d; host_len = len; }
        else if (code == 56) { msg = d; msg_len = len; }
        else if (code == 1 && len == 4) mask = d;
        else if (code == 3 && len >= 4) router = d;
        else if (code == 6 && len >= 4) { dns = d; dns_len = len; }
        return true;
    });
    if (!wr.ok) ++stats_.malformed;
    if (type == DhcpType::None || static_cast<unsigned>(type) > 8) return;  // BOOTP or lease query

    V4Key key{load_be32(m.data() + 4), {}};
    if (m[1] == 1 && m[2] == 6) std::memcpy(key.second.data(), m.data() + 28, 6);
    auto it = v4_.find(key);
    const bool client = is_client_type(type);
    // A client message after a finished exchange with the same xid starts a new one.
    if (it != v4_.end() && it->second.done && client) {
        emit_v4(it, false);
        it = v4_.end();
    }
    if (it == v4_.end()) {
        make_room();
        V4Entry e;
        e.ex.xid = key.first;
        e.ex.client_mac = key.second;
        e.ex.first_frame = pkt.number;
        e.ex.first_ts = pkt.ts;
        v4_order_.push_back(key);
        e.order = std::prev(v4_order_.end());
        it = v4_.emplace(key, std::move(e)).first;
        stats_.max_pending = std::max(stats_.max_pending, pending());
    }
    V4Entry& e = it->second;
    DhcpExchange& ex = e.ex;
    ex.last_frame = pkt.number;
    ex.last_ts = pkt.ts;
    if (host && ex.hostname.empty()) ex.hostname = text_of(host, host_len);
    if (requested) ex.requested_ip = IpAddress::v4(requested);

    if (!client) {
        const IpAddress sid = server_id ? IpAddress::v4(server_id) : pkt.net.src;
        bool known = false;
        for (const DhcpServerReply& s : ex.servers) known = known || s.server_id == sid;
        if (!known) {
            DhcpServerReply s;
            s.server_id = sid;
            s.source = pkt.net.src;
            if (const std::uint8_t* mac = eth_source(pkt)) {
                std::memcpy(s.mac.data(), mac, 6);
                s.has_mac = true;
            }
            s.first_type = type;
            s.offered = IpAddress::v4(m.data() + 16);
            s.frame = pkt.number;
            s.ts = pkt.ts;
            ex.servers.push_back(s);
        }
        // The network options, from the first reply of this server that has them.
        for (DhcpServerReply& s : ex.servers) {
            if (s.server_id != sid) continue;
            if (mask && s.prefix_len < 0) s.prefix_len = prefix_of_mask(load_be32(mask));
            if (router && s.router.family == 0) s.router = IpAddress::v4(router);
            if (dns && s.dns[0].family == 0)
                for (std::size_t i = 0; i < s.dns.size() && (i + 1) * 4 <= dns_len; ++i)
                    s.dns[i] = IpAddress::v4(dns + i * 4);
        }
    }
    auto finish_with = [&](DhcpOutcome o) {
        if (e.done) return;  // the first answer decides (a second server's is only listed)
        ex.outcome = o;
        ex.answer_frame = pkt.number;
        e.done = true;
        e.done_ts = pkt.ts;
    };
    const bool from_unselected = !client && server_id && ex.selected_server.family == 4 &&
                                 IpAddress::v4(server_id) != ex.selected_server;
    switch (type) {
        case DhcpType::Discover: ++ex.discovers; break;
        case DhcpType::Offer: ++ex.offers; break;
        case DhcpType::Request:
            ++ex.requests;
            if (server_id) ex.selected_server = IpAddress::v4(server_id);
            break;
        case DhcpType::Decline: ++ex.declines; finish_with(DhcpOutcome::Declined); break;
        case DhcpType::Release: ++ex.releases; finish_with(DhcpOutcome::Released); break;
        case DhcpType::Inform: ++ex.informs; break;
        case DhcpType::Ack:
            ++ex.acks;
            if (from_unselected) break;
            if (!e.done) {
                ex.leased_ip = IpAddress::v4(m.data() + 16);
                if (lease) ex.lease_time = load_be32(lease);
                if (ex.informs == 0) ex.time_to_lease = seconds_between(ex.first_ts, pkt.ts);
            }
            finish_with(ex.informs ? DhcpOutcome::Informed : DhcpOutcome::Leased);
            break;
        case DhcpType::Nak:
            if (from_unselected) {
                ++ex.other_server_naks;
                break;
            }
            ++ex.naks;
            if (msg && ex.nak_message.empty()) ex.nak_message = text_of(msg, msg_len);
            finish_with(DhcpOutcome::Nak);
            break;
        case DhcpType::None: break;
    }
}

void DhcpTracker::on_v6(const Packet& pkt, Bytes m) {
    if (m.size() < 4) {
        ++stats_.malformed;
        return;
    }
    ++stats_.v6_messages;
    const std::uint8_t type = m[0];
    if (type == dhcpv6::kRelayForw || type == dhcpv6::kRelayRepl) return;  // basics: direct exchanges only
    std::string duid;
    std::vector<IpAddress> addrs;
    int status = -1;
    std::string status_msg;
    const dhcpv6::WalkResult wr = dhcpv6::walk(m, [&](std::uint16_t code, const std::uint8_t* d, std::uint16_t len, std::uint16_t parent) {
        if (code == 1 && parent == 0 && duid.empty()) duid = hex_of(d, len);
        else if (code == 5 && len >= 16 && addrs.size() < 16) addrs.push_back(IpAddress::v6(d));
        else if (code == 13 && len >= 2) {
            const int sc = load_be16(d);
            // The first failure wins; success only when nothing failed.
            if (status <= 0 && (status == -1 || sc != 0)) {
                status = sc;
                status_msg = escaped(std::string_view(reinterpret_cast<const char*>(d + 2), len - 2u));
            }
        }
        return true;
    });
    if (!wr.ok) ++stats_.malformed;
    if (duid.empty()) return;

    const bool from_server = type == 2 || type == 7 || type == 10;
    auto it = v6_.find(duid);
    if (it != v6_.end() && it->second.done && !from_server) {
        emit_v6(it);
        it = v6_.end();
    }
    if (it == v6_.end()) {
        make_room();
        V6Entry e;
        e.ex.xid = (std::uint32_t{m[1]} << 16) | (std::uint32_t{m[2]} << 8) | m[3];
        e.ex.client_duid = duid;
        e.ex.first_frame = pkt.number;
        e.ex.first_ts = pkt.ts;
        if (!from_server) e.ex.client = pkt.net.src;
        v6_order_.push_back(duid);
        e.order = std::prev(v6_order_.end());
        it = v6_.emplace(duid, std::move(e)).first;
        stats_.max_pending = std::max(stats_.max_pending, pending());
    }
    V6Entry& e = it->second;
    Dhcpv6Exchange& ex = e.ex;
    ex.last_frame = pkt.number;
    ex.last_ts = pkt.ts;
    if (!from_server && ex.client.family == 0) ex.client = pkt.net.src;
    switch (type) {
        case 1: ++ex.solicits; break;
        case 2: ++ex.advertises; break;
        case 3: case 5: case 6: ++ex.requests; break;
        case 7: ++ex.replies; break;
        default: ++ex.others; break;
    }
    if (from_server) {
        bool known = false;
        for (const IpAddress& s : ex.servers) known = known || s == pkt.net.src;
        if (!known && ex.servers.size() < 16) ex.servers.push_back(pkt.net.src);
        if (type == 7 || ex.replies == 0) {
            if (!addrs.empty()) ex.addresses = addrs;
            if (status != -1) {
                ex.status_code = status;
                ex.status_message = status_msg;
            }
        }
        if (type == 7 && !e.done) {
            ex.outcome = Dhcpv6Outcome::Replied;
            ex.time_to_reply = seconds_between(ex.first_ts, pkt.ts);
            e.done = true;
            e.done_ts = pkt.ts;
        }
    }
}

void DhcpTracker::emit_v4(std::map<V4Key, V4Entry>::iterator it, bool timed_out) {
    DhcpExchange& ex = it->second.ex;
    if (!it->second.done || timed_out) {
        if (ex.informs) ex.outcome = DhcpOutcome::Informed;
        else if (ex.offers == 0 && ex.discovers > 0) ex.outcome = DhcpOutcome::NoOffer;
        else ex.outcome = DhcpOutcome::NoAck;
    }
    ex.file = file_;
    sink_.on_dhcp(ex);
    v4_order_.erase(it->second.order);
    v4_.erase(it);
}

void DhcpTracker::emit_v6(std::map<std::string, V6Entry>::iterator it) {
    Dhcpv6Exchange& ex = it->second.ex;
    if (!it->second.done) ex.outcome = ex.advertises == 0 && ex.requests == 0 ? Dhcpv6Outcome::NoAdvertise : Dhcpv6Outcome::NoReply;
    ex.file = file_;
    sink_.on_dhcpv6(ex);
    v6_order_.erase(it->second.order);
    v6_.erase(it);
}

void DhcpTracker::advance(Timestamp now) {
    if (later(now, now_)) now_ = now;
    if (!later(now_, next_sweep_)) return;
    next_sweep_ = now_;
    next_sweep_.nsec += 250000000;  // sweep four times per second of capture time
    if (next_sweep_.nsec >= 1000000000) { next_sweep_.nsec -= 1000000000; ++next_sweep_.sec; }
    for (auto k = v4_order_.begin(); k != v4_order_.end();) {
        auto it = v4_.find(*k);
        ++k;
        const V4Entry& e = it->second;
        const double idle = seconds_between(e.done ? e.done_ts : e.ex.last_ts, now_);
        if (idle > (e.done ? opts_.linger : opts_.timeout)) emit_v4(it, false);
    }
    for (auto k = v6_order_.begin(); k != v6_order_.end();) {
        auto it = v6_.find(*k);
        ++k;
        const V6Entry& e = it->second;
        const double idle = seconds_between(e.done ? e.done_ts : e.ex.last_ts, now_);
        if (idle > (e.done ? opts_.linger : opts_.timeout)) emit_v6(it);
    }
}

void DhcpTracker::finish() {
    while (!v4_order_.empty()) emit_v4(v4_.find(v4_order_.front()), false);
    while (!v6_order_.empty()) emit_v6(v6_.find(v6_order_.front()));
}

}  // namespace netdx
