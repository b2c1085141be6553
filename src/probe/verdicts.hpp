#pragma once
// What the probes' results mean, as findings with the rule ids `netdx analyze`
// uses where one applies (arp.duplicate_ip, dhcp.no_offer, conn.refused, ...)
// and the probe-only ids otherwise (link.no_carrier, dns.resolvers_disagree,
// ...). One finding per id and cause; the rule configuration (--config, --set)
// can change a finding's severity or turn its rule off, as for analyze.
#include <string>
#include <vector>

#include "probe/arp_probe.hpp"
#include "probe/dhcp_probe.hpp"
#include "probe/dns_probe.hpp"
#include "probe/path_probe.hpp"
#include "probe/tcp_probe.hpp"
#include "rules/config.hpp"
#include "rules/finding.hpp"

namespace netdx {

class Verdicts {
public:
    explicit Verdicts(const RuleConfig& config) : config_(config) {}

    // A finding of `id` unless its rule is disabled; returns it for filling in
    // (null when disabled). `id` must be in the catalog.
    Finding* raise(std::string_view id, std::string title, std::string detail, double ts);

    // Several MACs answering ARP for an address (or, with `ours`, any MAC but
    // ours answering for our own address).
    void arp_answers(const ArpProbeResult& r, bool ours);
    void dhcp_offers(const DhcpProbeResult& r, bool want_offer);
    void dns_results(const DnsProbeResult& r);
    void tcp_results(const std::vector<TcpProbeResult>& rs);
    void path_result(const PathProbeResult& r);

    [[nodiscard]] const std::vector<Finding>& findings() const { return findings_; }
    std::vector<Finding> take() { return std::move(findings_); }

private:
    const RuleConfig& config_;
    std::vector<Finding> findings_;
};

}  // namespace netdx
