#include "analysis/pipeline.hpp"

#include <algorithm>

#include "app/app_stream.hpp"
#include "app/rpc_udp.hpp"
#include "dns/dhcp_tracker.hpp"
#include "dns/dns_stream.hpp"
#include "dns/dns_tracker.hpp"
#include "events/flow_events.hpp"
#include "events/tcp_events.hpp"
#include "flow/flow_engine.hpp"

namespace netdx {

namespace {

IpAddress side_address(const FlowKey& k, Side s) {
    IpAddress a;
    a.family = k.family;
    a.bytes = s == Side::A ? k.a : k.b;
    return a;
}

FlowEnded flow_ended(const Flow& f, std::uint32_t file) {
    FlowEnded e;
    const Side resp = f.orig == Side::A ? Side::B : Side::A;
    e.where = FrameRef{file, 0};  // a flow is many frames; none is its evidence
    e.ts = f.last.seconds();
    e.orig = side_address(f.key, f.orig);
    e.resp = side_address(f.key, resp);
    e.orig_port = f.orig == Side::A ? f.key.port_a : f.key.port_b;
    e.resp_port = f.orig == Side::A ? f.key.port_b : f.key.port_a;
    e.ip_proto = f.key.proto;
    e.flow_id = f.id;
    e.first_ts = f.first.seconds();
    e.last_ts = f.last.seconds();
    e.orig_bytes = f.dir[0].bytes;
    e.resp_bytes = f.dir[1].bytes;
    e.orig_packets = f.dir[0].packets;
    e.resp_packets = f.dir[1].packets;
    e.orig_payload = f.dir[0].payload;
    e.resp_payload = f.dir[1].payload;
    static_assert(sizeof e.history == sizeof f.history);
    std::copy_n(f.history, sizeof e.history, e.history);
    e.history_len = f.history_len;
    e.syn_seen = f.syn_ts.sec != 0 || f.syn_ts.nsec != 0;
    const bool refused = f.end == EndReason::Rejected || f.end == EndReason::NoAnswer;
    e.established = f.handshake_rtt >= 0 || (!refused && !e.syn_seen && f.dir[0].packets && f.dir[1].packets);
    e.end = static_cast<FlowEndKind>(f.end);  // the same order as EndReason (static_assert below)
    return e;
}
static_assert(static_cast<int>(EndReason::Evicted) == static_cast<int>(FlowEndKind::Evicted) &&
              static_cast<int>(EndReason::Rejected) == static_cast<int>(FlowEndKind::Rejected));

}  // namespace

// The DNS/DHCP trackers report through their sinks; they are published on
// the bus as they come (stamped with the file by the trackers themselves).
struct Pipeline::Trackers final : DnsEventSink, DhcpEventSink {
    explicit Trackers(Pipeline& p) : owner(p), dns(*this, dns_options()), dhcp(*this), rpc(p.bus_) {
        // DNS over TCP comes from the flow engine's reassembly (split messages),
        // on port 53 or, once the first query passes the heuristic, any port.
        // Other TCP flows go to the application protocol owning their port.
        flows.set_consumer_factory([this](const Flow& f) {
            return make_dns_stream_consumer(dns, f, make_app_consumer(f, AppContext{owner.bus_, clock}));
        });
        flows.on_flow_end([this](Flow& f) {
            if (owner.bus_.wanted<FlowEnded>()) owner.bus_.publish(flow_ended(f, owner.file_));
        });
    }
    static DnsTrackerOptions dns_options() {
        DnsTrackerOptions o;
        o.tcp_from_streams = true;
        o.udp_heuristic = true;
        return o;
    }
    void on_dns(const DnsTransaction& t) override { owner.bus_.publish(t); }
    void on_dhcp(const DhcpExchange& e) override { owner.bus_.publish(e); }
    void on_dhcpv6(const Dhcpv6Exchange& e) override { owner.bus_.publish(e); }
    Pipeline& owner;
    DnsTracker dns;
    DhcpTracker dhcp;
    RpcUdpTracker rpc;  // RPC over TCP is an application consumer of the flows
    FlowEngine flows;
    AppClock clock;  // the frame being processed, for application events
};

Pipeline::Pipeline(EventBus& bus, PipelineOptions opts)
    : bus_(bus),
      opts_(opts),
      conns_(opts.syn_timeout, [this](const ConnAttempt& a) { bus_.publish(a); }, opts.max_pending_syns),
      trackers_(std::make_unique<Trackers>(*this)) {
    // An ICMP error quoting a SYN closes that attempt: its ConnAttempt reaches
    // the readers before the IcmpError itself.
    bus_.subscribe<&Pipeline::on_icmp_error>(this, EventBus::Stage::Derive);
}

Pipeline::~Pipeline() = default;

void Pipeline::begin_file(std::uint32_t index, const std::string& name) {
    // Transactions still open belong to the previous file's frame numbers.
    if (index != file_ || !summary_.files.empty()) {
        trackers_->dns.finish();
        trackers_->dhcp.finish();
    }
    file_ = index;
    trackers_->dns.set_file(index);
    trackers_->dhcp.set_file(index);
    summary_.files.push_back(name);
}

namespace {
std::uint32_t event_flags(std::uint32_t f) {
    std::uint32_t out = 0;
    if (f & kTcpRetransmissionAny) out |= kTcpEvRetransmission;
    if (f & kTcpDuplicateAck) out |= kTcpEvDuplicateAck;
    if (f & kTcpZeroWindow) out |= kTcpEvZeroWindow;
    if (f & kTcpWindowFull) out |= kTcpEvWindowFull;
    if (f & kTcpOutOfOrder) out |= kTcpEvOutOfOrder;
    if (f & kTcpLostSegment) out |= kTcpEvLostSegment;
    if (f & kTcpZeroWindowProbe) out |= kTcpEvZeroWindowProbe;
    if (f & (kTcpKeepAlive | kTcpKeepAliveAck)) out |= kTcpEvKeepAlive;
    return out;
}
}  // namespace

void Pipeline::packet(const Packet& pkt) {
    summary_.add(pkt);
    extract_packet_events(pkt, file_, bus_);
    MacAddress src, dst;
    const bool eth = ethernet_addresses(pkt, src, dst);
    conns_.packet(pkt, FrameRef{file_, pkt.number}, eth ? &src : nullptr, eth ? &dst : nullptr);
    trackers_->dns.on_packet(pkt);
    trackers_->dhcp.on_packet(pkt);
    trackers_->clock = AppClock{FrameRef{file_, pkt.number}, pkt.ts.seconds()};
    trackers_->rpc.on_packet(pkt, trackers_->clock);
    const PacketFlowInfo& fi = trackers_->flows.process(pkt);
    if (fi.tcp && fi.flow && bus_.wanted<TcpSegmentEvent>()) {
        TcpSegmentEvent e;
        e.where = FrameRef{file_, pkt.number};
        e.ts = pkt.ts.seconds();
        e.src = pkt.net.src;
        e.dst = pkt.net.dst;
        e.src_port = pkt.net.src_port;
        e.dst_port = pkt.net.dst_port;
        e.flow_id = fi.flow->id;
        TcpSegment seg;
        e.payload = tcp_segment_from_packet(pkt, seg) ? seg.len : pkt.net.payload_length;
        e.flags = event_flags(fi.seg.flags);
        e.tcp_flags = static_cast<std::uint8_t>(pkt.net.tcp_flags & 0xff);
        e.ack = pkt.net.tcp_ack;
        e.seq = pkt.net.tcp_seq;
        e.rtt = fi.seg.ack_rtt > 0 ? fi.seg.ack_rtt : -1;
        e.acked_frame = fi.seg.acked_frame;
        bus_.publish(e);
    }
}

void Pipeline::on_icmp_error(const IcmpError& e) { conns_.icmp_error(e); }

void Pipeline::end() {
    conns_.finish(summary_.last);
    trackers_->flows.finish();  // first: open DNS-over-TCP streams deliver what they hold
    trackers_->dns.finish();
    trackers_->dhcp.finish();
    trackers_->rpc.finish();
}

std::vector<TableLimit> Pipeline::limits() const {
    std::vector<TableLimit> out;
    if (conns_.dropped())
        out.push_back({"connection tracker: SYNs awaiting an answer",
                       "refused/unanswered connection findings and handshake RTTs of further connections",
                       conns_.dropped(), 0, 0});
    if (trackers_->dns.stats().evicted)
        out.push_back({"DNS tracker: queries awaiting an answer",
                       "DNS findings of the evicted queries (they are left out, not counted as unanswered)",
                       trackers_->dns.stats().evicted, 0, 0});
    if (trackers_->dhcp.stats().evicted)
        out.push_back({"DHCP tracker: open exchanges", "DHCP findings of the evicted exchanges",
                       trackers_->dhcp.stats().evicted, 0, 0});
    // Fixed caps outside --memory: a flow evicted while live loses its TCP
    // state and stream consumer; a datagram given up is never reassembled.
    const FlowTable& table = trackers_->flows.table();
    if (table.stats().evicted)
        out.push_back({"flow table: live flows",
                       "TCP analysis and application data of the evicted flows after their eviction",
                       table.stats().evicted, table.stats().peak_live, table.stats().peak_live});
    if (const std::uint64_t given_up = trackers_->flows.defrag().stats().dropped_limit)
        out.push_back({"IP fragment reassembly: datagrams in progress",
                       "the upper layers of the datagrams given up (never reassembled)", given_up,
                       trackers_->flows.defrag().in_progress(), trackers_->flows.defrag().in_progress()});
    return out;
}

std::uint64_t Pipeline::limit_drops() const {
    return conns_.dropped() + trackers_->dns.stats().evicted + trackers_->dhcp.stats().evicted +
           trackers_->flows.table().stats().evicted + trackers_->flows.defrag().stats().dropped_limit;
}

}  // namespace netdx
