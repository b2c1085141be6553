// SMTP rules over the SMTP consumer's transactions (src/app/smtp.cpp):
// recipients a mail server refused with a permanent reply, and refusals to
// relay. A refusal whose reply text speaks of relaying is reported only as
// smtp.relay_denied; 5.7.1 alone is not enough, since servers also use it for
// other policy rejections (sender or client blocked).
#include <set>

#include "events/smtp_events.hpp"
#include "rules/bounded.hpp"
#include "rules/format.hpp"
#include "rules/rules_all.hpp"
#include "app/line_text.hpp"

namespace netdx {

namespace {

constexpr std::size_t kKeep = 8;  // names listed per finding

struct Refusals {
    std::uint64_t count = 0;
    double first = 0, last = 0;
    std::set<std::string> clients, recipients, domains, replies;
    Evidence ev;
    void add(const SmtpTransaction& t) {
        if (!count) first = t.command_ts ? t.command_ts : t.ts;
        ++count;
        last = t.ts;
        if (clients.size() < kKeep) clients.insert(ip_str(t.client));
        if (recipients.size() < kKeep) recipients.insert(t.address);
        const std::size_t at = t.address.rfind('@');
        if (at != std::string::npos && domains.size() < kKeep) domains.insert(t.address.substr(at + 1));
        if (replies.size() < 3) replies.insert(fmt::format("{} {}", t.reply_code, t.reply_text));
        ev.add(t.command_frame);
        ev.add(t.where);
    }
};

bool is_relay_refusal(const SmtpTransaction& t) {
    return icontains(t.reply_text, "relay");
}

class MailRules final : public Rule {
public:
    explicit MailRules(const RuleConfig& c)
        : rcpt_min_(c.number("smtp.rcpt_rejected", "min_count")), relay_min_(c.number("smtp.relay_denied", "min_count")) {}

    void subscribe(EventBus& bus) override {
        bus.subscribe<&MailRules::on_smtp>(this);
    }
    void on_smtp(const SmtpTransaction& t) {
        // 550-559 refuse the recipient; 500-504 are syntax and sequence errors
        // (503 RCPT before MAIL) that say nothing about the address.
        if (t.command != SmtpCommand::RcptTo || t.reply_code < 550 || t.reply_code > 559) return;
        auto& table = is_relay_refusal(t) ? relay_ : rejected_;
        if (Refusals* r = table.get(t.server)) r->add(t);
    }

    void finish(FinishContext& ctx) override {
        for (auto& [server, r] : rejected_) {
            if (static_cast<double>(r.count) < rcpt_min_) continue;
            Finding f = base(server, r);
            f.title = fmt::format("Mail server {} rejected {} recipient(s): {}", ip_str(server), r.count,
                                  fmt::join(r.recipients, ", "));
            f.detail = fmt::format("Sent by {}. Reply: {}", fmt::join(r.clients, ", "), fmt::join(r.replies, "; "));
            f.figures = {{"rejected_recipients", static_cast<double>(r.count), ""}};
            ctx.sink.raise("smtp.rcpt_rejected", std::move(f));
        }
        for (auto& [server, r] : relay_) {
            if (static_cast<double>(r.count) < relay_min_) continue;
            Finding f = base(server, r);
            f.title = fmt::format("Mail server {} refused to relay for {} (to {})", ip_str(server),
                                  fmt::join(r.clients, ", "), fmt::join(r.domains, ", "));
            f.detail = fmt::format(
                "{} recipient(s) refused: {}. Reply: {}. The client is not trusted to send outside the server's "
                "domains: add its network to mynetworks or have it use SMTP AUTH (587 with STARTTLS).",
                r.count, fmt::join(r.recipients, ", "), fmt::join(r.replies, "; "));
            f.figures = {{"refused_recipients", static_cast<double>(r.count), ""}};
            ctx.sink.raise("smtp.relay_denied", std::move(f));
        }
    }
    [[nodiscard]] std::uint64_t dropped() const override { return rejected_.dropped() + relay_.dropped(); }

private:
    static Finding base(const IpAddress& server, const Refusals& r) {
        Finding f;
        f.key = ip_str(server);
        f.hosts.push_back(ip_str(server));
        f.hosts.insert(f.hosts.end(), r.clients.begin(), r.clients.end());
        f.first_ts = r.first;
        f.last_ts = r.last;
        f.evidence = r.ev;
        return f;
    }
    double rcpt_min_, relay_min_;
    BoundedMap<IpAddress, Refusals, 4096> rejected_{"smtp.rcpt_rejected: servers", "recipient-rejected findings for further servers"};
    BoundedMap<IpAddress, Refusals, 4096> relay_{"smtp.relay_denied: servers", "relay-denied findings for further servers"};
};

}  // namespace

void add_mail_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c) {
    out.push_back(std::make_unique<MailRules>(c));
}

}  // namespace netdx
