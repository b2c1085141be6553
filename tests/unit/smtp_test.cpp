// SMTP consumer (src/app/smtp.cpp) on crafted streams: pairing with
// multi-line and pipelined replies, DATA bodies, AUTH in clear, STARTTLS,
// over-long lines, segments split anywhere, gaps.
#include <doctest/doctest.h>

#include "app_stream_helpers.hpp"

using namespace at;

namespace {

const char* kEhloReply = "250-mail.lab.test\r\n250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n250 ENHANCEDSTATUSCODES\r\n";

}  // namespace

TEST_CASE("smtp: greeting, EHLO multi-line reply, MAIL/RCPT codes and enhanced status") {
    Session s(25);
    REQUIRE(s.c);
    s.server("220 mail.lab.test ESMTP\r\n");
    s.client("EHLO pc1.lab.test\r\n");
    s.server(kEhloReply);
    s.client("MAIL FROM:<bob@lab.test> SIZE=100\r\n");
    s.server("250 2.1.0 Ok\r\n");
    s.client("RCPT TO:<nosuchuser@lab.test>\r\n");
    s.server("550 5.1.1 <nosuchuser@lab.test>: Recipient address rejected: User unknown\r\n");
    s.client("QUIT\r\n");
    s.server("221 2.0.0 Bye\r\n");
    s.close();
    REQUIRE(s.rec.smtp.size() == 5);
    CHECK(s.rec.smtp[0].command == SmtpCommand::None);
    CHECK(s.rec.smtp[0].reply_code == 220);
    CHECK(s.rec.smtp[1].command == SmtpCommand::Ehlo);
    CHECK(s.rec.smtp[1].reply_lines == 4);
    CHECK(s.rec.smtp[1].reply_text == "mail.lab.test");
    CHECK(s.rec.smtp[2].address == "bob@lab.test");
    CHECK(s.rec.smtp[2].enhanced_status == "2.1.0");
    const SmtpTransaction& r = s.rec.smtp[3];
    CHECK(r.command == SmtpCommand::RcptTo);
    CHECK(r.address == "nosuchuser@lab.test");
    CHECK(r.reply_code == 550);
    CHECK(r.enhanced_status == "5.1.1");
    CHECK(r.helo == "pc1.lab.test");
    CHECK(r.command_frame.frame == 6);
    CHECK(r.where.frame == 7);
    CHECK(s.rec.logins.empty());
}

TEST_CASE("smtp: pipelined commands are paired in order; bytes split across segments") {
    Session s(587);
    const std::string client = "MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nRCPT TO:<c@z>\r\nDATA\r\n";
    // Every byte its own segment on the client side.
    s.server("220 hi\r\n");
    s.client_chars(client);
    s.server("250 ok\r\n250 ok\r\n554 5.7.1 <c@z>: Relay acc");
    s.server("ess denied\r\n554 5.5.1 Error: no valid recipients\r\n");
    REQUIRE(s.rec.smtp.size() == 5);
    CHECK(s.rec.smtp[2].address == "b@y");
    CHECK(s.rec.smtp[2].reply_code == 250);
    CHECK(s.rec.smtp[3].address == "c@z");
    CHECK(s.rec.smtp[3].reply_code == 554);
    CHECK(s.rec.smtp[3].reply_text == "5.7.1 <c@z>: Relay access denied");
    CHECK(s.rec.smtp[4].command == SmtpCommand::Data);
    CHECK(s.rec.smtp[4].reply_code == 554);
}

TEST_CASE("smtp: DATA body skipped to the lone dot, size and headers kept") {
    Session s(25);
    s.server("220 hi\r\n");
    s.client("DATA\r\n");
    s.server("354 End data with <CR><LF>.<CR><LF>\r\n");
    // A body line that looks like a command and one over the line bound.
    const std::string big(10000, 'x');
    s.client("Subject: test \x1b[31mred\r\nFrom: bob@lab.test\r\n\r\nRCPT TO:<not@a.command>\r\n" + big + "\r\n");
    s.client(".\r\nQUIT\r\n");
    s.server("250 2.0.0 Ok: queued as ABC\r\n221 Bye\r\n");
    REQUIRE(s.rec.smtp.size() == 3);
    const SmtpTransaction& d = s.rec.smtp[1];
    CHECK(d.command == SmtpCommand::Data);
    CHECK(d.reply_code == 250);
    CHECK(d.subject == "test \\x1b[31mred");  // escaped, never raw control bytes
    CHECK(d.header_from == "bob@lab.test");
    // Bytes of the long line beyond the 4 KiB bound are skipped uncounted.
    CHECK(d.message_bytes >= 4096);
    CHECK(d.message_bytes < 10000);
    CHECK(s.rec.smtp[2].command == SmtpCommand::Quit);
}

