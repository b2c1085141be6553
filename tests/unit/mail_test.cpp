// E-mail messages: the shared collector (dissectors/imf/message_collector)
// fed by the SMTP, POP3 and IMAP consumers, and GMime's reading of what it
// collected (dissectors/imf/imf_parse): headers, RFC 2047 subjects, the MIME
// tree, attachments, caps, hostile input.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "app/app_stream.hpp"
#include "dissectors/imf/imf_parse.hpp"
#include "dissectors/imf/message_collector.hpp"
#include "events/mail_message_events.hpp"
#include "events/smtp_events.hpp"
#include "flow/flow.hpp"
#include "rules_helpers.hpp"

using namespace netdx;

namespace {

struct MailSession {
    EventBus bus;
    std::vector<MailMessage> mail;
    std::vector<SmtpTransaction> smtp;
    AppClock clock;
    std::unique_ptr<StreamConsumer> c;
    std::uint64_t frame = 0;
    void on_mail(const MailMessage& m) { mail.push_back(m); }
    void on_smtp(const SmtpTransaction& t) { smtp.push_back(t); }
    explicit MailSession(std::uint16_t port) {
        bus.subscribe<&MailSession::on_mail>(this);
        bus.subscribe<&MailSession::on_smtp>(this);
        AppEndpoints ep;
        const std::uint8_t a[4] = {10, 0, 0, 2}, b[4] = {10, 0, 0, 9};
        ep.client = IpAddress::v4(a);
        ep.server = IpAddress::v4(b);
        ep.client_port = 40000;
        ep.server_port = port;
        ep.flow_id = 1;
        c = app_protocol_for_port(port)->make(ep, AppContext{bus, clock});
    }
    void send(int dir, std::string_view s) {
        clock.where = {0, ++frame};
        clock.ts = static_cast<double>(frame);
        c->on_data(dir, Bytes(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
    }
    void client(std::string_view s) { send(0, s); }
    void server(std::string_view s) { send(1, s); }
};

// A small message with a dot-stuffed line, as it is on the wire after DATA.
const std::string kStuffed =
    "From: Alice Example <alice@lab.test>\r\n"
    "To: bob@lab.test, \"Carol\" <carol@lab.test>\r\n"
    "Subject: =?UTF-8?B?R3LDvMOfZQ==?= and =?ISO-8859-1?Q?caf=E9?=\r\n"
    "Message-ID: <m1@lab.test>\r\n"
    "Received: from a by b\r\n"
    "Received: from c by d\r\n"
    "Date: Mon, 7 Dec 2026 06:00:00 +0000\r\n"
    "\r\n"
    "Hello\r\n"
    "..a line that starts with a dot\r\n"
    ".\r\n";
// The same message as the mailbox holds it (what GMime must see).
const std::size_t kUnstuffedSize = kStuffed.size() - 3 /* ".\r\n" */ - 1 /* the stuffed dot */;

void smtp_prologue(MailSession& s) {
    s.server("220 mx ESMTP\r\n");
    s.client("EHLO pc\r\n");
    s.server("250 mx\r\n");
    s.client("MAIL FROM:<alice@lab.test> SIZE=400\r\n");
    s.server("250 2.1.0 Ok\r\n");
    s.client("RCPT TO:<bob@lab.test>\r\n");
    s.server("250 2.1.5 Ok\r\n");
    s.client("DATA\r\n");
    s.server("354 End data with <CR><LF>.<CR><LF>\r\n");
}

void check_small_message(const MailMessage& m) {
    CHECK(m.parsed);
    CHECK(m.size == kUnstuffedSize);
    CHECK(m.kept == kUnstuffedSize);
    CHECK_FALSE(m.truncated);
    CHECK(m.from_addresses == std::vector<std::string>{"alice@lab.test"});
    CHECK(m.to_addresses == std::vector<std::string>{"bob@lab.test", "carol@lab.test"});
    // RFC 2047: UTF-8 base64 and Latin-1 quoted-printable, decoded to UTF-8 (printable: not escaped).
    CHECK(m.subject == "Gr\u00fc\u00dfe and caf\u00e9");
    CHECK(m.message_id == "<m1@lab.test>");
    CHECK(m.received == 2);
    CHECK(m.problems.empty());
    REQUIRE(m.parts.size() == 1);
    CHECK(m.parts[0].content_type == "text/plain");
    CHECK_FALSE(m.parts[0].attachment);
}

MailMessage parse(const std::string& msg, bool truncated = false) {
    MailMessage m;
    parse_imf(msg, truncated, m);
    return m;
}

std::string repeat(std::string_view s, std::size_t n) {
    std::string out;
    out.reserve(s.size() * n);
    for (std::size_t i = 0; i < n; ++i) out += s;
    return out;
}

}  // namespace

TEST_CASE("mail: SMTP DATA split at every byte gives the same message, dot-unstuffed, with its outcome") {
    for (std::size_t cut = 0; cut <= kStuffed.size(); ++cut) {
        MailSession s(25);
        smtp_prologue(s);
        s.client(kStuffed.substr(0, cut));
        if (cut < kStuffed.size()) s.client(kStuffed.substr(cut));
        const std::uint64_t last = s.frame;
        s.server("250 2.0.0 Ok: queued as ABC\r\n");
        REQUIRE(s.mail.size() == 1);
        const MailMessage& m = s.mail[0];
        check_small_message(m);
        CHECK(m.protocol == MailProtocol::Smtp);
        CHECK(std::string(m.command) == "DATA");
        CHECK(m.mail_from == "alice@lab.test");
        CHECK(m.rcpt_to == std::vector<std::string>{"bob@lab.test"});
        CHECK(m.reply_code == 250);
        CHECK(m.enhanced_status == "2.0.0");
        CHECK(m.where.frame == s.frame);  // the reply
        CHECK(m.last_frame.frame == last);
    }
}

TEST_CASE("mail: a message refused after DATA carries the refusal; none without a listener") {
    MailSession s(25);
    smtp_prologue(s);
    s.client(kStuffed);
    s.server("552 5.3.4 Message size exceeds fixed limit\r\n");
    REQUIRE(s.mail.size() == 1);
    CHECK(s.mail[0].reply_code == 552);
    CHECK(s.mail[0].enhanced_status == "5.3.4");
    // The stream ends inside the next message: it is reported, cut.
    s.client("MAIL FROM:<a@b>\r\n");
    s.server("250 ok\r\n");
    s.client("DATA\r\n");
    s.server("354 go\r\n");
    s.client("Subject: half\r\n\r\nbody");
    s.c->on_close(EndReason::Fin);
    REQUIRE(s.mail.size() == 2);
    CHECK(s.mail[1].truncated);
    CHECK(s.mail[1].reply_code == 0);
    CHECK(s.mail[1].subject == "half");
}

TEST_CASE("mail: SMTP BDAT chunks make one message, ended by LAST") {
    MailSession s(25);
    s.server("220 mx\r\n");
    const std::string msg = "Subject: chunked\r\nMessage-ID: <b@x>\r\n\r\nbody line\r\n";
    const std::string a = msg.substr(0, 20), b = msg.substr(20);
    s.client("MAIL FROM:<a@x>\r\n");
    s.server("250 ok\r\n");
    s.client("BDAT " + std::to_string(a.size()) + "\r\n" + a);
    s.server("250 2.0.0 chunk\r\n");
    CHECK(s.mail.empty());
    s.client("BDAT " + std::to_string(b.size()) + " LAST\r\n");
    s.client(b);
    s.server("250 2.0.0 queued\r\n");
    REQUIRE(s.mail.size() == 1);
    CHECK(std::string(s.mail[0].command) == "BDAT");
    CHECK(s.mail[0].size == msg.size());
    CHECK(s.mail[0].subject == "chunked");
    CHECK(s.mail[0].message_id == "<b@x>");
    CHECK(s.mail[0].reply_code == 250);
}

TEST_CASE("mail: POP3 RETR split at every byte; TOP is not a message") {
    // POP3 ends the multi-line answer as SMTP does, dot-stuffed the same way.
    const std::string answer = "+OK 300 octets\r\n" + kStuffed;
    for (std::size_t cut = 0; cut <= answer.size(); ++cut) {
        MailSession s(110);
        s.server("+OK ready\r\n");
        s.client("TOP 1 0\r\n");
        s.server("+OK\r\nSubject: top\r\n\r\n.\r\n");
        s.client("RETR 1\r\n");
        s.server(answer.substr(0, cut));
        s.server(answer.substr(cut));
        s.client("QUIT\r\n");
        s.server("+OK bye\r\n");
        REQUIRE(s.mail.size() == 1);
        check_small_message(s.mail[0]);
        CHECK(s.mail[0].protocol == MailProtocol::Pop3);
        CHECK(s.mail[0].reply_code == 0);
    }
}

TEST_CASE("mail: IMAP FETCH literals split at every byte; header fetches are headers only") {
    std::string body = kStuffed.substr(0, kStuffed.size() - 3);  // IMAP literals are not dot-stuffed
    // A header fetch of a multipart: its parts were not asked for, so no MIME problem.
    const std::string head = "Subject: second\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n";
    const std::string resp = "* 1 FETCH (UID 7 BODY[] {" + std::to_string(body.size()) + "}\r\n" + body +
                             ")\r\n* 2 FETCH (RFC822.SIZE 5000 BODY[HEADER] {" + std::to_string(head.size()) +
                             "}\r\n" + head + ")\r\n* 3 FETCH (BODY[TEXT] {4}\r\nabcd)\r\na2 OK done\r\n";
    for (std::size_t cut = 0; cut <= resp.size(); ++cut) {
        MailSession s(143);
        s.server("* OK ready\r\n");
        s.client("a2 FETCH 1:3 (BODY[])\r\n");
        s.server(resp.substr(0, cut));
        s.server(resp.substr(cut));
        REQUIRE(s.mail.size() == 2);
        CHECK(s.mail[0].protocol == MailProtocol::Imap);
        CHECK(std::string(s.mail[0].command) == "FETCH");
        CHECK(s.mail[0].size == body.size());
        CHECK(s.mail[0].subject == "Gr\u00fc\u00dfe and caf\u00e9");
        CHECK(s.mail[0].received == 2);
        CHECK_FALSE(s.mail[0].headers_only);
        CHECK(s.mail[1].headers_only);
        CHECK(s.mail[1].size == 5000);
        CHECK(s.mail[1].subject == "second");
        CHECK(s.mail[1].problems.empty());
    }
}

TEST_CASE("mail: IMAP APPEND uploads a message, split at every byte; a MULTIAPPEND's further literals are not read") {
    const std::string body = kStuffed.substr(0, kStuffed.size() - 3);
    const std::string cmd = "a3 APPEND INBOX (\\Seen) {" + std::to_string(body.size()) + "}\r\n";
    const std::string rest = body + " {5}\r\nhello\r\n";
    for (std::size_t cut = 0; cut <= rest.size(); ++cut) {
        MailSession s(143);
        s.server("* OK ready\r\n");
        s.client(cmd);
        s.server("+ Ready for literal data\r\n");
        s.client(rest.substr(0, cut));
        if (cut < rest.size()) s.client(rest.substr(cut));
        s.server("a3 OK [APPENDUID 1 9] APPEND completed\r\n");
        REQUIRE(s.mail.size() == 1);
        CHECK(std::string(s.mail[0].command) == "APPEND");
        CHECK(s.mail[0].size == body.size());
        CHECK(s.mail[0].message_id == "<m1@lab.test>");
        CHECK(s.mail[0].received == 2);
    }
    // A LOGIN literal is not a message.
    MailSession s(143);
    s.server("* OK ready\r\n");
    s.client("a1 LOGIN {5}\r\n");
    s.server("+ go\r\n");
    s.client("alice {6}\r\n");
    s.server("+ go\r\n");
    s.client("secret\r\n");
    s.server("a1 OK\r\n");
    CHECK(s.mail.empty());
}

TEST_CASE("mail: multipart with attachments: types, encodings, names, decoded sizes") {
    const std::string msg =
        "From: a@x\r\nTo: b@y\r\nSubject: files\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=\"BB\"\r\n\r\n"
        "preamble\r\n--BB\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        "caf=E9\r\n--BB\r\nContent-Type: application/octet-stream; name=\"tool.exe\"\r\n"
        "Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"tool.exe\"\r\n\r\n"
        "TVqQAAMAAAAEAAAA//8AALgAAAA=\r\n"  // 20 bytes decoded
        "--BB\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment;\r\n"
        " filename*=UTF-8''r%C3%A9sum%C3%A9.pdf\r\n\r\n%PDF-1.4\r\n--BB--\r\n";
    const MailMessage m = parse(msg);
    CHECK(m.problems.empty());
    REQUIRE(m.parts.size() == 4);
    CHECK(m.part_count == 4);
    CHECK(m.parts[0].content_type == "multipart/mixed");
    CHECK(m.parts[1].depth == 1);
    CHECK(m.parts[1].charset == "iso-8859-1");
    CHECK(m.parts[1].encoding == "quoted-printable");
    CHECK_FALSE(m.parts[1].attachment);
    CHECK(m.parts[2].attachment);
    CHECK(m.parts[2].filename == "tool.exe");
    CHECK(m.parts[2].encoding == "base64");
    CHECK(m.parts[2].size == 20);
    CHECK(m.parts[3].filename == "r\u00e9sum\u00e9.pdf");  // RFC 2231
    CHECK(m.parts[3].content_type == "application/pdf");
}

TEST_CASE("mail: malformed MIME is named; an ordinary message has no problem") {
    const std::string head = "From: a@x\r\nSubject: s\r\nMIME-Version: 1.0\r\n";
    SUBCASE("multipart without a boundary") {
        const MailMessage m = parse(head + "Content-Type: multipart/mixed\r\n\r\n--x\r\n\r\nhi\r\n--x--\r\n");
        CHECK(m.parsed);
        CHECK(std::count(m.problems.begin(), m.problems.end(), MimeProblem::MultipartWithoutBoundary) == 1);
    }
    SUBCASE("multipart never closed") {
        const MailMessage m = parse(head + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
                                           "Content-Type: text/plain\r\n\r\nhi\r\n");
        CHECK(std::count(m.problems.begin(), m.problems.end(), MimeProblem::UnterminatedMultipart) == 1);
        // The same bytes cut by our cap are not the sender's fault.
        CHECK(parse(head + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
                           "Content-Type: text/plain\r\n\r\nhi\r\n",
                    true)
                  .problems.empty());
    }
    SUBCASE("ordinary") {
        CHECK(parse(head + "Content-Type: multipart/alternative; boundary=q\r\n\r\n--q\r\n"
                           "Content-Type: text/plain\r\n\r\nhi\r\n--q\r\nContent-Type: text/html\r\n\r\n<p>hi</p>\r\n--q--\r\n")
                  .problems.empty());
        CHECK(parse("Subject: plain\r\n\r\nno MIME at all\r\n").problems.empty());
    }
}

TEST_CASE("mail: hostile input: caps hold, memory is given back") {
    SUBCASE("a huge header through the collector") {
        MessageCollector c;
        c.begin({0, 1}, 1);
        const std::string line = "X-Big: " + repeat("A", 1 << 20);
        for (int i = 0; i < 6; ++i) c.bytes(line, {0, 2});
        c.bytes("\r\n\r\nbody\r\n", {0, 3});
        CHECK(MessageCollector::kept_total() > 0);
        MailMessage m;
        c.finish(m);
        CHECK(m.truncated);
        CHECK(m.kept == MessageCollector::kMaxKeep);
        CHECK(m.size == 6 * line.size() + 10);
        CHECK(MessageCollector::kept_total() == 0);
        CHECK_FALSE(c.active());
    }
    SUBCASE("all messages at once keep at most the shared budget") {
        std::vector<std::unique_ptr<MessageCollector>> open;
        const std::string mib(1 << 20, 'x');
        for (int i = 0; i < 20; ++i) {  // 20 x 4 MiB under way at once: 80 MiB asked, 64 MiB allowed
            open.push_back(std::make_unique<MessageCollector>());
            open.back()->begin({0, 1}, 1);
            open.back()->bytes("Subject: s\r\n\r\n", {0, 1});
            for (int k = 0; k < 4; ++k) open.back()->bytes(mib, {0, 2});
        }
        CHECK(MessageCollector::kept_total() <= MessageCollector::kBudget);
        MailMessage first, last;
        open.front()->finish(first);
        CHECK(first.kept == MessageCollector::kMaxKeep);
        CHECK(first.subject == "s");
        open.back()->finish(last);  // the budget was spent before it began: counted only
        CHECK(last.truncated);
        CHECK(last.kept == 0);
        CHECK(last.size == 4 * mib.size() + 14);
        CHECK_FALSE(last.parsed);
        open.clear();  // destroyed collectors give their share back
        CHECK(MessageCollector::kept_total() == 0);
    }
    SUBCASE("a gap stops keeping, the size still counts it") {
        MessageCollector c;
        c.begin({0, 1}, 1);
        CHECK_FALSE(c.line("Subject: x", false, {0, 1}));
        c.gap(1000);
        CHECK_FALSE(c.line("more", false, {0, 2}));
        CHECK(c.line(".", false, {0, 3}));
        MailMessage m;
        c.finish(m);
        CHECK(m.truncated);
        CHECK(m.missing == 1000);
        CHECK(m.size == 12 + 1000 + 6);
        CHECK(m.subject == "x");
    }
    SUBCASE("deep nesting and many parts stay bounded") {
        std::string msg = "Subject: deep\r\n";
        for (int i = 0; i < 200; ++i)
            msg += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\r\n\r\n--b" + std::to_string(i) + "\r\n";
        msg += "\r\nleaf\r\n";
        const MailMessage m = parse(msg);
        CHECK(m.parts.size() <= MailMessage::kMaxParts);
        std::string many = "Subject: many\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n";
        for (int i = 0; i < 500; ++i) many += "--z\r\nContent-Type: text/plain\r\n\r\nx\r\n";
        many += "--z--\r\n";
        const MailMessage n = parse(many);
        CHECK(n.parts.size() == MailMessage::kMaxParts);
        CHECK(n.part_count == 501);
    }
    SUBCASE("not a message at all") {
        const MailMessage m = parse(repeat("\x01\xff\r\n", 1000));
        CHECK(m.subject.empty());
        CHECK(m.parts.size() <= 1);
    }
}

namespace {

MailMessage relay(const char* id, unsigned server, std::uint32_t received, std::uint64_t frame) {
    MailMessage m;
    m.protocol = MailProtocol::Smtp;
    m.client = rt::lan(2);
    m.server = rt::lan(server);
    m.server_port = 25;
    m.message_id = id;
    m.received = received;
    m.last_frame = m.where = {0, frame};
    m.ts = static_cast<double>(frame);
    m.parts.push_back(MailPart{});
    m.part_count = 1;
    return m;
}

SmtpTransaction smtp_reply(SmtpCommand cmd, const char* arg, int code, const char* status, std::uint64_t frame) {
    SmtpTransaction t;
    t.command = cmd;
    t.verb = cmd == SmtpCommand::MailFrom ? "MAIL" : "DATA";
    t.argument = arg;
    t.reply_code = code;
    t.enhanced_status = status;
    t.client = rt::lan(2);
    t.server = rt::lan(25);
    t.server_port = 25;
    t.command_frame = {0, frame};
    t.where = {0, frame + 1};
    t.ts = static_cast<double>(frame);
    return t;
}

}  // namespace

TEST_CASE("mail rules: size refusals, loops, executable attachments, malformed MIME; none on ordinary mail") {
    rt::Run run;
    // Ordinary traffic first: a message over a four-hop path (hub, filter
    // port, hub return port, next hop), a retry with the same headers, a
    // DATA refused for another reason, a RCPT 552, mail with a PDF.
    const unsigned path[] = {10, 11, 12, 13};
    for (unsigned i = 0; i < 4; ++i) {
        MailMessage m = relay("<ok@x>", path[i], i, 10 + i);
        if (i == 2) m.server_port = 10025;
        run->publish(m);
    }
    run->publish(relay("<retry@x>", 10, 1, 20));
    run->publish(relay("<retry@x>", 10, 1, 21));
    run->publish(relay("<retry@x>", 10, 1, 22));
    run->publish(smtp_reply(SmtpCommand::Data, "", 554, "5.7.1", 30));
    run->publish(smtp_reply(SmtpCommand::MailFrom, "FROM:<a@x>", 552, "5.2.2", 32));  // no SIZE=: mailbox full
    MailMessage pdf = relay("<pdf@x>", 10, 0, 40);
    pdf.parts.push_back(MailPart{1, "application/pdf", "base64", "", "report.pdf", true, 1000, false});
    run->publish(pdf);
    CHECK(run.finish().empty());

    rt::Run bad;
    bad->publish(smtp_reply(SmtpCommand::Data, "", 552, "5.3.4", 50));
    bad->publish(smtp_reply(SmtpCommand::MailFrom, "FROM:<a@x> SIZE=90000000", 552, "5.3.4", 52));
    bad->publish(smtp_reply(SmtpCommand::MailFrom, "FROM:<a@x>", 452, "", 54));  // not a size refusal
    for (std::uint32_t hop = 0; hop < 4; ++hop) bad->publish(relay("<loop@x>", hop % 2 ? 11 : 10, hop + 1, 60 + hop));
    bad->publish(relay("<many@x>", 10, 30, 70));
    MailMessage exe = relay("<exe@x>", 10, 0, 80);
    exe.parts.push_back(MailPart{1, "application/octet-stream", "base64", "", "invoice.pdf.EXE.", true, 20, false});
    exe.parts.push_back(MailPart{1, "text/javascript", "", "", "a.js", true, 5, false});
    bad->publish(exe);
    MailMessage broken = relay("<broken@x>", 10, 0, 90);
    broken.problems = {MimeProblem::MultipartWithoutBoundary};
    bad->publish(broken);
    const auto fs = bad.finish();
    CHECK(rt::count(fs, "mail.size_rejected") == 1);
    CHECK(rt::count(fs, "mail.loop") == 2);
    CHECK(rt::count(fs, "mail.executable_attachment") == 1);
    CHECK(rt::count(fs, "mail.malformed_mime") == 1);
    const Finding* size = rt::get(fs, "mail.size_rejected");
    REQUIRE(size);
    CHECK(size->title.find("refused 2") != std::string::npos);
    CHECK(size->detail.find("SIZE=90000000") != std::string::npos);
    CHECK(size->evidence.total == 4);
    const Finding* exec = rt::get(fs, "mail.executable_attachment");
    REQUIRE(exec);
    CHECK(exec->severity == Severity::Notice);
    CHECK(exec->title.rfind("2 executable", 0) == 0);
    const Finding* mime = rt::get(fs, "mail.malformed_mime");
    REQUIRE(mime);
    CHECK(mime->detail.find("multipart without boundary") != std::string::npos);
}
