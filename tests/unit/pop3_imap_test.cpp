// POP3 and IMAP consumers (src/app/pop3.cpp, imap.cpp): logins in clear with
// their outcome and masked password, multi-line bodies and literals that must
// not be read as replies, STLS / STARTTLS, SASL PLAIN, gaps and garbage.
#include <doctest/doctest.h>

#include "app_stream_helpers.hpp"

using namespace at;

namespace {
// base64("\0alice\0Secret-99")
constexpr std::string_view kPlainAlice = "AGFsaWNlAFNlY3JldC05OQ==";
}  // namespace

TEST_CASE("pop3: USER/PASS rejected then accepted, passwords masked") {
    Session s(110);
    REQUIRE(s.c);
    s.server("+OK Dovecot ready.\r\n");
    s.client("USER alice\r\n");
    s.server("+OK\r\n");
    s.client("PASS wrong-one\r\n");
    s.server("-ERR [AUTH] Authentication failed.\r\n");
    s.client("USER alice\r\nPASS Secret-99\r\n");
    s.server("+OK\r\n+OK Logged in.\r\n");
    REQUIRE(s.rec.logins.size() == 2);
    CHECK(s.rec.logins[0].protocol == LoginProtocol::Pop3);
    CHECK(s.rec.logins[0].outcome == LoginOutcome::Rejected);
    CHECK(s.rec.logins[0].password_masked == "w*** (9 characters)");
    CHECK(s.rec.logins[0].where.frame == 4);
    CHECK(s.rec.logins[0].outcome_frame.frame == 5);
    CHECK(s.rec.logins[1].outcome == LoginOutcome::Accepted);
    CHECK(s.rec.logins[1].user == "alice");
    CHECK(s.rec.logins[1].password_length == 9);
    for (const auto& l : s.rec.logins) CHECK(l.password_masked.find("Secret") == std::string::npos);
}

TEST_CASE("pop3: a RETR body with +OK/-ERR lines is not taken for replies") {
    Session s(110);
    s.server("+OK ready\r\n");
    s.client("CAPA\r\n");
    s.server("+OK\r\nUSER\r\nSASL PLAIN\r\n.\r\n");
    s.client("RETR 1\r\n");
    // Body lines that look like status lines, and a stuffed ".." line.
    s.server("+OK 40 octets\r\n-ERR not a reply\r\n+OK neither\r\n..\r\n");
    s.client("USER bob\r\nPASS hunter22\r\n");
    s.server("+OK body still\r\n.\r\n+OK\r\n-ERR [AUTH] Authentication failed.\r\n");
    REQUIRE(s.rec.logins.size() == 1);
    CHECK(s.rec.logins[0].user == "bob");
    CHECK(s.rec.logins[0].outcome == LoginOutcome::Rejected);
    // LIST with an argument is one line; without one it is a listing.
    Session t(110);
    t.server("+OK ready\r\n");
    t.client("LIST 1\r\nUSER c\r\nPASS abcdef\r\n");
    t.server("+OK 1 120\r\n+OK\r\n+OK Logged in.\r\n");
    REQUIRE(t.rec.logins.size() == 1);
    CHECK(t.rec.logins[0].outcome == LoginOutcome::Accepted);
}

TEST_CASE("pop3: AUTH PLAIN after a continuation; APOP is not a password in clear") {
    Session s(110);
    s.server("+OK ready <1.2@host>\r\n");
    s.client("APOP alice c4c9334bac560ecc979e58001b3e22fb\r\n");
    s.server("-ERR [AUTH] Authentication failed.\r\n");
    s.client("AUTH PLAIN\r\n");
    s.server("+ \r\n");
    s.client(std::string(kPlainAlice) + "\r\n");
    s.server("+OK Logged in.\r\n");
    REQUIRE(s.rec.logins.size() == 1);
    CHECK(s.rec.logins[0].mechanism == "PLAIN");
    CHECK(s.rec.logins[0].user == "alice");
    CHECK(s.rec.logins[0].password_masked == "S*** (9 characters)");
    CHECK(s.rec.logins[0].outcome == LoginOutcome::Accepted);
}

TEST_CASE("pop3: nothing is read after +OK to STLS") {
    Session s(110);
    s.server("+OK ready\r\n");
    s.client("STLS\r\n");
    s.server("+OK Begin TLS negotiation now.\r\n");
    s.client("USER alice\r\nPASS Secret-99\r\n");
    s.server("+OK\r\n+OK\r\n");
    CHECK(s.rec.logins.empty());
}

TEST_CASE("pop3: unanswered PASS is reported with unknown outcome; garbage server gives up") {
    Session s(110);
    s.server("+OK ready\r\n");
    s.client("USER alice\r\nPASS Secret-99\r\n");
    s.close();
    REQUIRE(s.rec.logins.size() == 1);
    CHECK(s.rec.logins[0].outcome == LoginOutcome::Unknown);
    CHECK(s.rec.logins[0].outcome_frame.frame == 0);

    Session g(110);
    for (int i = 0; i < 10; ++i) g.server("\x16\x03\x01 binary\r\n");
    g.client("USER x\r\nPASS yyyyyy\r\n");
    g.server("-ERR no\r\n");
    g.close();
    CHECK(g.rec.logins.empty());
}