TEST_CASE("smtp: AUTH PLAIN in clear gives a masked PlaintextLogin") {
    Session s(25);
    s.server("220 hi\r\n");
    // "\0alice\0Secret-77"
    s.client("AUTH PLAIN AGFsaWNlAFNlY3JldC03Nw==\r\n");
    s.server("235 2.7.0 Authentication successful\r\n");
    REQUIRE(s.rec.logins.size() == 1);
    const PlaintextLogin& l = s.rec.logins[0];
    CHECK(l.protocol == LoginProtocol::Smtp);
    CHECK(l.user == "alice");
    CHECK(l.password_masked == "S*** (9 characters)");
    CHECK(l.mechanism == "PLAIN");
    CHECK(l.outcome == LoginOutcome::Accepted);
    REQUIRE(s.rec.smtp.size() == 2);
    CHECK(s.rec.smtp[1].argument == "PLAIN");  // never the credentials
}

TEST_CASE("smtp: AUTH LOGIN answered step by step, rejected") {
    Session s(25);
    s.server("220 hi\r\n");
    s.client("AUTH LOGIN\r\n");
    s.server("334 VXNlcm5hbWU6\r\n");
    s.client("Ym9i\r\n");  // bob
    s.server("334 UGFzc3dvcmQ6\r\n");
    s.client("aHVudGVyMg==\r\n");  // hunter2
    s.server("535 5.7.8 Error: authentication failed\r\n");
    s.client("QUIT\r\n");
    s.server("221 Bye\r\n");
    REQUIRE(s.rec.logins.size() == 1);
    CHECK(s.rec.logins[0].user == "bob");
    CHECK(s.rec.logins[0].password_length == 7);
    CHECK(s.rec.logins[0].password_masked == "h*** (7 characters)");
    CHECK(s.rec.logins[0].outcome == LoginOutcome::Rejected);
    REQUIRE(s.rec.smtp.size() == 3);
    CHECK(s.rec.smtp[2].command == SmtpCommand::Quit);  // the base64 lines were not taken for commands
}

TEST_CASE("smtp: nothing is read after STARTTLS is accepted") {
    Session s(25);
    s.server("220 hi\r\n");
    s.client("STARTTLS\r\n");
    s.server("220 2.0.0 Ready to start TLS\r\n");
    s.client("AUTH PLAIN AGFsaWNlAFNlY3JldC03Nw==\r\n");  // would be inside TLS
    s.server("235 ok\r\n");
    s.close();
    CHECK(s.rec.logins.empty());
    REQUIRE(s.rec.smtp.size() == 2);
    CHECK(s.rec.smtp[1].command == SmtpCommand::StartTls);
}

TEST_CASE("smtp: over-long command line is malformed and skipped; next line still read") {
    Session s(25);
    s.server("220 hi\r\n");
    s.client("RCPT TO:<" + std::string(9000, 'a') + ">\r\nRSET\r\n");
    s.server("500 5.5.2 line too long\r\n");
    REQUIRE(s.rec.smtp.size() == 3);
    CHECK(s.rec.smtp[1].malformed);
    CHECK(s.rec.smtp[2].command == SmtpCommand::Rset);
    CHECK(s.rec.smtp[2].reply_code == 500);
}

TEST_CASE("smtp: a gap drops the pairing, reading resumes at the next line") {
    Session s(25);
    s.server("220 hi\r\n");
    s.client("RCPT TO:<a@b>\r\nRCPT TO:<c@");
    s.gap(0, 100);
    s.client("d>\r\nRCPT TO:<e@f>\r\n");
    // The first RCPT was flushed unanswered at the gap.
    REQUIRE(s.rec.smtp.size() == 2);
    CHECK(s.rec.smtp[1].address == "a@b");
    CHECK(s.rec.smtp[1].reply_code == 0);
    s.server("550 5.1.1 no\r\n");
    REQUIRE(s.rec.smtp.size() == 3);
    CHECK(s.rec.smtp[2].address == "e@f");
    CHECK(s.rec.smtp[2].reply_code == 550);
}

TEST_CASE("smtp: binary garbage from the server makes the consumer give up quietly") {
    Session s(25);
    std::string junk;
    for (int i = 0; i < 2000; ++i) junk.push_back(static_cast<char>((i * 37) & 0xff));
    s.server(junk);
    s.client(junk);
    s.close();
    for (const auto& t : s.rec.smtp) CHECK(t.reply_code == 0);
    CHECK(s.rec.logins.empty());
}
