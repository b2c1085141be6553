// POP3 and IMAP in the packet view (dissectors/pop3.cpp, imap.cpp): tshark's
// info column and fields, passwords never shown, body segments and binary
// bytes handled.
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

TEST_CASE("pop display: C:/S: lines, PASS masked, body segments") {
    auto user = segment(110, 40000, "USER alice\r\n");
    CHECK(stack(user).find(":pop") != std::string::npos);
    CHECK(info(user) == "C: USER alice");
    CHECK(field(user, "pop.request.command") == "USER");
    CHECK(field(user, "pop.request.parameter") == "alice");
    auto pass = segment(110, 40000, "PASS Secret-77\r\n");
    CHECK(info(pass) == "C: PASS S*** (9 characters)");
    CHECK(field(pass, "pop.request.parameter").empty());
    auto err = segment(40000, 110, "-ERR [AUTH] Authentication failed.\r\n");
    CHECK(info(err) == "S: -ERR [AUTH] Authentication failed.");
    CHECK(field(err, "pop.response.indicator") == "-ERR");
    CHECK(field(err, "pop.response.description") == "[AUTH] Authentication failed.");
    auto body = segment(40000, 110, "Subject: hi\r\n\r\ntext\r\n.\r\n");
    CHECK(info(body) == "S: DATA fragment, 24 bytes");
    CHECK(field(body, "pop.response.indicator").empty());
    CHECK(info(segment(40000, 110, std::string("+OK \xff\x00", 6))) == "S: +OK \\xff\\x00");
}

TEST_CASE("imap display: last line of the segment, LOGIN password masked, tags and status") {
    auto login = segment(143, 40000, "a1 LOGIN \"alice\" \"Secret-77\"\r\n");
    CHECK(stack(login).find(":imap") != std::string::npos);
    CHECK(info(login) == "Request: a1 LOGIN \"alice\" S*** (9 characters)");
    CHECK(field(login, "imap.isrequest") == "1");
    CHECK(field(login, "imap.request_tag") == "a1");
    CHECK(field(login, "imap.request.command") == "LOGIN");
    CHECK(field(login, "imap.request.username") == "\"alice\"");
    CHECK(info(segment(143, 40000, "a2 login bob hunter22\r\n")) == "Request: a2 login bob h*** (8 characters)");
    auto rsp = segment(40000, 143, "* CAPABILITY IMAP4rev1\r\na0000 OK CAPABILITY completed.\r\n");
    CHECK(info(rsp) == "Response: a0000 OK CAPABILITY completed.");
    CHECK(field(rsp, "imap.isrequest") == "0");
    CHECK(field(rsp, "imap.response_tag") == "a0000");
    CHECK(field(rsp, "imap.response.status") == "OK");
    auto untagged = segment(40000, 143, "* OK ready\r\n");
    CHECK(info(untagged) == "Response: * OK ready");
    CHECK(field(untagged, "imap.response_tag").empty());
    CHECK(info(segment(143, 40000, std::string("\"\\", 2))) == "Request: \"\\\\");
    // A literal begun in the segment is passed over by its byte count: its
    // lines ("x1 NO ..." inside a message) are not the tagged response.
    auto fetch = segment(40000, 143, "* 1 FETCH (BODY[] {17}\r\nx1 NO not a tag\r\n)\r\na5 OK FETCH done\r\n");
    CHECK(field(fetch, "imap.response_tag") == "a5");
    CHECK(field(fetch, "imap.response.status") == "OK");
}
