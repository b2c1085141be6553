// The line protocols' one parser (dissectors/lines/line_protocol.hpp), read
// by the packet view and the analysis alike: commands, SMTP/FTP replies over
// several lines, POP3 status lines, IMAP words and literals; and SSH's
// identification line and packet header (dissectors/ssh/ssh_wire.hpp).
#include <doctest/doctest.h>

#include <string>

#include "dissectors/lines/line_protocol.hpp"
#include "dissectors/ssh/ssh_wire.hpp"

using namespace netdx;

TEST_CASE("line protocol: command verb and argument") {
    CommandLine c = parse_command("RCPT TO:<x@y> NOTIFY=NEVER");
    CHECK(c.verb == "RCPT");
    CHECK(c.argument == "TO:<x@y> NOTIFY=NEVER");
    CHECK(c.has_space);
    c = parse_command("PASS ");
    CHECK(c.verb == "PASS");
    CHECK(c.argument.empty());
    CHECK(c.has_space);
    c = parse_command("QUIT");
    CHECK(c.verb == "QUIT");
    CHECK_FALSE(c.has_space);
    CHECK(parse_command("").verb.empty());
}

TEST_CASE("line protocol: SMTP verbs, MAIL needs FROM:, RCPT needs TO:") {
    SmtpCommand cmd{};
    CHECK(smtp_command(parse_command("mail FROM:<a@b>"), cmd));
    CHECK(cmd == SmtpCommand::MailFrom);
    CHECK(smtp_command(parse_command("MAIL <a@b>"), cmd));
    CHECK(cmd == SmtpCommand::Other);
    CHECK(smtp_command(parse_command("rcpt to:<a@b>"), cmd));
    CHECK(cmd == SmtpCommand::RcptTo);
    CHECK(smtp_command(parse_command("ETRN example.com"), cmd));
    CHECK(cmd == SmtpCommand::Other);
    CHECK(smtp_command(parse_command("STARTTLS"), cmd));
    CHECK(cmd == SmtpCommand::StartTls);
    CHECK_FALSE(smtp_command(parse_command("Subject: hello"), cmd));
    CHECK_FALSE(smtp_command(parse_command("aHVudGVyMg=="), cmd));
}

TEST_CASE("line protocol: reply lines") {
    ReplyLine r;
    REQUIRE(parse_reply_line("250-mail.lab.test", r));
    CHECK(r.code == 250);
    CHECK(r.code_text == "250");
    CHECK_FALSE(r.last);
    CHECK(r.text == "mail.lab.test");
    REQUIRE(parse_reply_line("221", r));
    CHECK(r.last);
    CHECK(r.text.empty());
    CHECK_FALSE(parse_reply_line("2501 x", r));
    CHECK_FALSE(parse_reply_line("099 x", r));  // codes are 100..599
    CHECK_FALSE(parse_reply_line("25", r));
    CHECK_FALSE(parse_reply_line("  The NetBSD Project", r));
}

TEST_CASE("line protocol: SMTP multi-line reply, code on every line") {
    MultiLineReply m(MultiLineReply::Style::Smtp);
    ReplyLine r;
    CHECK(m.line("250-mail.lab.test", &r) == MultiLineReply::Step::Continues);
    CHECK(m.first_line());
    CHECK(m.open());
    CHECK(m.line("garbage", &r) == MultiLineReply::Step::Malformed);
    CHECK(m.open());  // a bad line does not end the reply
    CHECK(m.line("250-PIPELINING", &r) == MultiLineReply::Step::Continues);
    CHECK_FALSE(m.first_line());
    CHECK(m.line("250 CHUNKING", &r) == MultiLineReply::Step::Complete);
    CHECK(m.code() == 250);
    CHECK(m.lines() == 3);
    CHECK_FALSE(m.open());
    CHECK(m.line("550 5.1.1 unknown", &r) == MultiLineReply::Step::Complete);
    CHECK(m.first_line());
    CHECK(m.code() == 550);
    CHECK(m.lines() == 1);
}

