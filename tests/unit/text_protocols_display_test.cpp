// SMTP, FTP and Telnet in the packet view (dissectors/smtp.cpp, ftp.cpp,
// telnet.cpp): tshark's info column and fields, passwords never shown,
// padding and binary bytes handled.
#include <doctest/doctest.h>

#include "field_helper.hpp"

using namespace netdx::test;
using Tins::RawPDU;
using Tins::TCP;

namespace {

Decoded segment(std::uint16_t dport, std::uint16_t sport, const std::string& payload) {
    TCP t(dport, sport);
    t.flags(TCP::ACK | TCP::PSH);
    return decode(Tins::EthernetII() / Tins::IP("10.0.0.9", "10.0.0.2") / t / RawPDU(payload));
}

}  // namespace

TEST_CASE("ftp display: request, response, PASS masked everywhere") {
    auto req = segment(21, 40000, "USER alice\r\n");
    CHECK(stack(req).find("ftp") != std::string::npos);
    CHECK(info(req) == "Request: USER alice");
    CHECK(field(req, "ftp.request") == "1");
    CHECK(field(req, "ftp.request.command") == "USER");
    CHECK(field(req, "ftp.request.arg") == "alice");
    auto pass = segment(21, 40000, "PASS Secret-77\r\n");
    CHECK(info(pass) == "Request: PASS S*** (9 characters)");
    CHECK(field(pass, "ftp.request.arg").empty());
    auto rsp = segment(40000, 21, "530 Login incorrect.\r\n");
    CHECK(info(rsp) == "Response: 530 Login incorrect.");
    CHECK(field(rsp, "ftp.response.code") == "530");
    CHECK(field(rsp, "ftp.response.arg") == "Login incorrect.");
    auto bin = segment(40000, 21, std::string("\x1b[2J\xff\x00", 6));
    CHECK(info(bin) == "Response: \\x1b[2J\\xff\\x00");
    CHECK(field(bin, "ftp.response.code").empty());
}

TEST_CASE("smtp display: pipelined commands, multi-line and pipelined replies, AUTH and bodies hidden") {
    CHECK(info(segment(25, 40000, "MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n")) ==
          "C: MAIL FROM:<a@x> | RCPT TO:<b@y> | DATA");
    CHECK(info(segment(40000, 25, "250-mail.lab.test\r\n250-PIPELINING\r\n250 CHUNKING\r\n")) ==
          "S: 250-mail.lab.test | PIPELINING | CHUNKING");
    CHECK(info(segment(40000, 25, "250 2.1.0 Ok\r\n550 5.1.1 unknown\r\n")) == "S: 250 2.1.0 Ok | 550 5.1.1 unknown");
    auto auth = segment(587, 40000, "AUTH PLAIN AGFsaWNlAFNlY3JldC03Nw==\r\n");
    CHECK(info(auth) == "C: AUTH PLAIN");
    CHECK(field(auth, "smtp.req.parameter") == "PLAIN");
    CHECK(info(segment(25, 40000, "aHVudGVyMg==\r\n")) == "C: DATA fragment, 14 bytes");
    auto rcpt = segment(25, 40000, "RCPT TO:<x@y>\r\n");
    CHECK(field(rcpt, "smtp.req.command") == "RCPT");
    CHECK(field(rcpt, "smtp.req.parameter") == "TO:<x@y>");
    auto rej = segment(40000, 25, "550 5.1.1 <x@y>: User unknown\r\n");
    CHECK(field(rej, "smtp.response.code") == "550");
    CHECK(field(rej, "smtp.rsp.parameter") == "5.1.1 <x@y>: User unknown");
    // One code per reply, as tshark: a multi-line reply is one, pipelined replies are each one.
    CHECK(field(segment(40000, 25, "250-mail.lab.test\r\n250-PIPELINING\r\n250 CHUNKING\r\n"), "smtp.response.code") ==
          "250");
    CHECK(field(segment(40000, 25, "250 2.0.0 Ok: queued\r\n221 2.0.0 Bye\r\n"), "smtp.response.code") == "250,221");
    CHECK(field(segment(40000, 25, "553 5.1.8 no\r\n503 5.0.0 Need MAIL\r\n503 5.0.0 Need MAIL\r\n"),
                "smtp.response.code") == "553,503,503");
}

TEST_CASE("telnet display: no data shown") {
    auto d = segment(23, 40000, "Secret-77\r\n");
    CHECK(info(d) == "Telnet Data ...");
    CHECK(field(d, "netdx.telnet.len") == "11");
}