TEST_CASE("imap: LOGIN with atoms, quoted strings and literals; tagged NO and OK") {
    Session s(143);
    REQUIRE(s.c);
    s.server("* OK [CAPABILITY IMAP4rev1 LOGIN-REFERRALS] Dovecot ready.\r\n");
    s.client("a1 LOGIN alice wrong-pass\r\n");
    s.server("a1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n");
    s.client("a2 LOGIN \"al\\\"ice\" \"Secret 99\"\r\n");
    s.server("a2 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n");
    // Synchronising literals: the server's "+" comes between the parts.
    s.client("a3 LOGIN {5}\r\n");
    s.server("+ OK\r\n");
    s.client("alice {9}\r\n");
    s.server("+ OK\r\n");
    s.client("Secret-99\r\n");
    s.server("a3 OK [CAPABILITY IMAP4rev1] Logged in\r\n");
    REQUIRE(s.rec.logins.size() == 3);
    CHECK(s.rec.logins[0].protocol == LoginProtocol::Imap);
    CHECK(s.rec.logins[0].user == "alice");
    CHECK(s.rec.logins[0].outcome == LoginOutcome::Rejected);
    CHECK(s.rec.logins[1].user == "al\"ice");  // the quoted-string escape undone
    CHECK(s.rec.logins[1].password_masked == "S*** (9 characters)");
    CHECK(s.rec.logins[2].user == "alice");
    CHECK(s.rec.logins[2].password_masked == "S*** (9 characters)");
    CHECK(s.rec.logins[2].outcome == LoginOutcome::Accepted);
    CHECK(s.rec.logins[2].where.frame == 10);  // the frame that completed the command (the password)
}

TEST_CASE("imap: a FETCH literal with tagged-looking lines is skipped by byte count") {
    Session s(143);
    s.server("* OK ready\r\n");
    s.client("a1 LOGIN alice Secret-99\r\n");
    const std::string body = "a1 NO fake\r\nb2 OK fake\r\n";
    s.server("* 1 FETCH (BODY[] {" + std::to_string(body.size()) + "}\r\n");
    s.server(body.substr(0, 7));
    s.server(body.substr(7) + ")\r\n");
    s.server("a1 OK done\r\n");
    REQUIRE(s.rec.logins.size() == 1);
    CHECK(s.rec.logins[0].outcome == LoginOutcome::Accepted);
    // An APPEND literal from the client is skipped alike, and a gap inside it
    // is counted off without losing step.
    Session t(143);
    t.server("* OK ready\r\n");
    t.client("a1 APPEND INBOX {30+}\r\n0123456789");
    t.gap(0, 10);
    t.client("0123456789\r\nb2 LOGIN bob hunter22\r\n");
    t.server("a1 OK\r\nb2 NO bad\r\n");
    REQUIRE(t.rec.logins.size() == 1);
    CHECK(t.rec.logins[0].user == "bob");
    CHECK(t.rec.logins[0].outcome == LoginOutcome::Rejected);
}

TEST_CASE("imap: AUTHENTICATE PLAIN with and without initial response; out-of-order completion") {
    Session s(143);
    s.server("* OK ready\r\n");
    s.client("x1 AUTHENTICATE PLAIN\r\n");
    s.server("+ \r\n");
    s.client(std::string(kPlainAlice) + "\r\n");
    s.server("x1 NO [AUTHENTICATIONFAILED] failed\r\n");
    s.client("x2 AUTHENTICATE PLAIN " + std::string(kPlainAlice) + "\r\n");
    s.server("x2 OK Logged in\r\n");
    s.client("x3 NOOP\r\nx4 LOGIN carol abcdefgh\r\n");
    s.server("x4 NO no\r\nx3 OK noop\r\n");
    REQUIRE(s.rec.logins.size() == 3);
    CHECK(s.rec.logins[0].mechanism == "PLAIN");
    CHECK(s.rec.logins[0].outcome == LoginOutcome::Rejected);
    CHECK(s.rec.logins[1].outcome == LoginOutcome::Accepted);
    CHECK(s.rec.logins[1].user == "alice");
    CHECK(s.rec.logins[2].user == "carol");
    CHECK(s.rec.logins[2].outcome == LoginOutcome::Rejected);
}

TEST_CASE("imap: STARTTLS and an unfollowable AUTHENTICATE stop reading") {
    Session s(143);
    s.server("* OK ready\r\n");
    s.client("a1 STARTTLS\r\n");
    s.server("a1 OK Begin TLS negotiation now.\r\n");
    s.client("a2 LOGIN alice Secret-99\r\n");
    s.server("a2 OK\r\n");
    CHECK(s.rec.logins.empty());

    Session k(143);
    k.server("* OK ready\r\n");
    k.client("a1 STARTTLS\r\n");
    k.server("a1 BAD TLS not available\r\n");  // refused: still clear text
    k.client("a2 AUTHENTICATE GSSAPI\r\n");
    k.server("+ \r\n");
    k.client("YIIB\r\n");
    k.server("a2 OK\r\n");
    k.client("a3 LOGIN alice Secret-99\r\n");
    k.server("a3 OK\r\n");
    CHECK(k.rec.logins.empty());
}

TEST_CASE("imap: over-long lines, a gap outside literals and garbage do not crash or invent logins") {
    Session s(143);
    s.server("* OK ready\r\n");
    s.client(std::string(20000, 'A') + "\r\n");
    s.server("* " + std::string(20000, 'B') + "\r\n");
    s.client("a1 LOGIN alice Sec");
    s.gap(0, 5);
    s.client("ret\r\na2 LOGIN bob hunter22\r\n");
    s.server("a1 OK\r\na2 OK\r\n");
    REQUIRE(s.rec.logins.size() == 1);
    CHECK(s.rec.logins[0].user == "bob");
    s.client("{99999999999999999999}\r\n{}\r\n\"unterminated\r\n{5}");
    s.close();

    Session g(143);
    for (int i = 0; i < 10; ++i) g.server(std::string("\x00\xff\r\n", 4));
    g.client("a1 LOGIN x yyyyyy\r\n");
    g.server("a1 OK\r\n");
    g.close();
    CHECK(g.rec.logins.empty());
}
