#include "dissectors/rpc/rpc_stream.hpp"

#include <algorithm>

namespace netdx {

const char* rpc_anomaly_name(RpcAnomaly a) {
    switch (a) {
        case RpcAnomaly::None: return "";
        case RpcAnomaly::BadLength: return "rpc.bad_length";
        case RpcAnomaly::StreamLost: return "rpc.stream_lost";
    }
    return "";
}

void RpcReader::fail(RpcAnomaly why, RpcEvents& ev) {
    mode_ = Mode::Stopped;
    started_ = false;
    body_.clear();
    ev.malformed(why);
}

void RpcReader::fragment_done(std::size_t end_at, RpcEvents& ev) {
    mode_ = Mode::Marker;
    if (!last_) return;
    RpcRecord r;
    r.body = body_;
    r.length = length_;
    r.fragments = fragments_;
    r.cut = cut_;
    r.end = end_at;
    ev.message(r);
    ev.message_end(end_at);
    started_ = false;
    body_.clear();
    length_ = 0;
    fragments_ = 0;
    cut_ = false;
}

void RpcReader::feed(std::string_view data, RpcEvents& ev) {
    std::size_t i = 0;
    while (i < data.size() || (mode_ == Mode::Body && remaining_ == 0)) {
        if (mode_ == Mode::Stopped) return;
        if (mode_ == Mode::Marker) {
            if (!started_ && marker_bytes_ == 0) {
                started_ = true;
                ev.message_start(i);
            }
            marker_ = (marker_ << 8) | static_cast<std::uint8_t>(data[i++]);
            if (++marker_bytes_ < 4) continue;
            marker_bytes_ = 0;
            last_ = (marker_ & 0x80000000u) != 0;
            remaining_ = marker_ & 0x7fffffffu;
            if (remaining_ > kMaxFragment) return fail(RpcAnomaly::BadLength, ev);
            ++fragments_;
            mode_ = Mode::Body;
            continue;
        }
        // Body: keep what fits, count the rest.
        const std::size_t n = std::min<std::size_t>(remaining_, data.size() - i);
        const std::size_t room = kKeep - std::min(kKeep, body_.size());
        if (n > room) cut_ = true;
        body_.append(data.substr(i, std::min(n, room)));
        i += n;
        remaining_ -= static_cast<std::uint32_t>(n);
        length_ += n;
        if (remaining_ == 0) fragment_done(i, ev);
    }
}

void RpcReader::gap(std::uint64_t len, RpcEvents& ev) {
    if (mode_ == Mode::Stopped) return;
    if (mode_ == Mode::Body && len <= remaining_) {
        cut_ = true;
        remaining_ -= static_cast<std::uint32_t>(len);
        length_ += len;
        if (remaining_ == 0) fragment_done(0, ev);
        return;
    }
    fail(RpcAnomaly::StreamLost, ev);
}

namespace {

struct Xdr {
    std::string_view s;
    std::size_t at = 0;
    bool cut = false;
    bool u32(std::uint32_t& v) {
        if (s.size() - at < 4) {
            cut = true;
            return false;
        }
        v = 0;
        for (int k = 0; k < 4; ++k) v = (v << 8) | static_cast<std::uint8_t>(s[at + k]);
        at += 4;
        return true;
    }
    // opaque_auth: flavor, then a body of at most 400 bytes, padded to 4.
    bool auth(std::uint32_t& flavor) {
        std::uint32_t len = 0;
        if (!u32(flavor) || !u32(len)) return false;
        const std::uint64_t padded = (static_cast<std::uint64_t>(len) + 3) & ~std::uint64_t{3};
        if (padded > s.size() - at) {
            cut = true;
            return false;
        }
        at += static_cast<std::size_t>(padded);
        return true;
    }
};

}  // namespace

RpcHeader rpc_header(std::string_view msg) {
    RpcHeader h;
    Xdr x{msg};
    if (!x.u32(h.xid) || !x.u32(h.msg_type) || h.msg_type > kRpcReply) return h;
    if (h.msg_type == kRpcCall) {
        if (!x.u32(h.rpcvers) || h.rpcvers != 2) return h;
        h.valid = true;
        if (x.u32(h.prog) && x.u32(h.vers) && x.u32(h.proc)) {
            h.has_cred = x.auth(h.cred_flavor);
            h.has_verf = h.has_cred && x.auth(h.verf_flavor);
        }
        h.truncated = x.cut;
        return h;
    }
    h.valid = true;
    h.has_reply_stat = x.u32(h.reply_stat);
    if (h.has_reply_stat && h.reply_stat == kRpcAccepted) {
        h.has_verf = x.auth(h.verf_flavor);
        h.has_accept_stat = h.has_verf && x.u32(h.accept_stat);
        if (h.has_accept_stat && h.accept_stat == kRpcProgMismatch) h.has_range = x.u32(h.low) && x.u32(h.high);
    } else if (h.has_reply_stat && h.reply_stat == kRpcDenied) {
        h.has_reject_stat = x.u32(h.reject_stat);
        if (h.has_reject_stat && h.reject_stat == kRpcMismatch) h.has_range = x.u32(h.low) && x.u32(h.high);
        if (h.has_reject_stat && h.reject_stat == kRpcAuthError) h.has_auth_stat = x.u32(h.auth_stat);
    }
    h.truncated = x.cut;
    return h;
}

const char* rpc_accept_stat_name(std::uint32_t s) {
    static const char* const kNames[] = {"SUCCESS", "PROG_UNAVAIL", "PROG_MISMATCH", "PROC_UNAVAIL",
                                         "GARBAGE_ARGS", "SYSTEM_ERR"};
    return s < std::size(kNames) ? kNames[s] : "accept_stat?";
}

const char* rpc_auth_stat_name(std::uint32_t s) {
    static const char* const kNames[] = {"AUTH_OK", "AUTH_BADCRED", "AUTH_REJECTEDCRED", "AUTH_BADVERF",
                                         "AUTH_REJECTEDVERF", "AUTH_TOOWEAK", "AUTH_INVALIDRESP", "AUTH_FAILED",
                                         "AUTH_KERB_GENERIC", "AUTH_TIMEEXPIRE", "AUTH_TKT_FILE", "AUTH_DECODE",
                                         "AUTH_NET_ADDR", "RPCSEC_GSS_CREDPROBLEM", "RPCSEC_GSS_CTXPROBLEM"};
    return s < std::size(kNames) ? kNames[s] : "auth_stat?";
}

}  // namespace netdx
