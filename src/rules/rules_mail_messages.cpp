// Rules over e-mail messages (MailMessage, from the SMTP, POP3 and IMAP
// consumers) and SMTP replies:
//  - mail.size_rejected: a server refused a message for its size: 552 or
//    5.3.4 to DATA/BDAT, or to a MAIL FROM that declared SIZE=; per server.
//  - mail.loop: one Message-ID relayed over SMTP with min_relays different
//    Received counts (each relay adds one; a client retrying the same
//    message, or sending it twice, does not add hops) and coming back to a
//    server (address and port) that had it with another count, or a message
//    with more than max_received Received headers; per Message-ID. A long
//    ordinary path (client, hub, content filter on its own port, hub again on
//    another port, next hop) visits no server twice.
//  - mail.executable_attachment: attachments whose name runs code on Windows
//    or in a JVM, carried in clear (SMTP, POP3, IMAP without TLS); per server
//    address (one mail host's SMTP, POP3 and IMAP are one finding).
//  - mail.malformed_mime: multiparts without a boundary or never closed, and
//    the other structure errors GMime reports; per server address. Cuts of
//    our own (the collector's cap, a gap) are not counted.
#include <map>
#include <set>

#include "app/line_text.hpp"
#include "events/mail_message_events.hpp"
#include "events/smtp_events.hpp"
#include "rules/bounded.hpp"
#include "rules/format.hpp"
#include "rules/rules_all.hpp"
#include "rules/server_finding.hpp"
#include "rules/service_key.hpp"

namespace netdx {

namespace {

constexpr std::size_t kKeep = 8;  // names listed per finding

struct Group {
    std::uint64_t count = 0;
    double first = 0, last = 0;
    std::set<IpAddress> clients;
    std::map<std::string, std::uint64_t> kinds;  // what, counted (capped)
    std::set<std::string> messages;              // Message-IDs or subjects (capped)
    Evidence ev;
    void add(double ts, const IpAddress& client) {
        if (!count) first = ts;
        ++count;
        last = ts;
        if (clients.size() < kKeep) clients.insert(client);
    }
    void kind(const std::string& k) {
        if (kinds.size() < 16 || kinds.count(k)) ++kinds[k];
    }
    void message(const MailMessage& m) {
        const std::string& name = !m.message_id.empty() ? m.message_id : m.subject;
        if (!name.empty() && messages.size() < kKeep) messages.insert(name);
    }
};

struct Loop {
    std::set<std::uint32_t> hops;  // distinct Received counts (capped)
    std::map<ServiceKey, std::uint32_t> seen;  // per server: the Received count it first had (capped)
    bool returned = false;         // a server had it again with another count
    std::uint64_t relays = 0;
    std::uint32_t max_received = 0;
    double first = 0, last = 0;
    std::set<ServiceKey> servers;
    std::string subject;
    Evidence ev;
};

// File types that run when opened (Windows shell, script hosts, installers, JVM).
bool executable_name(std::string_view name) {
    static constexpr std::string_view kExt[] = {
        ".exe", ".scr", ".js",  ".jse", ".vbs", ".vbe", ".bat", ".cmd", ".com", ".pif", ".jar", ".msi",
        ".msp", ".hta", ".cpl", ".wsf", ".wsh", ".ps1", ".lnk", ".reg", ".dll", ".appx", ".msix", ".iso",
    };
    // Trailing dots and spaces are dropped by Windows ("a.exe." runs a.exe).
    while (!name.empty() && (name.back() == '.' || name.back() == ' ')) name.remove_suffix(1);
    for (std::string_view e : kExt)
        if (name.size() > e.size() && iequals(name.substr(name.size() - e.size()), e)) return true;
    return false;
}

bool size_refusal(const SmtpTransaction& t) {
    const bool code = t.reply_code == 552 || t.enhanced_status == "5.3.4";
    if (!code) return false;
    if (t.command == SmtpCommand::Data || t.command == SmtpCommand::Bdat) return true;
    return t.command == SmtpCommand::MailFrom && icontains(t.argument, "SIZE=");
}

std::string size_arg(std::string_view arg) {
    for (std::size_t i = 0; i + 5 <= arg.size(); ++i) {
        if (!iequals(arg.substr(i, 5), "SIZE=")) continue;
        std::size_t j = i + 5;
        while (j < arg.size() && j < i + 25 && arg[j] >= '0' && arg[j] <= '9') ++j;
        return std::string(arg.substr(i + 5, j - i - 5));
    }
    return {};
}

class MailMessageRules final : public Rule {
public:
    explicit MailMessageRules(const RuleConfig& c)
        : min_size_(c.number("mail.size_rejected", "min_count")),
          min_relays_(c.number("mail.loop", "min_relays")),
          max_received_(c.number("mail.loop", "max_received")),
          min_exec_(c.number("mail.executable_attachment", "min_count")),
          min_mime_(c.number("mail.malformed_mime", "min_count")) {}

