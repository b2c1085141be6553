#include "log/ftp_log.hpp"

#include <array>

#include "core/format_addr.hpp"
#include "events/event_bus.hpp"
#include "events/ftp_events.hpp"
#include "log/flow_uid.hpp"
#include "log/log_fields.hpp"

namespace netdx {

namespace {

constexpr std::array<std::string_view, 16> kFields = {
    "ts",          "uid",       "id.orig_h",  "id.orig_p",  "id.resp_h",
    "id.resp_p",   "user",      "command",    "arg",        "reply_code",
    "reply_msg",   "data_channel.passive", "data_channel.orig_h", "data_channel.resp_h", "data_channel.resp_p",
    "preliminary_code",
};
constexpr LogSchema kSchema{"ftp", kFields};

std::string ip_text(const IpAddress& a) {
    fmt::memory_buffer b;
    append_ip(b, a);
    return fmt::to_string(b);
}

void text(std::vector<LogValue>& v, const std::string& s) {
    if (s.empty()) v.emplace_back(Unset{});
    else v.emplace_back(s);
}

}  // namespace

void FtpLog::subscribe(EventBus& bus) { bus.subscribe<&FtpLog::on_ftp>(this); }

const LogSchema& FtpLog::schema() const { return kSchema; }

void FtpLog::on_ftp(const FtpTransaction& t) {
    if (t.command.empty()) return;  // the greeting or a reply nobody asked for
    if (!admit(rows_.size())) return;
    LogRow r;
    r.ts = t.command_ts;
    auto& v = r.values;
    v.emplace_back(t.command_ts);
    v.emplace_back(flow_uid(t.flow_id));
    append_conn_id(v, 6, t.client, t.client_port, t.server, t.server_port);
    text(v, t.user);
    v.emplace_back(t.command);
    // PASS: not even the consumer's mask (first character and length) is written.
    if (t.command == "PASS") v.emplace_back(Unset{});
    else text(v, t.argument);
    if (t.reply_code) {
        v.emplace_back(static_cast<std::uint64_t>(t.reply_code));
        v.emplace_back(t.reply_text);
    } else {
        v.insert(v.end(), 2, Unset{});
    }
    if (t.has_data_endpoint) {
        // Zeek's data channel: passive, the client connects to the address the
        // server named; active (PORT/EPRT), the server connects to the client's.
        const bool passive = t.command == "PASV" || t.command == "EPSV";
        v.emplace_back(passive);
        v.emplace_back(ip_text(passive ? t.client : t.server));
        v.emplace_back(ip_text(t.data_address));
        v.emplace_back(std::uint64_t{t.data_port});
    } else {
        v.insert(v.end(), 4, Unset{});
    }
    if (t.preliminary_code) v.emplace_back(static_cast<std::uint64_t>(t.preliminary_code));
    else v.emplace_back(Unset{});
    rows_.push_back(std::move(r));
}

}  // namespace netdx
