#include "log/mail_access_log.hpp"

#include <array>

#include "events/event_bus.hpp"
#include "events/mail_events.hpp"
#include "log/flow_uid.hpp"
#include "log/log_fields.hpp"

namespace netdx {

namespace {

constexpr std::array<std::string_view, 8> kPop3Fields = {
    "ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "command", "status",
};
constexpr LogSchema kPop3Schema{"pop3", kPop3Fields};

constexpr std::array<std::string_view, 9> kImapFields = {
    "ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "tag", "command", "status",
};
constexpr LogSchema kImapSchema{"imap", kImapFields};

// The fields both logs start with: when the command was sent, on which flow.
template <typename T>
LogRow start(const T& t) {
    LogRow r;
    r.ts = t.command_ts;
    r.values.emplace_back(t.command_ts);
    r.values.emplace_back(flow_uid(t.flow_id));
    append_conn_id(r.values, 6, t.client, t.client_port, t.server, t.server_port);
    return r;
}

}  // namespace

void Pop3Log::subscribe(EventBus& bus) { bus.subscribe<&Pop3Log::on_pop3>(this); }
const LogSchema& Pop3Log::schema() const { return kPop3Schema; }

void Pop3Log::on_pop3(const Pop3Transaction& t) {
    if (t.command.empty() || !admit_row()) return;  // the greeting is no command
    LogRow r = start(t);
    r.values.emplace_back(t.command);
    append_text(r.values, t.indicator);  // unset: unanswered
    add_row(std::move(r));
}

void ImapLog::subscribe(EventBus& bus) { bus.subscribe<&ImapLog::on_imap>(this); }
const LogSchema& ImapLog::schema() const { return kImapSchema; }

void ImapLog::on_imap(const ImapTransaction& t) {
    if (t.command.empty() || !admit_row()) return;
    LogRow r = start(t);
    r.values.emplace_back(t.tag);
    r.values.emplace_back(t.command);
    append_text(r.values, t.status);
    add_row(std::move(r));
}

}  // namespace netdx
