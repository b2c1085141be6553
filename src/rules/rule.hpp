#pragma once
// A rule consumes typed events and, at the end (or when a window closes),
// raises findings. One Rule object may own several closely related ids
// (refused / unanswered / file share share one tracker) so a problem is
// reported once, under its most specific id.
#include <set>
#include <string>

#include "events/conn_events.hpp"
#include "events/dhcp_events.hpp"
#include "events/dns_events.hpp"
#include "events/packet_events.hpp"
#include "events/tcp_events.hpp"
#include "rules/config.hpp"
#include "rules/finding.hpp"

namespace netdx {
// Application transactions (src/events/<proto>_events.hpp, src/app/).
struct HttpTransaction;
struct TlsSession;
struct SmtpTransaction;
struct FtpTransaction;
struct PlaintextLogin;
struct SshSession;
}  // namespace netdx

namespace netdx {

// Conclusions one rule leaves for the rules that finish after it (so a scan
// is not also reported as a hundred refused connections).
struct SharedFacts {
    std::set<IpAddress> scanners;
    std::set<IpAddress> flood_targets;
};

class FindingSink {
public:
    virtual ~FindingSink() = default;
    // `id` must be in the FindingDef table; disabled ids are dropped here.
    virtual void raise(std::string_view id, Finding f) = 0;
    [[nodiscard]] virtual bool enabled(std::string_view id) const = 0;
};

struct FinishContext {
    FindingSink& sink;
    SharedFacts& facts;
    double capture_first = 0, capture_last = 0;
};

class Rule {
public:
    virtual ~Rule() = default;
    virtual void on_arp(const ArpObservation&) {}
    virtual void on_ndp(const NdpObservation&) {}
    virtual void on_icmp_error(const IcmpError&) {}
    virtual void on_ip(const IpPacketSeen&) {}
    virtual void on_echo(const EchoRequest&) {}
    virtual void on_syn(const SynSeen&) {}
    virtual void on_conn(const ConnAttempt&) {}
    virtual void on_tcp(const TcpSegmentEvent&) {}
    virtual void on_dns(const DnsTransaction&, std::uint32_t /*file*/) {}
    virtual void on_dhcp(const DhcpExchange&, std::uint32_t /*file*/) {}
    virtual void on_dhcpv6(const Dhcpv6Exchange&, std::uint32_t /*file*/) {}
    // Application events carry their FrameRef (file included).
    virtual void on_http(const HttpTransaction&) {}
    virtual void on_tls(const TlsSession&) {}
    virtual void on_smtp(const SmtpTransaction&) {}
    virtual void on_ftp(const FtpTransaction&) {}
    virtual void on_plaintext_login(const PlaintextLogin&) {}
    virtual void on_ssh(const SshSession&) {}
    virtual void finish(FinishContext& ctx) = 0;
    // Keys dropped because a table of this rule was full (reported as a limit).
    [[nodiscard]] virtual std::uint64_t dropped() const { return 0; }
};

}  // namespace netdx