    void subscribe(EventBus& bus) override {
        bus.subscribe<&MailMessageRules::on_smtp>(this);
        bus.subscribe<&MailMessageRules::on_mail>(this);
    }

    void on_smtp(const SmtpTransaction& t) {
        if (!size_refusal(t)) return;
        Group* g = size_.get({t.server, t.server_port});
        if (!g) return;
        g->add(t.ts, t.client);
        std::string what = t.command == SmtpCommand::MailFrom ? "MAIL FROM" : t.verb;
        if (t.command == SmtpCommand::MailFrom) {
            if (const std::string s = size_arg(t.argument); !s.empty()) what += " SIZE=" + s;
        } else if (t.message_bytes) {
            what += fmt::format(" of {} bytes", t.message_bytes);
        }
        g->kind(fmt::format("{} -> {}{}{}", what, t.reply_code, t.enhanced_status.empty() ? "" : " ",
                            t.enhanced_status));
        g->ev.add(t.command_frame);
        g->ev.add(t.where);
    }

    void on_mail(const MailMessage& m) {
        const ServiceKey server{m.server, m.server_port};
        if (m.protocol == MailProtocol::Smtp) loop(m, server);
        const ServiceKey host{m.server, 0};
        exec(m, host);
        if (!m.problems.empty()) {
            if (Group* g = mime_.get(host)) {
                g->add(m.ts, m.client);
                for (MimeProblem p : m.problems) g->kind(mime_problem_name(p));
                g->message(m);
                g->ev.add(m.last_frame);
            }
        }
    }

    void finish(FinishContext& ctx) override {
        for (auto& [k, g] : size_) size_finding(ctx, k, g);
        for (auto& [id, l] : loops_) loop_finding(ctx, id, l);
        for (auto& [k, g] : exec_) exec_finding(ctx, k, g);
        for (auto& [k, g] : mime_) mime_finding(ctx, k, g);
    }

    [[nodiscard]] std::uint64_t dropped() const override {
        return size_.dropped() + loops_.dropped() + exec_.dropped() + mime_.dropped();
    }

private:
    void loop(const MailMessage& m, const ServiceKey& server) {
        const bool too_many = static_cast<double>(m.received) > max_received_;
        if (m.message_id.empty() && !too_many) return;
        // Without a Message-ID only the Received count can tell.
        const std::string key = !m.message_id.empty() ? m.message_id : "(no Message-ID) " + m.subject;
        Loop* l = loops_.get(key);
        if (!l) return;
        if (!l->relays) l->first = m.ts;
        ++l->relays;
        l->last = m.ts;
        if (l->hops.size() < 64) l->hops.insert(m.received);
        l->max_received = std::max(l->max_received, m.received);
        if (l->servers.size() < kKeep) l->servers.insert(server);
        if (auto it = l->seen.find(server); it != l->seen.end()) {
            if (it->second != m.received) l->returned = true;
        } else if (l->seen.size() < 64) {
            l->seen.emplace(server, m.received);
        }
        if (l->subject.empty()) l->subject = m.subject;
        l->ev.add(m.last_frame);
    }

