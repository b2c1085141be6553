// Passwords seen in clear (src/app/telnet.cpp, ftp.cpp, smtp.cpp, pop3.cpp, imap.cpp raise
// PlaintextLogin with the password already masked): one finding per protocol
// and server. Anonymous FTP is not a credential (the "password" is an e-mail
// address by convention) and is not counted.
#include <map>
#include <set>

#include "events/login_events.hpp"
#include "rules/bounded.hpp"
#include "rules/format.hpp"
#include "rules/rules_all.hpp"

namespace netdx {

namespace {

struct Exposed {
    std::uint64_t count = 0, accepted = 0, rejected = 0;
    double first = 0, last = 0;
    std::set<std::string> clients;    // the first few, for the title
    std::set<IpAddress> all_clients;  // counted up to kMaxClients
    static constexpr std::size_t kMaxClients = 4096;
    std::set<std::string> logins;  // "alice (password S*** (9 characters), accepted)"
    Evidence ev;
};

std::string_view rule_id(LoginProtocol p) {
    switch (p) {
        case LoginProtocol::Telnet: return "cred.plaintext_telnet";
        case LoginProtocol::Ftp: return "cred.plaintext_ftp";
        case LoginProtocol::Smtp: return "cred.plaintext_smtp";
        case LoginProtocol::Pop3: return "cred.plaintext_pop3";
        case LoginProtocol::Imap: return "cred.plaintext_imap";
    }
    return "cred.plaintext_telnet";
}

std::string_view fix(LoginProtocol p) {
    switch (p) {
        case LoginProtocol::Telnet: return "Use SSH instead of Telnet";
        case LoginProtocol::Ftp: return "Use SFTP or FTPS (AUTH TLS) instead of plain FTP";
        case LoginProtocol::Smtp: return "Require STARTTLS before AUTH";
        case LoginProtocol::Pop3: return "Use POP3S (995) or require STLS before USER/PASS and AUTH";
        case LoginProtocol::Imap: return "Use IMAPS (993) or require STARTTLS before LOGIN and AUTHENTICATE";
    }
    return "";
}

class CredentialRules final : public Rule {
public:
    explicit CredentialRules(const RuleConfig& c)
        : min_{c.number("cred.plaintext_telnet", "min_logins"), c.number("cred.plaintext_ftp", "min_logins"),
               c.number("cred.plaintext_smtp", "min_logins"), c.number("cred.plaintext_pop3", "min_logins"),
               c.number("cred.plaintext_imap", "min_logins")} {}

    void subscribe(EventBus& bus) override {
        bus.subscribe<&CredentialRules::on_plaintext_login>(this);
    }
    void on_plaintext_login(const PlaintextLogin& l) {
        if (l.anonymous) return;
        Exposed* e = exposed_.get({static_cast<int>(l.protocol), l.server});
        if (!e) return;
        if (!e->count) e->first = l.ts;
        ++e->count;
        e->last = l.ts;
        if (l.outcome == LoginOutcome::Accepted) ++e->accepted;
        if (l.outcome == LoginOutcome::Rejected) ++e->rejected;
        if (e->clients.size() < 8) e->clients.insert(ip_str(l.client));
        if (e->all_clients.size() < Exposed::kMaxClients) e->all_clients.insert(l.client);
        if (e->logins.size() < 8)
            e->logins.insert(fmt::format("{} (password {}, {})", l.user.empty() ? "(no user name)" : l.user,
                                         l.password_masked, login_outcome_name(l.outcome)));
        e->ev.add(l.where);
        if (l.outcome_frame.frame) e->ev.add(l.outcome_frame);
    }

    void finish(FinishContext& ctx) override {
        for (auto& [key, e] : exposed_) {
            const auto proto = static_cast<LoginProtocol>(key.first);
            if (static_cast<double>(e.count) < min_[key.first]) continue;
            const std::string server = ip_str(key.second);
            Finding f;
            f.key = server;
            f.hosts.push_back(server);
            f.hosts.insert(f.hosts.end(), e.clients.begin(), e.clients.end());
            const std::size_t nclients = e.all_clients.size();
            f.title = nclients > e.clients.size()
                          ? fmt::format("{} login(s) to {} from {} clients sent the password in clear (first: {})",
                                        login_protocol_name(proto), server, nclients, fmt::join(e.clients, ", "))
                          : fmt::format("{} login(s) to {} from {} sent the password in clear", login_protocol_name(proto),
                                        server, fmt::join(e.clients, ", "));
            f.detail = fmt::format("{}. {} accepted, {} rejected. {}; change the exposed password(s).",
                                   fmt::join(e.logins, "; "), e.accepted, e.rejected, fix(proto));
            f.first_ts = e.first;
            f.last_ts = e.last;
            f.evidence = e.ev;
            f.figures = {{"logins", static_cast<double>(e.count), ""},
                         {"accepted", static_cast<double>(e.accepted), ""},
                         {"rejected", static_cast<double>(e.rejected), ""},
                         {"clients", static_cast<double>(nclients), ""}};
            ctx.sink.raise(rule_id(proto), std::move(f));
        }
    }
    [[nodiscard]] std::uint64_t dropped() const override { return exposed_.dropped(); }

private:
    double min_[5];  // by LoginProtocol
    BoundedMap<std::pair<int, IpAddress>, Exposed, 4096> exposed_{"cred.*: servers", "clear-text login findings for further servers"};
};

}  // namespace

void add_credential_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c) {
    out.push_back(std::make_unique<CredentialRules>(c));
}

}  // namespace netdx
