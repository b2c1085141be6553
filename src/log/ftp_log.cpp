#include "log/ftp_log.hpp"

#include <array>

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

}  // namespace

void FtpLog::subscribe(EventBus& bus) { bus.subscribe<&FtpLog::on_ftp>(this); }

const LogSchema& FtpLog::schema() const { return kSchema; }

void FtpLog::on_ftp(const FtpTransaction& t) {
    if (t.command.empty()) return;  // the greeting or a reply nobody asked for
    if (!admit_row()) return;
    LogRow r;
    r.ts = t.command_ts;
    auto& v = r.values;
    v.emplace_back(t.command_ts);
    v.emplace_back(flow_uid(t.flow_id));
    append_conn_id(v, 6, t.client, t.client_port, t.server, t.server_port);
    append_text(v, t.user);
    v.emplace_back(t.command);
    // PASS: not even the consumer's mask (first character and length) is written.
    if (t.command == "PASS") v.emplace_back(Unset{});
    else append_text(v, t.argument);
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
        append_address(v, passive ? t.client : t.server);
        append_address(v, t.data_address);
        v.emplace_back(std::uint64_t{t.data_port});
    } else {
        v.insert(v.end(), 4, Unset{});
    }
    if (t.preliminary_code) v.emplace_back(static_cast<std::uint64_t>(t.preliminary_code));
    else v.emplace_back(Unset{});
    add_row(std::move(r));
}

}  // namespace netdx
