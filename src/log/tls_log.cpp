#include "log/tls_log.hpp"

#include <fmt/format.h>

#include <array>

#include "events/event_bus.hpp"
#include "events/tls_events.hpp"
#include "log/flow_uid.hpp"
#include "log/log_fields.hpp"

namespace netdx {

namespace {

constexpr std::array<std::string_view, 12> kFields = {
    "ts",     "uid",         "id.orig_h",  "id.orig_p",   "id.resp_h", "id.resp_p",
    "version", "cipher",     "server_name", "last_alert", "established", "issuer",
};
constexpr LogSchema kSchema{"tls", kFields};

// Zeek's spelling ("TLSv12"); a value outside the known versions in hex.
std::string version_text(std::uint16_t v) {
    switch (v) {
        case 0x0300: return "SSLv3";
        case kTls10: return "TLSv10";
        case kTls11: return "TLSv11";
        case kTls12: return "TLSv12";
        case kTls13: return "TLSv13";
        default: return fmt::format("0x{:04x}", v);
    }
}

}  // namespace

void TlsLog::subscribe(EventBus& bus) { bus.subscribe<&TlsLog::on_tls>(this); }

const LogSchema& TlsLog::schema() const { return kSchema; }

void TlsLog::on_tls(const TlsSession& t) {
    if (!t.client_hello && !t.server_hello) return;  // records without a hello: not a handshake netdx read
    if (!admit_row()) return;
    LogRow r;
    r.ts = t.ts;
    auto& v = r.values;
    v.emplace_back(t.ts);
    v.emplace_back(flow_uid(t.flow_id));
    append_conn_id(v, 6, t.client, t.client_port, t.server, t.server_port);
    if (t.server_hello) {
        v.emplace_back(version_text(t.version));
        const char* name = tls_cipher_name(t.cipher);
        v.emplace_back(name ? std::string(name) : fmt::format("0x{:04x}", t.cipher));
    } else {
        v.insert(v.end(), 2, Unset{});
    }
    if (t.client_hello && !t.sni.empty()) v.emplace_back(t.sni);
    else v.emplace_back(Unset{});
    // The last alert, when readable in clear (an encrypted one has no known description).
    // Only the first kTlsAlertCap alerts are kept: past them the last is unknown.
    std::string alert;
    if (t.alert_count == t.alerts.size() && !t.alerts.empty() && !t.alerts.back().encrypted)
        alert = tls_alert_name(t.alerts.back().description);
    if (alert.empty()) v.emplace_back(Unset{});
    else v.emplace_back(std::move(alert));
    v.emplace_back(t.completed);
    if (t.has_certificate && t.leaf.parsed && !t.leaf.issuer.empty()) v.emplace_back(t.leaf.issuer);
    else v.emplace_back(Unset{});
    add_row(std::move(r));
}

}  // namespace netdx