    void exec(const MailMessage& m, const ServiceKey& server) {
        for (const MailPart& p : m.parts) {
            if (!p.attachment || !executable_name(p.filename)) continue;
            Group* g = exec_.get(server);
            if (!g) return;
            g->add(m.ts, m.client);
            g->kind(fmt::format("{} via {}/{}", p.filename, mail_protocol_name(m.protocol), m.server_port));
            g->message(m);
            g->ev.add(m.last_frame);
        }
    }

    static void fill(Finding& f, const ServiceKey& k, const Group& g) { fill_server_finding(f, k.ip, g); }
    static std::string kinds(const Group& g) {
        return join(g.kinds, [](const auto& p) { return fmt::format("{} x{}", p.first, p.second); });
    }

    void size_finding(FinishContext& ctx, const ServiceKey& k, const Group& g) {
        if (static_cast<double>(g.count) < min_size_) return;
        Finding f;
        f.key = endpoint_str(k.ip, k.port);
        f.title = fmt::format("Mail server {} refused {} message(s) for their size", f.key, g.count);
        f.detail = fmt::format("Refusals: {}. Clients: {}.", kinds(g), join(g.clients, ip_str));
        fill(f, k, g);
        ctx.sink.raise("mail.size_rejected", std::move(f));
    }

    void loop_finding(FinishContext& ctx, const std::string& id, const Loop& l) {
        const bool relayed = static_cast<double>(l.hops.size()) >= min_relays_ && l.returned;
        const bool too_many = static_cast<double>(l.max_received) > max_received_;
        if (!relayed && !too_many) return;
        Finding f;
        f.key = id;
        f.title = fmt::format("Mail loop: message {} relayed {} time(s), up to {} Received headers", id, l.relays,
                              l.max_received);
        f.detail = fmt::format("Received counts seen: {}{}. Subject: {}. Servers: {}.",
                               join(l.hops, [](std::uint32_t n) { return std::to_string(n); }),
                               l.returned ? " (it came back to a server that had relayed it)" : "",
                               l.subject.empty() ? std::string("(none)") : l.subject,
                               join(l.servers, [](const ServiceKey& s) { return endpoint_str(s.ip, s.port); }));
        for (const ServiceKey& s : l.servers) f.hosts.push_back(ip_str(s.ip));
        f.first_ts = l.first;
        f.last_ts = l.last;
        f.figures = {{"relays", static_cast<double>(l.relays), ""},
                     {"max_received", static_cast<double>(l.max_received), ""}};
        f.evidence = l.ev;
        ctx.sink.raise("mail.loop", std::move(f));
    }

    void exec_finding(FinishContext& ctx, const ServiceKey& k, const Group& g) {
        if (static_cast<double>(g.count) < min_exec_) return;
        Finding f;
        f.key = ip_str(k.ip);
        f.title = fmt::format("{} executable attachment(s) in clear through mail server {}", g.count, f.key);
        f.detail = fmt::format("Attachments: {}. Messages: {}. Clients: {}.", kinds(g),
                               join(g.messages, [](auto& s) { return s; }), join(g.clients, ip_str));
        fill(f, k, g);
        ctx.sink.raise("mail.executable_attachment", std::move(f));
    }

    void mime_finding(FinishContext& ctx, const ServiceKey& k, const Group& g) {
        if (static_cast<double>(g.count) < min_mime_) return;
        Finding f;
        f.key = ip_str(k.ip);
        f.title = fmt::format("{} message(s) with malformed MIME through mail server {}", g.count, f.key);
        f.detail = fmt::format("Problems: {}. Messages: {}. Clients: {}.", kinds(g),
                               join(g.messages, [](auto& s) { return s; }), join(g.clients, ip_str));
        fill(f, k, g);
        ctx.sink.raise("mail.malformed_mime", std::move(f));
    }

    double min_size_, min_relays_, max_received_, min_exec_, min_mime_;
    BoundedMap<ServiceKey, Group> size_, exec_, mime_;
    BoundedMap<std::string, Loop> loops_{"mail Message-IDs", "mail loops of further messages"};
};

}  // namespace

void add_mail_message_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c) {
    out.push_back(std::make_unique<MailMessageRules>(c));
}

}  // namespace netdx
