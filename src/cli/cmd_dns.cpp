// `netdx dns`: DNS transactions (query ↔ response, latency, unanswered,
// retransmitted, TC + TCP retry, unsolicited) and, with --dhcp, DHCP exchanges.
#include <fmt/format.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/open_reading_source.hpp"
#include "cli/source_options.hpp"
#include "core/exit_codes.hpp"
#include "core/format_addr.hpp"
#include "dissectors/decode.hpp"
#include "dissectors/dhcp_parse.hpp"
#include "dissectors/dns_parse.hpp"
#include "dns/dhcp_tracker.hpp"
#include "dns/dns_stream.hpp"
#include "dns/dns_tracker.hpp"
#include "flow/flow_engine.hpp"

namespace netdx {

namespace {

struct DnsArgs {
    SourceArgs source;
    std::string format = "text";
    double timeout = 5.0;
    std::size_t max_pending = 10000;
    bool dhcp = false;
};

std::string ip_text(const IpAddress& a) {
    if (a.family == 0) return "-";
    fmt::memory_buffer b;
    append_ip(b, a);
    return fmt::to_string(b);
}

std::string mac_text(const std::array<std::uint8_t, 6>& m) {
    fmt::memory_buffer b;
    append_mac(b, m.data());
    return fmt::to_string(b);
}

std::string type_text(std::uint16_t t) {
    const char* n = dns::type_name(t);
    return n ? n : fmt::format("TYPE{}", t);
}

std::string rcode_text(const DnsTransaction& t) {
    if (!t.has_response) return "-";
    static const char* const kShort[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
                                         "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"};
    if (t.rcode < sizeof kShort / sizeof kShort[0]) return kShort[t.rcode];
    if (t.rcode == 16) return "BADVERS";
    return fmt::format("RCODE{}", t.rcode);
}

const char* end_text(DnsEnd e) {
    switch (e) {
        case DnsEnd::Answered: return "answered";
        case DnsEnd::Timeout: return "unanswered";
        case DnsEnd::EndOfCapture: return "unanswered (capture ended)";
        case DnsEnd::Evicted: return "evicted";
        case DnsEnd::Unsolicited: return "unsolicited";
    }
    return "";
}

const char* outcome_text(DhcpOutcome o) {
    switch (o) {
        case DhcpOutcome::Leased: return "leased";
        case DhcpOutcome::Nak: return "nak";
        case DhcpOutcome::NoOffer: return "no-offer";
        case DhcpOutcome::NoAck: return "no-ack";
        case DhcpOutcome::Declined: return "declined";
        case DhcpOutcome::Released: return "released";
        case DhcpOutcome::Informed: return "informed";
        case DhcpOutcome::Evicted: return "evicted";
    }
    return "";
}

const char* outcome6_text(Dhcpv6Outcome o) {
    switch (o) {
        case Dhcpv6Outcome::Replied: return "replied";
        case Dhcpv6Outcome::NoAdvertise: return "no-advertise";
        case Dhcpv6Outcome::NoReply: return "no-reply";
        case Dhcpv6Outcome::Evicted: return "evicted";
    }
    return "";
}

class Printer final : public DnsEventSink, public DhcpEventSink {
public:
    explicit Printer(bool json) : json_(json) {}

