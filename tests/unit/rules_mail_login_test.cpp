// mail.login_failed and cred.plaintext_pop3 / _imap (src/rules/rules_mail_login.cpp,
// rules_credentials.cpp) on synthetic PlaintextLogin events, under and at
// their thresholds.
#include <doctest/doctest.h>

#include "events/login_events.hpp"
#include "rules_helpers.hpp"

using namespace rt;

namespace {
PlaintextLogin mail_login(LoginProtocol p, unsigned client, std::string user, LoginOutcome o, std::uint64_t frame) {
    PlaintextLogin l;
    l.protocol = p;
    l.client = lan(client);
    l.server = lan(10);
    l.user = std::move(user);
    l.password_masked = mask_password("Secret-77");
    l.password_length = 9;
    l.outcome = o;
    l.where = {0, frame};
    l.ts = static_cast<double>(frame);
    if (o != LoginOutcome::Unknown) l.outcome_frame = {0, frame + 1};
    return l;
}
}  // namespace

TEST_CASE("mail.login_failed: rejected POP3/IMAP logins per client and server, default threshold 3") {
    using enum LoginOutcome;
    {
        Run r;
        r->publish(mail_login(LoginProtocol::Pop3, 101, "alice", Rejected, 10));
        r->publish(mail_login(LoginProtocol::Imap, 101, "alice", Rejected, 20));
        r->publish(mail_login(LoginProtocol::Imap, 101, "alice", Accepted, 30));  // not a failure
        r->publish(mail_login(LoginProtocol::Imap, 101, "alice", Unknown, 40));   // nor this
        r->publish(mail_login(LoginProtocol::Ftp, 101, "alice", Rejected, 50));   // FTP has its own rule
        r->publish(mail_login(LoginProtocol::Imap, 102, "bob", Rejected, 60));    // another client
        CHECK(count(r.finish(), "mail.login_failed") == 0);
    }
    Run r;
    r->publish(mail_login(LoginProtocol::Pop3, 101, "alice", Rejected, 10));
    r->publish(mail_login(LoginProtocol::Imap, 101, "alice", Rejected, 20));
    r->publish(mail_login(LoginProtocol::Imap, 101, "root", Rejected, 30));
    auto fs = r.finish();
    REQUIRE(count(fs, "mail.login_failed") == 1);
    const Finding* f = get(fs, "mail.login_failed");
    CHECK(has_host(*f, "10.9.0.10"));
    CHECK(has_host(*f, "10.9.0.101"));
    CHECK(f->title == "IMAP/POP3 server 10.9.0.10 rejected 3 login(s) from 10.9.0.101");
    CHECK(f->detail.find("alice, root") != std::string::npos);
    CHECK(f->figures[0].value == 3);
    CHECK(f->figures[1].value == 2);
    CHECK(f->evidence.total == 6);

    Run one({"mail.login_failed.min_failures=1"});
    one->publish(mail_login(LoginProtocol::Imap, 101, "alice", Rejected, 10));
    CHECK(count(one.finish(), "mail.login_failed") == 1);
}

TEST_CASE("cred.plaintext_pop3 / _imap: one finding per protocol and server, password masked") {
    Run r;
    r->publish(mail_login(LoginProtocol::Pop3, 101, "alice", LoginOutcome::Rejected, 10));
    r->publish(mail_login(LoginProtocol::Pop3, 101, "alice", LoginOutcome::Accepted, 20));
    r->publish(mail_login(LoginProtocol::Imap, 102, "bob", LoginOutcome::Accepted, 30));
    auto fs = r.finish();
    REQUIRE(count(fs, "cred.plaintext_pop3") == 1);
    REQUIRE(count(fs, "cred.plaintext_imap") == 1);
    const Finding* p = get(fs, "cred.plaintext_pop3");
    CHECK(p->title.find("POP3 login(s) to 10.9.0.10") != std::string::npos);
    CHECK(p->detail.find("1 accepted, 1 rejected") != std::string::npos);
    CHECK(p->detail.find("STLS") != std::string::npos);
    CHECK(p->detail.find("Secret") == std::string::npos);
    const Finding* i = get(fs, "cred.plaintext_imap");
    CHECK(has_host(*i, "10.9.0.102"));
    CHECK(count(fs, "cred.plaintext_smtp") == 0);
}
