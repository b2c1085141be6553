#include "log/dhcp_log.hpp"

#include <array>

#include "core/format_addr.hpp"
#include "events/dhcp_events.hpp"
#include "events/event_bus.hpp"
#include "log/log_fields.hpp"

namespace netdx {

namespace {

constexpr std::array<std::string_view, 11> kFields = {
    "ts",           "server_addr",    "mac",        "host_name", "requested_addr", "assigned_addr",
    "lease_time",   "server_message", "duration",   "outcome",   "servers",
};
constexpr LogSchema kSchema{"dhcp", kFields};

const char* outcome_name(DhcpOutcome o) {
    switch (o) {
        case DhcpOutcome::Leased: return "leased";
        case DhcpOutcome::Nak: return "nak";
        case DhcpOutcome::NoOffer: return "no_offer";
        case DhcpOutcome::NoAck: return "no_ack";
        case DhcpOutcome::Declined: return "declined";
        case DhcpOutcome::Released: return "released";
        case DhcpOutcome::Informed: return "informed";
        case DhcpOutcome::Evicted: return "evicted";
    }
    return "unknown";
}

}  // namespace

void DhcpLog::subscribe(EventBus& bus) { bus.subscribe<&DhcpLog::on_dhcp>(this); }

const LogSchema& DhcpLog::schema() const { return kSchema; }

void DhcpLog::on_dhcp(const DhcpExchange& e) {
    if (!admit_row()) return;
    LogRow r;
    r.ts = e.first_ts.seconds();
    auto& v = r.values;
    v.emplace_back(r.ts);
    // The server the client chose (option 54 of its REQUEST), else the one that answered.
    if (e.selected_server.family) append_address(v, e.selected_server);
    else if (e.servers.size() == 1) append_address(v, e.servers.front().server_id);
    else v.emplace_back(Unset{});
    fmt::memory_buffer mac;
    append_mac(mac, e.client_mac.data());
    v.emplace_back(fmt::to_string(mac));
    append_text(v, e.hostname);
    append_address(v, e.requested_ip);
    if (e.outcome == DhcpOutcome::Leased) append_address(v, e.leased_ip);
    else v.emplace_back(Unset{});
    if (e.outcome == DhcpOutcome::Leased && e.lease_time) v.emplace_back(static_cast<double>(e.lease_time));
    else v.emplace_back(Unset{});
    append_text(v, e.nak_message);
    v.emplace_back(e.last_ts.seconds() - e.first_ts.seconds());
    v.emplace_back(std::string(outcome_name(e.outcome)));
    // Every server that answered (more than one: a rogue server candidate).
    std::vector<std::string> servers;
    for (const DhcpServerReply& s : e.servers) {
        fmt::memory_buffer b;
        append_ip(b, s.server_id);
        servers.push_back(fmt::to_string(b));
    }
    if (servers.empty()) v.emplace_back(Unset{});
    else v.emplace_back(std::move(servers));
    add_row(std::move(r));
}

}  // namespace netdx
