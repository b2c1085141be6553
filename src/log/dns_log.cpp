#include "log/dns_log.hpp"

#include <array>

#include "dissectors/dns_parse.hpp"
#include "events/event_bus.hpp"
#include "events/flow_events.hpp"
#include "log/flow_uid.hpp"
#include "log/log_fields.hpp"

namespace netdx {

namespace {

constexpr std::array<std::string_view, 20> kFields = {
    "ts",     "uid",         "id.orig_h", "id.orig_p",  "id.resp_h", "id.resp_p",  "proto",
    "trans_id", "rtt",       "query",     "qclass",     "qclass_name", "qtype",    "qtype_name",
    "rcode",  "rcode_name",  "AA",        "TC",         "answers",   "TTLs",
};
constexpr LogSchema kSchema{"dns", kFields};

// Zeek's class names.
LogValue qclass_name(std::uint16_t c) {
    switch (c) {
        case 1: return std::string("C_INTERNET");
        case 3: return std::string("C_CHAOS");
        case 4: return std::string("C_HESIOD");
        case 254: return std::string("C_NONE");
        case 255: return std::string("C_ANY");
        default: return Unset{};
    }
}

LogValue text_or_unset(const char* s) {
    if (s) return std::string(s);
    return Unset{};
}

}  // namespace

void DnsLog::subscribe(EventBus& bus) {
    bus.subscribe<&DnsLog::on_dns>(this);
    bus.subscribe<&DnsLog::on_flow>(this);
}

const LogSchema& DnsLog::schema() const { return kSchema; }

void DnsLog::on_dns(const DnsTransaction& t) {
    if (admit(transactions_.size())) transactions_.push_back(t);
}

void DnsLog::on_flow(const FlowEnded& f) { finder_.add(f); }

void DnsLog::build_rows() {
    for (const DnsTransaction& t : transactions_) {
        const std::uint8_t ip_proto = t.transport == DnsTransport::Tcp ? 6 : 17;
        const double ts = t.has_query ? t.query_ts.seconds() : t.response_ts.seconds();
        LogRow r;
        r.ts = ts;
        auto& v = r.values;
        v.emplace_back(ts);
        const auto flow = finder_.find(ip_proto, t.client, t.client_port, t.server, t.server_port, ts);
        if (flow) v.emplace_back(flow_uid(*flow));
        else v.emplace_back(Unset{});
        append_conn_id(v, ip_proto, t.client, t.client_port, t.server, t.server_port);
        v.push_back(transport_value(ip_proto));
        v.emplace_back(std::uint64_t{t.id});
        if (t.latency >= 0) v.emplace_back(t.latency);
        else v.emplace_back(Unset{});
        v.emplace_back(t.qname);
        v.emplace_back(std::uint64_t{t.qclass});
        v.push_back(qclass_name(t.qclass));
        v.emplace_back(std::uint64_t{t.qtype});
        v.push_back(text_or_unset(dns::type_name(t.qtype)));
        if (t.has_response) {
            v.emplace_back(std::uint64_t{t.rcode});
            v.push_back(text_or_unset(dns::rcode_mnemonic(t.rcode)));
            v.emplace_back(t.authoritative);
            v.emplace_back(t.truncated);
        } else {
            v.insert(v.end(), 4, Unset{});
        }
        if (t.has_response && !t.answers.empty()) {
            std::vector<std::string> answers;
            std::vector<double> ttls;
            for (const DnsRecord& a : t.answers) {
                // Types netdx shows by name only (no text form of their data).
                if (!a.data.empty()) answers.push_back(a.data);
                else if (const char* n = dns::type_name(a.type)) answers.push_back(fmt::format("<{}>", n));
                else answers.push_back(fmt::format("<TYPE{}>", a.type));
                ttls.push_back(a.ttl);
            }
            v.emplace_back(std::move(answers));
            v.emplace_back(std::move(ttls));
        } else {
            v.insert(v.end(), 2, Unset{});
        }
        add_row(std::move(r));
    }
}

}  // namespace netdx
