// SMTP, FTP and plaintext-credential rules (src/rules/rules_mail.cpp,
// rules_ftp.cpp, rules_credentials.cpp) on synthetic transactions, just under
// and at their thresholds.
#include <doctest/doctest.h>

#include "events/ftp_events.hpp"
#include "events/login_events.hpp"
#include "events/smtp_events.hpp"
#include "rules_helpers.hpp"

using namespace rt;

namespace {

SmtpTransaction rcpt(std::string to, int code, std::string text, std::uint64_t frame) {
    SmtpTransaction t;
    t.client = lan(101);
    t.server = lan(10);
    t.client_port = 40000;
    t.server_port = 25;
    t.command = SmtpCommand::RcptTo;
    t.verb = "RCPT";
    t.address = std::move(to);
    t.reply_code = code;
    t.reply_text = std::move(text);
    t.command_frame = {0, frame};
    t.where = {0, frame + 1};
    t.ts = static_cast<double>(frame);
    return t;
}

FtpTransaction pass(std::string user, int code, std::uint64_t frame) {
    FtpTransaction t;
    t.client = lan(101);
    t.server = lan(10);
    t.command = "PASS";
    t.user = std::move(user);
    t.reply_code = code;
    t.reply_text = code == 530 ? "Login incorrect." : "Login successful.";
    t.command_frame = {0, frame};
    t.where = {0, frame + 1};
    return t;
}

PlaintextLogin login(LoginProtocol p, std::string user, bool anonymous, std::uint64_t frame) {
    PlaintextLogin l;
    l.protocol = p;
    l.client = lan(101);
    l.server = lan(10);
    l.user = std::move(user);
    l.password_masked = mask_password("Secret-77");
    l.password_length = 9;
    l.anonymous = anonymous;
    l.outcome = LoginOutcome::Accepted;
    l.where = {0, frame};
    l.outcome_frame = {0, frame + 2};
    return l;
}

}  // namespace

TEST_CASE("smtp.rcpt_rejected: 5xx to RCPT, threshold, not for 4xx or relay refusals") {
    {
        Run r({"smtp.rcpt_rejected.min_count=2"});
        r->publish(rcpt("nosuchuser@lab.test", 550, "5.1.1 <nosuchuser@lab.test>: User unknown", 10));
        r->publish(rcpt("x@lab.test", 450, "4.2.0 greylisted", 12));
        r->publish(rcpt("y@lab.test", 503, "5.5.1 Error: need MAIL command", 13));
        r->publish(rcpt("someone@example.org", 554, "5.7.1 <someone@example.org>: Relay access denied", 14));
        auto fs = r.finish();
        CHECK(count(fs, "smtp.rcpt_rejected") == 0);  // one permanent rejection, two needed
        CHECK(count(fs, "smtp.relay_denied") == 1);
    }
    Run r({"smtp.rcpt_rejected.min_count=2"});
    r->publish(rcpt("nosuchuser@lab.test", 550, "5.1.1 <nosuchuser@lab.test>: User unknown", 10));
    r->publish(rcpt("gone@lab.test", 550, "5.1.1 <gone@lab.test>: User unknown", 20));
    auto fs = r.finish();
    REQUIRE(count(fs, "smtp.rcpt_rejected") == 1);
    const Finding* f = get(fs, "smtp.rcpt_rejected");
    CHECK(has_host(*f, "10.9.0.10"));
    CHECK(f->title.find("nosuchuser@lab.test") != std::string::npos);
    CHECK(f->detail.find("550 5.1.1") != std::string::npos);
    CHECK(f->evidence.total == 4);
    CHECK(count(fs, "smtp.relay_denied") == 0);
}

TEST_CASE("smtp.relay_denied names the client and the recipient domain") {
    Run r;
    r->publish(rcpt("someone@example.org", 554, "5.7.1 <someone@example.org>: Relay access denied", 14));
    auto fs = r.finish();
    const Finding* f = get(fs, "smtp.relay_denied");
    REQUIRE(f);
    CHECK(has_host(*f, "10.9.0.10"));
    CHECK(has_host(*f, "10.9.0.101"));
    CHECK(f->title.find("example.org") != std::string::npos);
    CHECK(f->detail.find("mynetworks") != std::string::npos);
    // A 5.7.1 policy rejection that is not about relaying stays a rejection.
    Run q;
    q->publish(rcpt("a@lab.test", 554, "5.7.1 <pc>: Client host rejected: Access denied", 14));
    auto gs = q.finish();
    CHECK(count(gs, "smtp.relay_denied") == 0);
    CHECK(count(gs, "smtp.rcpt_rejected") == 1);
}

TEST_CASE("ftp.login_failed: 530 to PASS counted per server, threshold") {
    {
        Run r({"ftp.login_failed.min_failures=3"});
        r->publish(pass("alice", 530, 10));
        r->publish(pass("alice", 530, 20));
        r->publish(pass("alice", 230, 30));
        CHECK(count(r.finish(), "ftp.login_failed") == 0);
    }
    Run r({"ftp.login_failed.min_failures=3"});
    r->publish(pass("alice", 530, 10));
    r->publish(pass("alice", 530, 20));
    r->publish(pass("bob", 530, 30));
    auto fs = r.finish();
    const Finding* f = get(fs, "ftp.login_failed");
    REQUIRE(f);
    CHECK(has_host(*f, "10.9.0.10"));
    CHECK(f->title.find("alice, bob") != std::string::npos);
    CHECK(f->figures[0].value == 3);
}

TEST_CASE("cred.plaintext_*: one finding per protocol and server, anonymous FTP ignored, password masked") {
    Run r;
    r->publish(login(LoginProtocol::Ftp, "anonymous", true, 5));
    auto none = r.finish();
    CHECK(count(none, "cred.plaintext_ftp") == 0);

    Run q({"cred.plaintext_telnet.min_logins=2"});
    q->publish(login(LoginProtocol::Telnet, "alice", false, 10));
    q->publish(login(LoginProtocol::Ftp, "alice", false, 20));
    q->publish(login(LoginProtocol::Smtp, "bob", false, 30));
    auto fs = q.finish();
    CHECK(count(fs, "cred.plaintext_telnet") == 0);  // 1 of 2
    const Finding* f = get(fs, "cred.plaintext_ftp");
    REQUIRE(f);
    CHECK(has_host(*f, "10.9.0.10"));
    CHECK(f->detail.find("alice (password S*** (9 characters), accepted)") != std::string::npos);
    CHECK(f->detail.find("Secret") == std::string::npos);
    CHECK(f->evidence.total == 2);
    CHECK(count(fs, "cred.plaintext_smtp") == 1);

    Run t({"cred.plaintext_telnet.min_logins=2"});
    t->publish(login(LoginProtocol::Telnet, "alice", false, 10));
    t->publish(login(LoginProtocol::Telnet, "root", false, 40));
    CHECK(count(t.finish(), "cred.plaintext_telnet") == 1);
}
