#include "app/rpc_pairing.hpp"

namespace netdx {

void RpcPairing::message(const RpcHeader& h, const AppEndpoints& ep, bool tcp, const AppClock& clock) {
    if (!h.valid) return;
    const Key key{ep.client, ep.client_port, ep.server, ep.server_port, h.xid};
    if (h.msg_type == kRpcCall) {
        if (h.truncated && !h.has_cred) return;  // too short to say what it calls
        if (calls_.count(key)) return;           // a resend: the first one's time stands
        while (calls_.size() >= kMaxPending && !order_.empty()) {
            const auto it = calls_.find(order_.front().first);
            if (it != calls_.end() && it->second.call_ts == order_.front().second) {
                ++evicted_;
                unanswered(it->second, false);
                calls_.erase(it);
            }
            order_.pop_front();
        }
        RpcCall c;
        set_endpoints(c, ep);
        c.tcp = tcp;
        c.xid = h.xid;
        c.prog = h.prog;
        c.vers = h.vers;
        c.proc = h.proc;
        c.cred_flavor = h.cred_flavor;
        c.call_frame = c.where = clock.where;
        c.call_ts = c.ts = clock.ts;
        calls_.emplace(key, c);
        order_.emplace_back(key, clock.ts);
        return;
    }
    const auto it = calls_.find(key);
    if (it == calls_.end() || !h.has_reply_stat) return;
    RpcCall c = it->second;
    calls_.erase(it);
    c.outcome = h.reply_stat == kRpcAccepted ? RpcOutcome::Accepted : RpcOutcome::Denied;
    c.accept_stat = h.accept_stat;
    c.reject_stat = h.reject_stat;
    c.auth_stat = h.auth_stat;
    c.low = h.low;
    c.high = h.high;
    c.where = clock.where;
    c.ts = clock.ts;
    c.latency = clock.ts - c.call_ts;
    bus_.publish(c);
}

void RpcPairing::unanswered(RpcCall& c, bool at_capture_end) {
    c.outcome = RpcOutcome::Unanswered;
    c.at_capture_end = at_capture_end;
    c.where = c.call_frame;
    c.ts = c.call_ts;
    bus_.publish(c);
}

void RpcPairing::expire(double now, double max_wait) {
    while (!order_.empty() && now - order_.front().second > max_wait) {
        const auto it = calls_.find(order_.front().first);
        if (it != calls_.end() && it->second.call_ts == order_.front().second) {
            unanswered(it->second, false);
            calls_.erase(it);
        }
        order_.pop_front();
    }
}

void RpcPairing::finish_at(double end, double grace) {
    for (auto& [k, c] : calls_) unanswered(c, end - c.call_ts <= grace);
    calls_.clear();
    order_.clear();
}

void RpcPairing::finish(bool at_capture_end) {
    for (auto& [k, c] : calls_) unanswered(c, at_capture_end);
    calls_.clear();
    order_.clear();
}

}  // namespace netdx
