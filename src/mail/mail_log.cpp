#include "mail/mail_log.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/format_addr.hpp"
#include "report/report.hpp"

namespace netdx {

void MailLog::on_message(const MailMessage& m) {
    if (messages_.size() >= max_) {
        ++dropped_;
        return;
    }
    messages_.push_back(m);
}

std::vector<const MailMessage*> MailLog::in_order() const {
    std::vector<const MailMessage*> v;
    v.reserve(messages_.size());
    for (const MailMessage& m : messages_) v.push_back(&m);
    std::stable_sort(v.begin(), v.end(), [](const MailMessage* a, const MailMessage* b) {
        return a->last_frame < b->last_frame;
    });
    return v;
}

namespace {

std::string endpoint(const IpAddress& ip, std::uint16_t port) {
    fmt::memory_buffer b;
    if (ip.family == 6) b.push_back('[');
    append_ip(b, ip);
    if (ip.family == 6) b.push_back(']');
    fmt::format_to(std::back_inserter(b), ":{}", port);
    return fmt::to_string(b);
}

std::string size_text(std::uint64_t n) {
    const double v = static_cast<double>(n);
    if (n < 10000) return fmt::format("{}", n);
    if (v < 1e6) return fmt::format("{:.1f}k", v / 1e3);
    if (v < 1e9) return fmt::format("{:.1f}M", v / 1e6);
    return fmt::format("{:.1f}G", v / 1e9);
}

// SMTP: "250 2.0.0", "552 5.3.4"; fetched messages have no outcome.
std::string outcome_text(const MailMessage& m) {
    if (m.protocol != MailProtocol::Smtp) return "-";
    if (!m.reply_code) return "none";
    return m.enhanced_status.empty() ? fmt::format("{}", m.reply_code)
                                     : fmt::format("{} {}", m.reply_code, m.enhanced_status);
}

std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (const std::string& s : v) out += (out.empty() ? "" : ",") + s;
    return out;
}

const char* or_dash(const std::string& s) { return s.empty() ? "-" : s.c_str(); }

}  // namespace

nlohmann::json mail_json(const MailMessage& m) {
    nlohmann::json j;
    j["time"] = iso_time(m.first_ts);
    j["ts"] = m.first_ts;
    j["frame"] = m.last_frame.frame;
    j["first_frame"] = m.first_frame.frame;
    j["protocol"] = mail_protocol_name(m.protocol);
    j["command"] = m.command;
    fmt::memory_buffer c, s;
    append_ip(c, m.client);
    append_ip(s, m.server);
    j["client"] = fmt::to_string(c);
    j["client_port"] = m.client_port;
    j["server"] = fmt::to_string(s);
    j["server_port"] = m.server_port;
    j["from"] = m.from;
    j["to"] = m.to;
    j["cc"] = m.cc;
    j["from_addresses"] = m.from_addresses;
    j["to_addresses"] = m.to_addresses;
    j["subject"] = m.subject;
    j["date"] = m.date;
    j["message_id"] = m.message_id;
    j["received"] = m.received;
    j["size"] = m.size;
    j["kept"] = m.kept;
    j["truncated"] = m.truncated;
    j["missing"] = m.missing;
    j["headers_only"] = m.headers_only;
    j["parsed"] = m.parsed;
    nlohmann::json parts = nlohmann::json::array(), attachments = nlohmann::json::array();
    for (const MailPart& p : m.parts) {
        nlohmann::json pj = {{"depth", p.depth}, {"type", p.content_type}};
        if (!p.encoding.empty()) pj["encoding"] = p.encoding;
        if (!p.charset.empty()) pj["charset"] = p.charset;
        if (!p.filename.empty()) pj["name"] = p.filename;
        if (p.attachment) {
            pj["size"] = p.size;
            attachments.push_back({{"name", p.filename}, {"type", p.content_type}, {"size", p.size},
                                   {"size_partial", p.size_partial}});
        }
        parts.push_back(std::move(pj));
    }
    j["parts"] = std::move(parts);
    j["part_count"] = m.part_count;
    j["attachments"] = std::move(attachments);
    nlohmann::json problems = nlohmann::json::array();
    for (MimeProblem p : m.problems) problems.push_back(mime_problem_name(p));
    j["mime_problems"] = std::move(problems);
    if (m.protocol == MailProtocol::Smtp) {
        j["mail_from"] = m.mail_from;
        j["rcpt_to"] = m.rcpt_to;
        j["reply_code"] = m.reply_code ? nlohmann::json(m.reply_code) : nlohmann::json(nullptr);
        j["enhanced_status"] = m.enhanced_status;
        j["reply_text"] = m.reply_text;
    }
    return j;
}

void write_mail_json(std::FILE* out, const MailLog& log) {
    for (const MailMessage* m : log.in_order())
        fmt::print(out, "{}\n", mail_json(*m).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void write_mail_text(std::FILE* out, const MailLog& log) {
    const std::vector<const MailMessage*> rows = log.in_order();
    for (const MailMessage* m : rows) {
        // Envelope recipients when the headers name none (Bcc, or no headers).
        const std::string to = !m->to.empty() ? m->to : joined(m->rcpt_to);
        const std::string from = !m->from.empty() ? m->from : m->mail_from;
        fmt::print(out, "{} #{} {} {} {} -> {} size {}{}{} outcome {}\n", iso_time(m->first_ts), m->last_frame.frame,
                   mail_protocol_name(m->protocol), m->command, endpoint(m->client, m->client_port),
                   endpoint(m->server, m->server_port), size_text(m->size), m->truncated ? " (truncated)" : "",
                   m->headers_only ? " (headers only)" : "", outcome_text(*m));
        fmt::print(out, "  from: {}\n  to: {}\n  subject: {}\n  message-id: {}\n", or_dash(from), or_dash(to),
                   or_dash(m->subject), or_dash(m->message_id));
        for (const MailPart& p : m->parts)
            if (p.attachment)
                fmt::print(out, "  attachment: {} ({}, {}{} bytes)\n", or_dash(p.filename), or_dash(p.content_type),
                           p.size_partial ? ">=" : "", p.size);
        for (MimeProblem p : m->problems) fmt::print(out, "  mime problem: {}\n", mime_problem_name(p));
    }
    fmt::print(out, "# {} message(s)", rows.size());
    if (log.dropped()) fmt::print(out, "; list full at {}: {} more left out", log.max_messages(), log.dropped());
    fmt::print(out, "\n");
}

}  // namespace netdx
