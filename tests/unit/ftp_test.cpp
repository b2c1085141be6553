// FTP control consumer (src/app/ftp.cpp): USER/PASS outcome and the masked
// PlaintextLogin, multi-line replies, 1xx preliminary replies, data channel
// endpoints, AUTH TLS, malformed and gapped input.
#include <doctest/doctest.h>

#include "app_stream_helpers.hpp"

using namespace at;

TEST_CASE("ftp: failed and accepted logins with masked passwords") {
    Session s(21);
    REQUIRE(s.c);
    s.server("220 (vsFTPd 3.0.3)\r\n");
    s.client("USER alice\r\n");
    s.server("331 Please specify the password.\r\n");
    s.client("PASS wrong-password\r\n");
    s.server("530 Login incorrect.\r\n");
    s.client("USER alice\r\nPASS Secret-78\r\n");
    s.server("331 Please specify the password.\r\n230 Login successful.\r\n");
    REQUIRE(s.rec.ftp.size() == 5);
    CHECK(s.rec.ftp[0].command.empty());
    CHECK(s.rec.ftp[0].reply_code == 220);
    const FtpTransaction& fail = s.rec.ftp[2];
    CHECK(fail.command == "PASS");
    CHECK(fail.reply_code == 530);
    CHECK(fail.user == "alice");
    CHECK(fail.argument == "w*** (14 characters)");
    REQUIRE(s.rec.logins.size() == 2);
    CHECK(s.rec.logins[0].outcome == LoginOutcome::Rejected);
    CHECK(s.rec.logins[0].password_masked == "w*** (14 characters)");
    CHECK(s.rec.logins[1].outcome == LoginOutcome::Accepted);
    CHECK(s.rec.logins[1].user == "alice");
    CHECK_FALSE(s.rec.logins[1].anonymous);
    // Nothing reported carries the password itself.
    for (const auto& t : s.rec.ftp) CHECK(t.argument.find("Secret") == std::string::npos);
}

TEST_CASE("ftp: anonymous login is flagged; vsftpd's 230 to USER gives no login event") {
    Session s(21);
    s.server("220 hi\r\n");
    s.client("USER anonymous\r\n");
    s.server("230 Login successful.\r\n");
    CHECK(s.rec.logins.empty());
    Session t(21);
    t.server("220 hi\r\n");
    t.client("USER ftp\r\n");
    t.server("331 Send e-mail as password.\r\n");
    t.client("PASS guest@example.org\r\n");
    t.server("230 ok\r\n");
    REQUIRE(t.rec.logins.size() == 1);
    CHECK(t.rec.logins[0].anonymous);
}

TEST_CASE("ftp: multi-line reply, preliminary 150, passive and active data endpoints") {
    Session s(21);
    s.server("220-Welcome\r\n  text without a code\r\n220-more\r\n220 ready\r\n");
    s.client("PASV\r\n");
    s.server("227 Entering Passive Mode (10,0,0,9,117,50).\r\n");
    s.client("EPSV\r\n");
    s.server("229 Entering Extended Passive Mode (|||30010|)\r\n");
    s.client("PORT 10,0,0,2,4,1\r\n");
    s.server("200 PORT command successful.\r\n");
    s.client("EPRT |1|10.0.0.2|5001|\r\n");
    s.server("200 EPRT command successful.\r\n");
    s.client("RETR file.txt\r\n");
    s.server("150 Opening BINARY mode data connection.\r\n226 Transfer complete.\r\n");
    s.client("STOR x\r\n");
    s.server("553 Could not create file.\r\n");
    REQUIRE(s.rec.ftp.size() == 7);
    CHECK(s.rec.ftp[0].reply_code == 220);
    CHECK(s.rec.ftp[0].reply_text == "Welcome");
    const auto& pasv = s.rec.ftp[1];
    CHECK(pasv.has_data_endpoint);
    CHECK(pasv.data_address == ip4(9));
    CHECK(pasv.data_port == 117 * 256 + 50);
    CHECK(s.rec.ftp[2].has_data_endpoint);
    CHECK(s.rec.ftp[2].data_port == 30010);
    CHECK(s.rec.ftp[2].data_address == ip4(9));  // EPSV: the server's address
    CHECK(s.rec.ftp[3].data_address == ip4(2));
    CHECK(s.rec.ftp[3].data_port == 1025);
    CHECK(s.rec.ftp[4].data_port == 5001);
    CHECK(s.rec.ftp[5].command == "RETR");
    CHECK(s.rec.ftp[5].preliminary_code == 150);
    CHECK(s.rec.ftp[5].reply_code == 226);
    CHECK(s.rec.ftp[6].reply_code == 553);
}

TEST_CASE("ftp: malformed data endpoints are not recorded") {
    Session s(21);
    s.client("PORT 10,0,0,2,4\r\nPORT 300,0,0,2,4,1\r\nEPRT |1|10.0.0|5|\r\nEPRT |1|10.0.0.2|99999|\r\n");
    s.server("501 a\r\n501 b\r\n501 c\r\n501 d\r\n");
    REQUIRE(s.rec.ftp.size() == 4);
    for (const auto& t : s.rec.ftp) CHECK_FALSE(t.has_data_endpoint);
}

TEST_CASE("ftp: nothing read after AUTH TLS is accepted") {
    Session s(21);
    s.server("220 hi\r\n");
    s.client("AUTH TLS\r\n");
    s.server("234 Proceed with negotiation.\r\n");
    s.client("USER alice\r\nPASS x\r\n");
    s.server("230 ok\r\n");
    s.close();
    CHECK(s.rec.logins.empty());
    CHECK(s.rec.ftp.size() == 2);
}

TEST_CASE("ftp: over-long line is malformed; gap resynchronises at the next line") {
    Session s(21);
    s.server("220 hi\r\n");
    s.client("USER " + std::string(5000, 'u') + "\r\nNOOP\r\n");
    s.server("200 ok\r\n");
    REQUIRE(s.rec.ftp.size() == 3);
    CHECK(s.rec.ftp[1].malformed);
    CHECK(s.rec.ftp[2].command == "NOOP");
    s.client("USER bob\r\nPASS hun");
    s.gap(0, 10);
    s.client("ter2\r\nNOOP\r\n");
    // USER flushed unanswered at the gap, the split PASS is lost.
    s.server("200 ok\r\n");
    REQUIRE(s.rec.ftp.size() == 5);
    CHECK(s.rec.ftp[3].command == "USER");
    CHECK(s.rec.ftp[3].reply_code == 0);
    CHECK(s.rec.ftp[4].command == "NOOP");
    CHECK(s.rec.logins.empty());
}

TEST_CASE("ftp: a password shorter than 4 characters is masked to its length only") {
    CHECK(mask_password("1") == "*** (1 character)");
    CHECK(mask_password("abc") == "*** (3 characters)");
    CHECK(mask_password("abcd") == "a*** (4 characters)");
    CHECK(mask_password("") == "(empty)");
    CHECK(mask_password("\x1b[0m") == "\\x1b*** (4 characters)");
}
