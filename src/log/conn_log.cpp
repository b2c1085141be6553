#include "log/conn_log.hpp"

#include <algorithm>
#include <array>

#include "events/dns_events.hpp"
#include "events/event_bus.hpp"
#include "events/ftp_events.hpp"
#include "events/http_events.hpp"
#include "events/mail_events.hpp"
#include "events/smtp_events.hpp"
#include "events/ssh_events.hpp"
#include "events/tls_events.hpp"
#include "log/conn_state.hpp"
#include "log/flow_uid.hpp"
#include "log/log_fields.hpp"

namespace netdx {

namespace {
constexpr std::array<std::string_view, 15> kFields = {
    "ts",         "uid",        "id.orig_h", "id.orig_p",  "id.resp_h", "id.resp_p", "proto",     "service",
    "duration",   "orig_bytes", "resp_bytes", "conn_state", "history",  "orig_pkts", "resp_pkts",
};
constexpr LogSchema kSchema{"conn", kFields};
}  // namespace

void ConnLog::subscribe(EventBus& bus) {
    bus.subscribe<&ConnLog::on_flow>(this);
    bus.subscribe<&ConnLog::on_dns>(this);
    bus.subscribe<&ConnLog::on_http>(this);
    bus.subscribe<&ConnLog::on_tls>(this);
    bus.subscribe<&ConnLog::on_ssh>(this);
    bus.subscribe<&ConnLog::on_smtp>(this);
    bus.subscribe<&ConnLog::on_ftp>(this);
    bus.subscribe<&ConnLog::on_pop3>(this);
    bus.subscribe<&ConnLog::on_imap>(this);
}

const LogSchema& ConnLog::schema() const { return kSchema; }

void ConnLog::on_flow(const FlowEnded& f) {
    // Link-layer pseudo-flows (ARP, LLDP, ...) and IP protocols other than
    // TCP, UDP and ICMP are no connections in Zeek's sense.
    const bool logged = f.orig.family != 0 && (f.ip_proto == 6 || f.ip_proto == 17 || f.ip_proto == 1 || f.ip_proto == 58);
    if (!logged) return;
    finder_.add(f);
    if (admit(flows_.size())) flows_.push_back(f);
}

void ConnLog::on_dns(const DnsTransaction& t) {
    if (dns_.size() >= max_rows()) return;  // a service name left out, not a row
    const double ts = t.has_query ? t.query_ts.seconds() : t.response_ts.seconds();
    dns_.push_back({static_cast<std::uint8_t>(t.transport == DnsTransport::Tcp ? 6 : 17), t.client, t.server,
                    t.client_port, t.server_port, ts});
}

void ConnLog::mark(std::uint64_t flow_id, const char* service) {
    auto& v = services_[flow_id];
    if (std::find(v.begin(), v.end(), service) == v.end()) v.push_back(service);
}

void ConnLog::on_http(const HttpTransaction& t) { mark(t.flow_id, "http"); }
void ConnLog::on_tls(const TlsSession& t) {
    if (t.client_hello || t.server_hello) mark(t.flow_id, "ssl");  // Zeek's name for TLS
}
void ConnLog::on_ssh(const SshSession& t) { mark(t.flow_id, "ssh"); }
void ConnLog::on_smtp(const SmtpTransaction& t) { mark(t.flow_id, "smtp"); }
void ConnLog::on_ftp(const FtpTransaction& t) { mark(t.flow_id, "ftp"); }
void ConnLog::on_pop3(const Pop3Transaction& t) { mark(t.flow_id, "pop3"); }
void ConnLog::on_imap(const ImapTransaction& t) { mark(t.flow_id, "imap"); }

void ConnLog::build_rows() {
    std::unordered_map<std::uint64_t, std::vector<const char*>> services = services_;
    for (const DnsSeen& d : dns_)
        if (auto id = finder_.find(d.ip_proto, d.client, d.client_port, d.server, d.server_port, d.ts)) {
            auto& v = services[*id];
            if (std::find(v.begin(), v.end(), std::string_view("dns")) == v.end()) v.push_back("dns");
        }
    for (const FlowEnded& f : flows_) {
        LogRow r;
        r.ts = f.first_ts;
        auto& v = r.values;
        v.emplace_back(f.first_ts);
        v.emplace_back(flow_uid(f.flow_id));
        append_conn_id(v, f.ip_proto, f.orig, f.orig_port, f.resp, f.resp_port);
        v.push_back(transport_value(f.ip_proto));
        if (auto it = services.find(f.flow_id); it != services.end()) {
            std::string s;
            for (const char* name : it->second) (s += s.empty() ? "" : ",") += name;
            v.emplace_back(std::move(s));
        } else {
            v.emplace_back(Unset{});
        }
        v.emplace_back(f.last_ts - f.first_ts);
        v.emplace_back(f.orig_payload);
        v.emplace_back(f.resp_payload);
        const std::string_view history(f.history, f.history_len);
        v.emplace_back(std::string(conn_state(f.ip_proto, history, f.resp_packets)));
        if (f.ip_proto == 6) v.emplace_back(std::string(history));
        else v.emplace_back(Unset{});
        v.emplace_back(f.orig_packets);
        v.emplace_back(f.resp_packets);
        add_row(std::move(r));
    }
}

}  // namespace netdx