    void on_dns(const DnsTransaction& t) override {
        ++dns_count_;
        if (t.end == DnsEnd::Answered) ++answered_;
        else if (t.end == DnsEnd::Unsolicited) ++unsolicited_;
        else ++unanswered_;
        if (json_) {
            nlohmann::json j;
            j["event"] = "dns";
            j["end"] = end_text(t.end);
            j["transport"] = t.transport == DnsTransport::Tcp ? "tcp" : "udp";
            j["client"] = ip_text(t.client);
            j["client_port"] = t.client_port;
            j["server"] = ip_text(t.server);
            j["server_port"] = t.server_port;
            j["id"] = t.id;
            j["qname"] = t.qname;
            j["qtype"] = type_text(t.qtype);
            if (t.has_query) {
                j["query_frame"] = t.query_frame;
                j["retransmissions"] = t.retransmissions;
            }
            if (t.has_response) {
                j["response_frame"] = t.response_frame;
                j["rcode"] = rcode_text(t);
                if (t.latency >= 0) j["latency_ms"] = t.latency * 1000.0;
                j["truncated"] = t.truncated;
                if (t.truncated) j["retried_over_tcp"] = t.retried_over_tcp;
                j["duplicate_responses"] = t.duplicate_responses;
                nlohmann::json answers = nlohmann::json::array();
                for (const DnsRecord& r : t.answers)
                    answers.push_back({{"type", type_text(r.type)}, {"ttl", r.ttl}, {"data", r.data}});
                j["answers"] = std::move(answers);
            }
            if (t.malformed) j["malformed"] = t.problem;
            fmt::print("{}\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
            return;
        }
        std::string answers;
        for (const DnsRecord& r : t.answers) {
            if (!answers.empty()) answers += ',';
            answers += r.data.empty() ? type_text(r.type) : r.data;
        }
        std::string note = end_text(t.end);
        if (t.retransmissions) note += fmt::format(", {} retransmission(s)", t.retransmissions);
        if (t.truncated) note += t.retried_over_tcp ? ", TC (retried over TCP)" : ", TC (no TCP retry)";
        if (t.duplicate_responses) note += fmt::format(", {} duplicate response(s)", t.duplicate_responses);
        if (t.malformed) note += fmt::format(", malformed: {}", t.problem);
        fmt::print("{:>7} {}:{} -> {}:{} {} 0x{:04x} {} {} {} [{}] {} {}\n",
                   t.has_query ? t.query_frame : t.response_frame, ip_text(t.client), t.client_port,
                   ip_text(t.server), t.server_port, t.transport == DnsTransport::Tcp ? "tcp" : "udp", t.id,
                   t.qname, type_text(t.qtype), rcode_text(t), answers,
                   t.latency >= 0 ? fmt::format("{:.3f}ms", t.latency * 1000.0) : std::string("-"), note);
    }

    void on_dhcp(const DhcpExchange& e) override {
        ++dhcp_count_;
        if (json_) {
            nlohmann::json j;
            j["event"] = "dhcp";
            j["outcome"] = outcome_text(e.outcome);
            j["xid"] = fmt::format("0x{:08x}", e.xid);
            j["client_mac"] = mac_text(e.client_mac);
            j["hostname"] = e.hostname;
            j["first_frame"] = e.first_frame;
            j["counts"] = {{"discover", e.discovers}, {"offer", e.offers}, {"request", e.requests},
                           {"ack", e.acks}, {"nak", e.naks}, {"decline", e.declines},
                           {"release", e.releases}, {"inform", e.informs}};
            j["requested_ip"] = ip_text(e.requested_ip);
            j["leased_ip"] = ip_text(e.leased_ip);
            j["lease_time"] = e.lease_time;
            if (e.time_to_lease >= 0) j["time_to_lease_ms"] = e.time_to_lease * 1000.0;
            nlohmann::json servers = nlohmann::json::array();
            for (const DhcpServerReply& s : e.servers)
                servers.push_back({{"server_id", ip_text(s.server_id)}, {"source", ip_text(s.source)},
                                   {"offered", ip_text(s.offered)}, {"frame", s.frame}});
            j["servers"] = std::move(servers);
            if (!e.nak_message.empty()) j["nak_message"] = e.nak_message;
            fmt::print("{}\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
            return;
        }
        std::string servers;
        for (const DhcpServerReply& s : e.servers) servers += (servers.empty() ? "" : ",") + ip_text(s.server_id);
        fmt::print("{:>7} DHCP xid 0x{:08x} {} {} D{} O{} R{} A{} N{} leased={} servers=[{}] {}{}{}\n", e.first_frame,
                   e.xid, mac_text(e.client_mac), outcome_text(e.outcome), e.discovers, e.offers, e.requests, e.acks,
                   e.naks, ip_text(e.leased_ip), servers,
                   e.time_to_lease >= 0 ? fmt::format("{:.3f}ms", e.time_to_lease * 1000.0) : std::string("-"),
                   e.servers.size() > 1 ? " MULTIPLE SERVERS" : "",
                   e.nak_message.empty() ? std::string() : fmt::format(" nak: \"{}\"", e.nak_message));
    }

    void on_dhcpv6(const Dhcpv6Exchange& e) override {
        ++dhcp_count_;
        std::string addrs, servers;
        for (const IpAddress& a : e.addresses) addrs += (addrs.empty() ? "" : ",") + ip_text(a);
        for (const IpAddress& a : e.servers) servers += (servers.empty() ? "" : ",") + ip_text(a);
        if (json_) {
            nlohmann::json j;
            j["event"] = "dhcpv6";
            j["outcome"] = outcome6_text(e.outcome);
            j["client"] = ip_text(e.client);
            j["client_duid"] = e.client_duid;
            j["first_frame"] = e.first_frame;
            j["counts"] = {{"solicit", e.solicits}, {"advertise", e.advertises}, {"request", e.requests},
                           {"reply", e.replies}, {"other", e.others}};
            j["addresses"] = addrs;
            j["servers"] = servers;
            j["status_code"] = e.status_code;
            j["status_message"] = e.status_message;
            if (e.time_to_reply >= 0) j["time_to_reply_ms"] = e.time_to_reply * 1000.0;
            fmt::print("{}\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
            return;
        }
        fmt::print("{:>7} DHCPv6 client {} {} S{} A{} R{} Y{} addresses=[{}] servers=[{}] status={}{}\n", e.first_frame,
                   ip_text(e.client), outcome6_text(e.outcome), e.solicits, e.advertises, e.requests, e.replies, addrs,
                   servers, e.status_code, e.status_message.empty() ? "" : " \"" + e.status_message + "\"");
    }

    void summary(const DnsTrackerStats& s) const {
        if (json_) return;
        fmt::print("# {} DNS transactions: {} answered, {} unanswered, {} unsolicited; {} malformed messages, {} evicted",
                   dns_count_, answered_, unanswered_, unsolicited_, s.malformed, s.evicted);
        if (s.tcp_gaps) fmt::print("; {} gap(s) in DNS-over-TCP streams ({} bytes lost)", s.tcp_gaps, s.tcp_gap_bytes);
        fmt::print("\n");
    }

private:
    bool json_;
    std::uint64_t dns_count_ = 0, answered_ = 0, unanswered_ = 0, unsolicited_ = 0, dhcp_count_ = 0;
};

int run_dns(DnsArgs& a) {
    std::unique_ptr<PacketSource> src;
    if (int rc = open_reading_source(a.source, "dns", src)) return rc;

    Printer printer(a.format == "json");
    DnsTrackerOptions dopts;
    dopts.timeout = a.timeout;
    dopts.max_pending = a.max_pending;
    dopts.tcp_from_streams = true;
    dopts.udp_heuristic = true;  // DNS on other UDP ports, from each flow's first query
    DnsTracker dns_tracker(printer, dopts);
    // DNS over TCP comes from stream reassembly: messages split across
    // segments, several per segment, gaps. Port-53 flows, and flows on other
    // ports whose first message passes the DNS heuristic.
    FlowEngineConfig fcfg;
    fcfg.analyze_tcp = false;
    FlowEngine flows(fcfg);
    flows.set_consumer_factory([&dns_tracker](const Flow& f) { return make_dns_stream_consumer(dns_tracker, f); });
    DhcpTracker dhcp_tracker(printer);
    Packet pkt;
    std::uint64_t seen = 0;
    const int rc = for_each_packet(
        *src, pkt,
        [&](const Packet& p) {
            dns_tracker.on_packet(p);  // first: stream messages take this packet's frame and time
            flows.process(p);
            if (a.dhcp) dhcp_tracker.on_packet(p);
            return !(a.source.count && ++seen >= a.source.count);
        },
        [] { std::fflush(stdout); });
    flows.finish();  // streams still open deliver what they hold
    dns_tracker.finish();
    if (a.dhcp) dhcp_tracker.finish();
    printer.summary(dns_tracker.stats());
    std::fflush(stdout);
    return rc;
}

}  // namespace

CommandRunner add_dns_command(CLI::App& app) {
    auto args = std::make_shared<DnsArgs>();
    CLI::App* cmd = app.add_subcommand("dns", "List DNS transactions (and DHCP exchanges with --dhcp)");
    add_source_options(*cmd, args->source, true);
    cmd->add_option("-T,--format", args->format, "Output format: text or json (one object per line)")
        ->check(CLI::IsMember({"text", "json"}));
    cmd->add_option("--timeout", args->timeout, "Seconds after which an unanswered query is reported (default 5)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--max-pending", args->max_pending, "Open queries kept at most; the oldest is evicted (default 10000)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{10000000}));
    cmd->add_flag("--dhcp", args->dhcp, "Also list DHCP (v4) and DHCPv6 exchanges");
    return [cmd, args]() { return cmd->parsed() ? run_dns(*args) : -1; };
}

}  // namespace netdx
