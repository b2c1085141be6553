#include "report/evidence_flows.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include "capture/source.hpp"
#include "report/reread_frames.hpp"
#include "dissectors/decode.hpp"
#include "events/flow_events.hpp"
#include "log/flow_uid.hpp"

namespace netdx {

namespace {

// Either direction gives the same key. A 64-bit hash, not the addresses: a
// flow costs 32 bytes; two pairs sharing a hash would also need overlapping
// times to be confused.
std::uint64_t pair_key(std::uint8_t proto, const IpAddress& a, std::uint16_t a_port, const IpAddress& b,
                       std::uint16_t b_port) {
    const bool a_low = a < b || (a == b && a_port < b_port);
    const IpAddress& lo = a_low ? a : b;
    const IpAddress& hi = a_low ? b : a;
    const std::uint16_t ports[2] = {a_low ? a_port : b_port, a_low ? b_port : a_port};
    std::uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a
    const auto mix = [&](std::uint8_t v) { h = (h ^ v) * 0x100000001b3ull; };
    mix(proto);
    mix(static_cast<std::uint8_t>(lo.family));
    for (std::uint8_t v : lo.bytes) mix(v);
    for (std::uint8_t v : hi.bytes) mix(v);
    for (std::uint16_t p : ports) mix(static_cast<std::uint8_t>(p)), mix(static_cast<std::uint8_t>(p >> 8));
    return h;
}

}  // namespace

void EvidenceFlows::add(const FlowEnded& f) {
    if (f.ip_proto != 6 && f.ip_proto != 17) return;  // ICMP flows are keyed by echo id, not ports
    spans_.push_back({pair_key(f.ip_proto, f.orig, f.orig_port, f.resp, f.resp_port), f.first_ts, f.last_ts, f.flow_id});
}

std::string EvidenceFlows::attach_uids(std::vector<Finding>& findings, const std::vector<std::string>& files) {
    std::map<FrameRef, std::optional<std::uint64_t>> flow_of;  // evidence frame -> its flow
    for (const Finding& f : findings)
        for (const FrameRef& r : f.evidence.frames) flow_of.emplace(r, std::nullopt);
    std::sort(spans_.begin(), spans_.end(), [](const Span& x, const Span& y) { return x.key < y.key; });
    std::vector<FrameRef> wanted;
    for (const auto& [ref, flow] : flow_of) wanted.push_back(ref);
    std::vector<std::optional<std::uint64_t>> found(wanted.size());
    const auto on_frame = [&](std::size_t idx, Packet& pkt) {
        decode_packet(pkt, DecodeDepth::Transport);  // the addresses and ports are enough
        const NetSummary& n = pkt.net;
        if (!n.has_ports || n.fragment || (n.ip_proto != 6 && n.ip_proto != 17)) return true;
        const std::uint64_t key = pair_key(n.ip_proto, n.src, n.src_port, n.dst, n.dst_port);
        const double ts = pkt.ts.seconds();
        auto s = std::lower_bound(spans_.begin(), spans_.end(), key,
                                  [](const Span& x, std::uint64_t k) { return x.key < k; });
        // The frame's time is one of its flow's packet times; the slack
        // only absorbs the rounding of two ways of computing one double.
        constexpr double kSlack = 1e-7;
        for (; s != spans_.end() && s->key == key; ++s)
            if (ts >= s->first - kSlack && ts <= s->last + kSlack) {
                found[idx] = s->flow_id;
                break;
            }
        return true;
    };
    const RereadResult read = reread_frames(files, wanted, [](std::uint32_t, PacketSource&) { return true; }, on_frame);
    for (std::size_t i = 0; i < wanted.size(); ++i) flow_of[wanted[i]] = found[i];
    for (Finding& f : findings) {
        std::vector<std::string> uids;
        for (const FrameRef& r : f.evidence.frames) {
            const auto it = flow_of.find(r);
            if (it == flow_of.end() || !it->second) continue;
            std::string uid = flow_uid(*it->second);
            if (std::find(uids.begin(), uids.end(), uid) == uids.end()) uids.push_back(std::move(uid));
        }
        f.uids = std::move(uids);
    }
    return read.error;
}

}  // namespace netdx
