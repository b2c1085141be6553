// mail.login_failed: POP3 and IMAP logins the server refused (-ERR to PASS or
// AUTH, NO / BAD to LOGIN or AUTHENTICATE), counted per client and server:
// one client failing again and again is a wrong stored password or someone
// guessing. Only logins whose password crossed in clear are seen (the
// PlaintextLogin events of src/app/pop3.cpp and imap.cpp); APOP and
// challenge-response mechanisms such as CRAM-MD5 are not counted.
#include <set>

#include "events/login_events.hpp"
#include "rules/bounded.hpp"
#include "rules/format.hpp"
#include "rules/rules_all.hpp"

namespace netdx {

namespace {

struct Failures {
    std::uint64_t count = 0;
    double first = 0, last = 0;
    std::set<std::string> protocols, users;
    Evidence ev;
};

bool is_mail_access(LoginProtocol p) { return p == LoginProtocol::Pop3 || p == LoginProtocol::Imap; }

class MailLoginRules final : public Rule {
public:
    explicit MailLoginRules(const RuleConfig& c) : min_(c.number("mail.login_failed", "min_failures")) {}

    void subscribe(EventBus& bus) override {
        bus.subscribe<&MailLoginRules::on_plaintext_login>(this);
    }
    void on_plaintext_login(const PlaintextLogin& l) {
        if (!is_mail_access(l.protocol) || l.outcome != LoginOutcome::Rejected) return;
        Failures* f = failures_.get({l.client, l.server});
        if (!f) return;
        if (!f->count) f->first = l.ts;
        ++f->count;
        f->last = l.ts;
        f->protocols.insert(std::string(login_protocol_name(l.protocol)));
        if (f->users.size() < 8) f->users.insert(l.user.empty() ? "(no user name)" : l.user);
        f->ev.add(l.where);
        if (l.outcome_frame.frame) f->ev.add(l.outcome_frame);
    }

    void finish(FinishContext& ctx) override {
        for (auto& [key, s] : failures_) {
            if (static_cast<double>(s.count) < min_) continue;
            const std::string client = ip_str(key.first), server = ip_str(key.second);
            Finding f;
            f.key = fmt::format("{} {}", client, server);
            f.hosts = {server, client};
            f.title = fmt::format("{} server {} rejected {} login(s) from {}", fmt::join(s.protocols, "/"), server,
                                  s.count, client);
            f.detail = fmt::format("User(s): {}. A wrong password stored in a mail client retries at every poll; "
                                   "many users from one client is password guessing.",
                                   fmt::join(s.users, ", "));
            f.first_ts = s.first;
            f.last_ts = s.last;
            f.evidence = s.ev;
            f.figures = {{"failed_logins", static_cast<double>(s.count), ""},
                         {"users", static_cast<double>(s.users.size()), ""}};
            ctx.sink.raise("mail.login_failed", std::move(f));
        }
    }
    [[nodiscard]] std::uint64_t dropped() const override { return failures_.dropped(); }

private:
    double min_;
    BoundedMap<std::pair<IpAddress, IpAddress>, Failures, 4096> failures_{"mail.login_failed: client/server pairs", "mail login findings for further pairs"};
};

}  // namespace

void add_mail_login_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c) {
    out.push_back(std::make_unique<MailLoginRules>(c));
}

}  // namespace netdx