TEST_CASE("line protocol: FTP multi-line reply, text lines inside, closed by the same code") {
    MultiLineReply m(MultiLineReply::Style::Ftp);
    CHECK(m.line("garbage") == MultiLineReply::Step::Malformed);  // outside a reply
    CHECK(m.line("230-Welcome") == MultiLineReply::Step::Continues);
    CHECK(m.line("    The NetBSD Project") == MultiLineReply::Step::Continues);
    CHECK(m.line("150 not the end") == MultiLineReply::Step::Continues);
    CHECK(m.line("230-still going") == MultiLineReply::Step::Continues);
    CHECK(m.line("230 User logged in.") == MultiLineReply::Step::Complete);
    CHECK(m.code() == 230);
    CHECK(m.line("211-Features:") == MultiLineReply::Step::Continues);
    m.reset();  // a gap: the reply in progress is forgotten
    CHECK_FALSE(m.open());
    CHECK(m.line(" MDTM") == MultiLineReply::Step::Malformed);
}

TEST_CASE("line protocol: POP3 status lines and multi-line answers") {
    PopStatusLine s = parse_pop_status("+OK Logged in.");
    CHECK(s.status == PopStatus::Ok);
    CHECK(s.indicator == "+OK");
    CHECK(s.text == "Logged in.");
    s = parse_pop_status("-ERR");
    CHECK(s.status == PopStatus::Err);
    CHECK(s.text.empty());
    CHECK(parse_pop_status("+OKAY").status == PopStatus::None);
    CHECK(parse_pop_status("+ dXNlcg==").status == PopStatus::None);  // a SASL challenge
    CHECK(parse_pop_status("Subject: x").status == PopStatus::None);
    CHECK(pop_multiline_on_ok("RETR", "1"));
    CHECK(pop_multiline_on_ok("capa", ""));
    CHECK(pop_multiline_on_ok("LIST", ""));
    CHECK_FALSE(pop_multiline_on_ok("LIST", "2"));
    CHECK(pop_multiline_on_ok("AUTH", ""));
    CHECK_FALSE(pop_multiline_on_ok("AUTH", "PLAIN"));
    CHECK_FALSE(pop_multiline_on_ok("USER", "alice"));
}

TEST_CASE("line protocol: IMAP words, quoted strings, literals, status") {
    std::string_view rest = R"(a1 LOGIN "al\"ice" "p w")";
    CHECK(imap_next_word(rest) == "a1");
    CHECK(imap_next_word(rest) == "LOGIN");
    const std::string_view user = imap_next_word(rest);
    CHECK(user == R"("al\"ice")");
    CHECK(imap_word_value(user) == "al\"ice");
    CHECK(imap_word_value(imap_next_word(rest)) == "p w");
    CHECK(imap_next_word(rest).empty());
    std::string_view open = "\"unterminated";
    CHECK(imap_next_word(open) == "\"unterminated");
    CHECK(open.empty());

    std::string_view line = "* 1 FETCH (BODY[] {342}";
    std::uint64_t n = 0;
    REQUIRE(imap_trailing_literal(line, n));
    CHECK(n == 342);
    CHECK(line == "* 1 FETCH (BODY[] ");
    line = "a2 LOGIN {5+}";
    REQUIRE(imap_trailing_literal(line, n));
    CHECK(n == 5);
    line = "a3 OK {x}";
    CHECK_FALSE(imap_trailing_literal(line, n));
    line = "a3 OK done";
    CHECK_FALSE(imap_trailing_literal(line, n));

    CHECK(imap_status("ok") == ImapStatus::Ok);
    CHECK(imap_status("NO") == ImapStatus::No);
    CHECK(imap_status("BAD") == ImapStatus::Bad);
    CHECK(imap_status("PREAUTH") == ImapStatus::None);
    CHECK(imap_is_tag("a0001"));
    CHECK_FALSE(imap_is_tag("*"));
    CHECK_FALSE(imap_is_tag("+"));
}

TEST_CASE("ssh wire: identification line and packet header, shared by the view and the analysis") {
    const netdx::SshIdent id = netdx::parse_ssh_ident("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
    CHECK(id.line == "SSH-2.0-OpenSSH_9.2p1 Debian-2");
    CHECK(id.proto_version == "2.0");
    CHECK(id.software == "OpenSSH_9.2p1 Debian-2");
    CHECK(netdx::parse_ssh_ident("SSH-1.99\n").software.empty());
    CHECK(netdx::ssh_is_ident("SSH-2.0-x"));
    CHECK_FALSE(netdx::ssh_is_ident("SSH"));
    CHECK(netdx::ssh_header_problem(28, 4) == nullptr);
    CHECK(std::string(netdx::ssh_header_problem(35001, 4)) == "packet_length above 35000");
    CHECK(std::string(netdx::ssh_header_problem(28, 3)) == "padding_length does not fit the packet");
    CHECK(std::string(netdx::ssh_header_problem(5, 4)) == "padding_length does not fit the packet");
}
