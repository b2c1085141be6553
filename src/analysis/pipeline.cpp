#include "analysis/pipeline.hpp"

#include "dns/dhcp_tracker.hpp"
#include "dns/dns_tracker.hpp"

namespace netdx {

// The DNS/DHCP trackers report through sinks; the file index is added here
// because their frame numbers are per file.
struct Pipeline::Trackers final : DnsEventSink, DhcpEventSink {
    explicit Trackers(Pipeline& p) : owner(p), dns(*this), dhcp(*this) {}
    void on_dns(const DnsTransaction& t) override { owner.engine_.on_dns(t, owner.file_); }
    void on_dhcp(const DhcpExchange& e) override { owner.engine_.on_dhcp(e, owner.file_); }
    void on_dhcpv6(const Dhcpv6Exchange&) override {}
    Pipeline& owner;
    DnsTracker dns;
    DhcpTracker dhcp;
};

Pipeline::Pipeline(Engine& engine, PipelineOptions opts)
    : engine_(engine),
      opts_(opts),
      conns_(opts.syn_timeout, [this](const ConnAttempt& a) { engine_.on_conn(a); }),
      trackers_(std::make_unique<Trackers>(*this)) {}

Pipeline::~Pipeline() = default;

void Pipeline::begin_file(std::uint32_t index, const std::string& name) {
    // Transactions still open belong to the previous file's frame numbers.
    if (index != file_ || !summary_.files.empty()) {
        trackers_->dns.finish();
        trackers_->dhcp.finish();
    }
    file_ = index;
    summary_.files.push_back(name);
}

void Pipeline::packet(const Packet& pkt) {
    summary_.add(pkt);
    extract_packet_events(pkt, file_, *this);
    MacAddress src, dst;
    const bool eth = ethernet_addresses(pkt, src, dst);
    conns_.packet(pkt, FrameRef{file_, pkt.number}, eth ? &src : nullptr, eth ? &dst : nullptr);
    trackers_->dns.on_packet(pkt);
    trackers_->dhcp.on_packet(pkt);
}

void Pipeline::on_icmp_error(const IcmpError& e) {
    conns_.icmp_error(e);
    engine_.on_icmp_error(e);
}

void Pipeline::end() {
    conns_.finish(summary_.last);
    trackers_->dns.finish();
    trackers_->dhcp.finish();
}

std::uint64_t Pipeline::limit_drops() const {
    return conns_.dropped() + trackers_->dns.stats().evicted + trackers_->dhcp.stats().evicted;
}

}  // namespace netdx
