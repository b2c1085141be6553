// Telnet login consumer (src/app/telnet.cpp): IAC stripping, prompts, typed
// user name and password (line or character at a time), outcome.
#include <doctest/doctest.h>

#include "app_stream_helpers.hpp"

using namespace at;

namespace {
const std::string kNegotiation = "\xff\xfd\x18\xff\xfd\x20\xff\xfa\x18\x01\xff\xf0\xff\xfb\x01";
}

TEST_CASE("telnet: character-at-a-time login accepted, password masked") {
    Session s(23);
    REQUIRE(s.c);
    s.server(kNegotiation);
    s.client(std::string("\xff\xfb\x18\xff\xfa\x18\x00XTERM\xff\xf0", 14));
    s.server("\r\nDebian GNU/Linux 12\r\nvm login: ");
    for (char ch : std::string("alicx\x7f" "e\r")) {  // a typo, DEL, retyped
        s.client(std::string(1, ch));
        if (ch != '\r') s.server(std::string(1, ch));  // echo
    }
    s.client(std::string("\0", 1));  // CR NUL
    s.server("\r\nPassword: ");
    s.client_chars("Secret-77\r\n");
    s.server("\r\nLast login: Wed Nov 25 15:31:57 UTC 2026 from 10.77.1.101 on pts/0\r\n");
    s.server("alice@vm:~$ ");
    s.client("id\r\n");
    s.server("Password: ");  // not a login prompt any more: ignored
    s.client("other\r\n");
    s.close();
    REQUIRE(s.rec.logins.size() == 1);
    const PlaintextLogin& l = s.rec.logins[0];
    CHECK(l.protocol == LoginProtocol::Telnet);
    CHECK(l.user == "alice");
    CHECK(l.password_masked == "S*** (9 characters)");
    CHECK(l.outcome == LoginOutcome::Accepted);
    CHECK(l.outcome_frame.frame > l.where.frame);
}

TEST_CASE("telnet: line mode, rejected then accepted by shell prompt") {
    Session s(23);
    s.server("login: ");
    s.client("bob\n");
    s.server("bob\r\nPassword: ");
    s.client("wrong\n");
    s.server("\r\nLogin incorrect\r\nlogin: ");
    s.client("bob\n");
    s.server("Password: ");
    s.client("right\n");
    s.server("\r\n$ ");
    REQUIRE(s.rec.logins.size() == 2);
    CHECK(s.rec.logins[0].outcome == LoginOutcome::Rejected);
    CHECK(s.rec.logins[0].password_length == 5);
    CHECK(s.rec.logins[1].outcome == LoginOutcome::Accepted);
    CHECK(s.rec.logins[1].user == "bob");
}

TEST_CASE("telnet: IAC IAC is a data byte, escaped in the user name; end of stream gives unknown outcome") {
    Session s(23);
    s.server("Username: ");
    s.client("a\xff\xff" "b\r\n");
    s.server("Password: ");
    s.client("x\r\n");
    s.close();
    REQUIRE(s.rec.logins.size() == 1);
    CHECK(s.rec.logins[0].user == "a\\xffb");
    CHECK(s.rec.logins[0].outcome == LoginOutcome::Unknown);
}

TEST_CASE("telnet: 'Last login:' split at a segment end is not a login prompt") {
    Session s(23);
    s.server("login: ");
    s.client("u\r\n");
    s.server("Password: ");
    s.client("p\r\n");
    s.server("Last login:");
    s.server(" today\r\n");
    REQUIRE(s.rec.logins.size() == 1);
    CHECK(s.rec.logins[0].outcome == LoginOutcome::Accepted);
}

TEST_CASE("telnet: unterminated subnegotiation and random bytes stay bounded and quiet") {
    Session s(23);
    std::string sb = "\xff\xfa\x18";
    sb += std::string(10000, 'A');
    s.server(sb);
    std::string junk;
    for (int i = 0; i < 5000; ++i) junk.push_back(static_cast<char>((i * 131) & 0xff));
    s.server(junk);
    s.client(junk);
    s.gap(1, 100);
    s.server(junk);
    s.close();
    for (const auto& l : s.rec.logins) CHECK(l.user.size() <= 64 * 4 + 3);
}
