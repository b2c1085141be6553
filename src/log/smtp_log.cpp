#include "log/smtp_log.hpp"

#include <fmt/format.h>

#include <array>

#include "events/event_bus.hpp"
#include "events/mail_message_events.hpp"
#include "events/smtp_events.hpp"
#include "log/flow_uid.hpp"
#include "log/log_fields.hpp"

namespace netdx {

namespace {

constexpr std::array<std::string_view, 17> kFields = {
    "ts",     "uid",  "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "trans_depth", "helo", "mailfrom",
    "rcptto", "date", "from",      "to",        "cc",        "msg_id",    "subject",     "last_reply",
};
constexpr LogSchema kSchema{"smtp", kFields};

}  // namespace

void SmtpLog::subscribe(EventBus& bus) {
    bus.subscribe<&SmtpLog::on_command>(this);
    bus.subscribe<&SmtpLog::on_message>(this);
}

const LogSchema& SmtpLog::schema() const { return kSchema; }

void SmtpLog::on_command(const SmtpTransaction& t) {
    if (!t.helo.empty()) flows_[t.flow_id].helo = t.helo;
}

void SmtpLog::on_message(const MailMessage& m) {
    if (m.protocol != MailProtocol::Smtp) return;
    FlowState& f = flows_[m.flow_id];
    const std::uint64_t depth = ++f.messages;
    if (!admit_row()) return;
    LogRow r;
    r.ts = m.first_ts;  // the message's first byte (Zeek: the MAIL command)
    auto& v = r.values;
    v.emplace_back(m.first_ts);
    v.emplace_back(flow_uid(m.flow_id));
    append_conn_id(v, 6, m.client, m.client_port, m.server, m.server_port);
    v.emplace_back(depth);
    append_text(v, f.helo);
    append_text(v, m.mail_from);
    if (m.rcpt_to.empty()) v.emplace_back(Unset{});
    else v.emplace_back(m.rcpt_to);
    append_text(v, m.date);
    append_text(v, m.from);
    append_text(v, m.to);
    append_text(v, m.cc);
    append_text(v, m.message_id);
    append_text(v, m.subject);
    if (!m.reply_code) {
        v.emplace_back(Unset{});
    } else {
        std::string reply = fmt::format("{}", m.reply_code);
        if (!m.enhanced_status.empty() && m.reply_text.rfind(m.enhanced_status, 0) != 0)
            reply += " " + m.enhanced_status;
        if (!m.reply_text.empty()) reply += " " + m.reply_text;
        v.emplace_back(std::move(reply));
    }
    add_row(std::move(r));
}

}  // namespace netdx
