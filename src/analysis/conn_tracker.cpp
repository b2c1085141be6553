#include "analysis/conn_tracker.hpp"

namespace netdx {

namespace {
// An attempt still open this long after its last SYN is closed as unanswered
// (longer than any SYN retransmission backoff, so retries stay one attempt).
constexpr double kIdle = 60;
}  // namespace

void ConnTracker::close(std::map<Key, Pending>::iterator it, ConnAttempt::Outcome o, FrameRef where, double ts) {
    ConnAttempt& a = it->second.a;
    a.outcome = o;
    a.where = where;
    a.ts = ts;
    if (o == ConnAttempt::Outcome::Established) a.rtt = ts - it->second.last_syn;
    emit_(a);
    pending_.erase(it);
}

void ConnTracker::packet(const Packet& pkt, FrameRef where, const MacAddress* src_mac, const MacAddress* dst_mac) {
    const NetSummary& n = pkt.net;
    const double ts = pkt.ts.seconds();
    if (ts >= next_expiry_) {
        expire(ts);
        next_expiry_ = ts + 1.0;
    }
    if (n.ip_proto != 6 || !n.has_ports || n.fragment) return;
    const std::uint16_t fl = n.tcp_flags;
    const bool syn = fl & 0x02, ack = fl & 0x10, rst = fl & 0x04;
    if (syn && !ack) {
        Key k{n.src, n.dst, n.src_port, n.dst_port};
        auto it = pending_.find(k);
        if (it != pending_.end()) {
            ++it->second.a.syns;
            it->second.last_syn = ts;
            it->second.a.where = where;
            return;
        }
        if (pending_.size() >= cap_) {
            ++dropped_;
            return;
        }
        Pending& p = pending_[k];
        p.a.client = n.src;
        p.a.server = n.dst;
        p.a.client_port = n.src_port;
        p.a.server_port = n.dst_port;
        p.a.syn_frame = where;
        p.a.syn_ts = ts;
        p.a.where = where;
        p.a.ts = ts;
        p.last_syn = ts;
        if (src_mac && dst_mac) {
            p.a.client_mac = *src_mac;
            p.a.server_mac = *dst_mac;
            p.a.has_mac = true;
        }
        return;
    }
    if (!(syn && ack) && !rst) return;
    // An answer travels server -> client.
    auto it = pending_.find(Key{n.dst, n.src, n.dst_port, n.src_port});
    if (it == pending_.end()) return;
    close(it, syn ? ConnAttempt::Outcome::Established : ConnAttempt::Outcome::Refused, where, ts);
}

void ConnTracker::icmp_error(const IcmpError& e) {
    if (e.kind != IcmpError::Kind::Unreachable || !e.has_quote || e.orig_proto != 6) return;
    auto it = pending_.find(Key{e.orig_src, e.orig_dst, e.orig_sport, e.orig_dport});
    if (it == pending_.end()) return;
    close(it, ConnAttempt::Outcome::IcmpError, e.where, e.ts);
}

void ConnTracker::expire(double now) {
    for (auto it = pending_.begin(); it != pending_.end();) {
        auto next = std::next(it);
        if (now - it->second.last_syn > kIdle) close(it, ConnAttempt::Outcome::Unanswered, it->second.a.where, it->second.last_syn);
        it = next;
    }
}

void ConnTracker::finish(double now) {
    for (auto it = pending_.begin(); it != pending_.end();) {
        auto next = std::next(it);
        Pending& p = it->second;
        // Too recent to judge unless the client already gave up waiting once.
        if (p.a.syns > 1 || now - p.a.syn_ts > timeout_) close(it, ConnAttempt::Outcome::Unanswered, p.a.where, p.last_syn);
        else pending_.erase(it);
        it = next;
    }
}

}  // namespace netdx
