// FTP rules over the FTP consumer's transactions (src/app/ftp.cpp): logins
// the server rejected (530 or 430 to PASS, 530 to USER for a refused user).
#include <set>

#include "events/ftp_events.hpp"
#include "rules/bounded.hpp"
#include "rules/format.hpp"
#include "rules/rules_all.hpp"

namespace netdx {

namespace {

struct Failures {
    std::uint64_t count = 0;
    double first = 0, last = 0;
    std::set<std::string> clients, users, replies;
    Evidence ev;
};

bool is_failed_login(const FtpTransaction& t) {
    if (t.command == "PASS") return t.reply_code == 530 || t.reply_code == 430;
    return t.command == "USER" && t.reply_code == 530;
}

class FtpRules final : public Rule {
public:
    explicit FtpRules(const RuleConfig& c) : min_(c.number("ftp.login_failed", "min_failures")) {}

    void subscribe(EventBus& bus) override {
        bus.subscribe<&FtpRules::on_ftp>(this);
    }
    void on_ftp(const FtpTransaction& t) {
        if (!is_failed_login(t)) return;
        Failures* f = failures_.get(t.server);
        if (!f) return;
        if (!f->count) f->first = t.command_ts;
        ++f->count;
        f->last = t.ts;
        if (f->clients.size() < 8) f->clients.insert(ip_str(t.client));
        if (f->users.size() < 8) f->users.insert(t.user.empty() ? "(no USER)" : t.user);
        if (f->replies.size() < 3) f->replies.insert(fmt::format("{} {}", t.reply_code, t.reply_text));
        f->ev.add(t.command_frame);
        f->ev.add(t.where);
    }

    void finish(FinishContext& ctx) override {
        for (auto& [server, s] : failures_) {
            if (static_cast<double>(s.count) < min_) continue;
            Finding f;
            f.key = ip_str(server);
            f.hosts.push_back(ip_str(server));
            f.hosts.insert(f.hosts.end(), s.clients.begin(), s.clients.end());
            f.title = fmt::format("FTP server {} rejected {} login(s) for {}", ip_str(server), s.count,
                                  fmt::join(s.users, ", "));
            f.detail = fmt::format("From {}. Reply: {}", fmt::join(s.clients, ", "), fmt::join(s.replies, "; "));
            f.first_ts = s.first;
            f.last_ts = s.last;
            f.evidence = s.ev;
            f.figures = {{"failed_logins", static_cast<double>(s.count), ""},
                         {"users", static_cast<double>(s.users.size()), ""}};
            ctx.sink.raise("ftp.login_failed", std::move(f));
        }
    }
    [[nodiscard]] std::uint64_t dropped() const override { return failures_.dropped(); }

private:
    double min_;
    BoundedMap<IpAddress, Failures, 4096> failures_{"ftp.login_failed: servers", "FTP login findings for further servers"};
};

}  // namespace

void add_ftp_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c) {
    out.push_back(std::make_unique<FtpRules>(c));
}

}  // namespace netdx
