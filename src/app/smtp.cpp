// SMTP (RFC 5321) over reassembled TCP: pairs each client command with its
// final reply (replies arrive in command order, also when pipelined, RFC
// 2920), skips DATA bodies up to the lone "." and BDAT chunks by their size,
// stops reading after a 220 to STARTTLS (the rest is TLS), and reports AUTH
// PLAIN/LOGIN credentials sent in clear as a PlaintextLogin. Lines are cut by
// the shared LineReader and read by the line protocols' one parser
// (dissectors/lines/line_protocol.hpp), as the packet view reads them. The
// message itself (DATA up to the ".", the BDAT chunks up to LAST) goes to the
// mail collector and is published as a MailMessage with the reply to its end.
#include <fmt/format.h>

#include <deque>
#include <optional>

#include "app/app_stream.hpp"
#include "app/line_text.hpp"
#include "app/sasl_credentials.hpp"
#include "dissectors/imf/message_collector.hpp"
#include "dissectors/lines/line_reader.hpp"
#include "events/mail_message_events.hpp"
#include "events/login_events.hpp"
#include "events/smtp_events.hpp"

namespace netdx {

namespace {

// RFC 5321 allows 512-byte commands and 1000-byte text lines; some room more.
constexpr std::size_t kMaxLine = 4096;
// Pipelined commands waiting for their reply; beyond this the oldest is
// reported unanswered (pairing is lost anyway).
constexpr std::size_t kMaxPending = 32;
// Reply lines that are not "ddd text" before any valid one: not SMTP, stop.
constexpr int kGiveUpMalformed = 8;
constexpr std::size_t kMaxHeader = 128;

// What is inside <...> of "FROM:<a@b> SIZE=1" (the whole argument without one).
std::string_view angle_address(std::string_view arg) {
    const std::size_t open = arg.find('<');
    if (open == std::string_view::npos) {
        const std::size_t colon = arg.find(':');
        std::string_view v = colon == std::string_view::npos ? arg : arg.substr(colon + 1);
        return v.substr(0, v.find(' '));
    }
    const std::size_t close = arg.find('>', open);
    return arg.substr(open + 1, close == std::string_view::npos ? std::string_view::npos : close - open - 1);
}

// RFC 3463 "class.subject.detail" at the start of the reply text.
std::string_view enhanced_status(std::string_view text) {
    const std::size_t sp = text.find(' ');
    std::string_view w = text.substr(0, sp);
    if (w.size() < 5 || w.size() > 11 || (w[0] != '2' && w[0] != '4' && w[0] != '5') || w[1] != '.') return {};
    int dots = 0;
    for (char c : w) {
        if (c == '.') ++dots;
        else if (c < '0' || c > '9') return {};
    }
    return dots == 2 && w.back() != '.' ? w : std::string_view{};
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

class SmtpConsumer final : public StreamConsumer {
public:
    SmtpConsumer(const AppEndpoints& ep, AppContext ctx) : ep_(ep), ctx_(ctx) {}

    void on_data(int dir, Bytes data) override {
        if (done_) return;
        if (dir == ep_.client_dir)
            client_.feed(
                data, [this](std::string_view l, bool over) { client_line(l, over); },
                [this](std::string_view chunk) {
                    if (mail_.active()) mail_.bytes(chunk, ctx_.clock.where);
                });
        else
            server_.feed(data, [this](std::string_view l, bool over) { server_line(l, over); });
    }

    void on_gap(int dir, std::uint64_t len) override {
        if (done_) return;
        if (dir == ep_.client_dir) {
            client_.gap();
            // Inside a message body only its size is affected; the "." line
            // or the server's reply still ends it.
            if (in_body_) {
                body_bytes_ += len;
                if (mail_.active()) mail_.gap(len);
                return;
            }
            // A BDAT chunk is lost with the pairing: the message is given up.
            mail_.abandon();
        } else {
            server_.gap();
            reply_.reset();
        }
        // Which reply answers which command is no longer known.
        flush_pending();
        sasl_ = {};
        auth_awaiting_ = false;
    }

    void on_close(EndReason) override {
        if (done_) return;
        if (mail_.active()) {
            // The stream ended inside the message: what came is reported, cut.
            mail_.gap(0);
            end_message();
        }
        flush_pending();
        done_ = true;
    }

private:
    SmtpTransaction base() const {
        SmtpTransaction t;
        t.where = ctx_.clock.where;
        t.ts = ctx_.clock.ts;
        set_endpoints(t, ep_);
        t.helo = helo_;
        return t;
    }

    void client_line(std::string_view line, bool overlong) {
        if (in_body_) {
            body_line(line, overlong);
            return;
        }
        if (auth_awaiting_) {
            // The answer to the server's 334 (base64, or "*" to cancel).
            auth_awaiting_ = false;
            sasl_.response(line, ctx_.clock.where, ctx_.clock.ts);
            return;
        }
        SmtpTransaction t = base();
        t.command_frame = ctx_.clock.where;
        t.command_ts = ctx_.clock.ts;
        if (overlong) {
            t.command = SmtpCommand::Other;
            t.malformed = true;
            t.problem = fmt::format("command line longer than {} bytes", kMaxLine);
            ctx_.bus.publish(t);
            return;
        }
        const CommandLine c = parse_command(line);
        const std::string_view rest = c.argument;
        t.verb = upper_verb(c);
        if (!smtp_command(c, t.command)) t.command = SmtpCommand::Other;
        switch (t.command) {
            case SmtpCommand::Helo:
            case SmtpCommand::Ehlo:
                helo_ = capped_text(trim(rest), kMaxHeader);
                t.helo = helo_;
                t.argument = helo_;
                break;
            case SmtpCommand::MailFrom:
            case SmtpCommand::RcptTo:
                t.argument = capped_text(rest);
                t.address = capped_text(angle_address(rest));
                if (t.command == SmtpCommand::MailFrom) {
                    mail_from_ = t.address;
                    rcpt_to_.clear();
                }
                break;
            case SmtpCommand::Auth: start_auth(rest, t); break;
            case SmtpCommand::Bdat: {
                std::uint64_t n = 0;
                std::size_t i = 0;
                for (; i < rest.size() && i < 19 && rest[i] >= '0' && rest[i] <= '9'; ++i)
                    n = n * 10 + static_cast<std::uint64_t>(rest[i] - '0');
                if (i == 0) {
                    t.malformed = true;
                    t.problem = "BDAT without a chunk size";
                }
                client_.skip(n);
                t.message_bytes = n;
                // A BDAT without a count sends no message.
                if (i && !mail_.active() && ctx_.bus.wanted<MailMessage>()) {
                    mail_.begin(ctx_.clock.where, ctx_.clock.ts);
                    bdat_ = true;
                }
                t.argument = capped_text(rest);
                break;
            }
            default: t.argument = capped_text(rest); break;
        }
        if (pending_.size() >= kMaxPending) {
            ctx_.bus.publish(pending_.front());
            pending_.pop_front();
        }
        pending_.push_back(std::move(t));
    }

    // AUTH PLAIN / LOGIN (RFC 4954) carry the password in base64: the SASL
    // reader POP3 and IMAP use keeps the user and the masked password.
    void start_auth(std::string_view rest, SmtpTransaction& t) {
        const CommandLine m = parse_command(rest);
        t.argument = upper_verb(m);  // never the credentials
        auth_awaiting_ = false;
        sasl_.start(m.verb, m.argument, ctx_.clock.where, ctx_.clock.ts);
    }

    void body_line(std::string_view line, bool overlong) {
        if (collect_) {
            if (!mail_.active()) mail_.begin(ctx_.clock.where, ctx_.clock.ts);
            if (mail_.line(line, overlong, ctx_.clock.where)) end_message();
        }
        if (!overlong && line == ".") {
            in_body_ = false;
            if (!pending_.empty() && pending_.front().command == SmtpCommand::Data) {
                pending_.front().message_bytes = body_bytes_;
            }
            return;
        }
        body_bytes_ += line.size() + 2;
        if (!in_headers_) return;
        if (line.empty()) {
            in_headers_ = false;
            return;
        }
        if (pending_.empty() || pending_.front().command != SmtpCommand::Data) return;
        SmtpTransaction& d = pending_.front();
        auto header = [&](std::string_view name, std::string& into) {
            if (into.empty() && line.size() > name.size() && iequals(line.substr(0, name.size()), name))
                into = capped_text(trim(line.substr(name.size())), kMaxHeader);
        };
        header("Subject:", d.subject);
        header("From:", d.header_from);
        header("To:", d.header_to);
    }

    void server_line(std::string_view line, bool overlong) {
        ReplyLine r;
        const auto step = overlong ? MultiLineReply::Step::Malformed : reply_.line(line, &r);
        if (step == MultiLineReply::Step::Malformed) {
            ++malformed_replies_;
            if (!valid_replies_ && malformed_replies_ >= kGiveUpMalformed) {
                // Not SMTP (or picked up inside a TLS stream): stop quietly.
                pending_.clear();
                done_ = true;
                client_.stop();
                server_.stop();
            }
            return;
        }
        ++valid_replies_;
        if (reply_.first_line()) {
            reply_text_ = capped_text(r.text);
            reply_status_ = std::string(enhanced_status(r.text));
        }
        if (step == MultiLineReply::Step::Complete) complete_reply();
    }

    void complete_reply() {
        if (pending_.empty()) {
            SmtpTransaction t = base();
            fill_reply(t);
            ctx_.bus.publish(t);
            return;
        }
        SmtpTransaction& front = pending_.front();
        if (reply_.code() == 334 && front.command == SmtpCommand::Auth) {
            auth_awaiting_ = true;
            return;
        }
        if (reply_.code() == 354 && front.command == SmtpCommand::Data) {
            in_body_ = true;
            in_headers_ = true;
            body_bytes_ = 0;
            collect_ = ctx_.bus.wanted<MailMessage>();
            bdat_ = false;
            return;
        }
        if (front.command == SmtpCommand::Data && in_body_) {
            // The "." was lost in a gap: the reply says the message ended.
            in_body_ = false;
            front.message_bytes = body_bytes_;
            if (mail_.active()) end_message();
        }
        SmtpTransaction t = std::move(front);
        pending_.pop_front();
        t.where = ctx_.clock.where;
        t.ts = ctx_.clock.ts;
        fill_reply(t);
        if (t.command == SmtpCommand::Auth) finish_auth(t);
        if (t.command == SmtpCommand::RcptTo && t.reply_code / 100 == 2 && rcpt_to_.size() < MailMessage::kMaxAddresses)
            rcpt_to_.push_back(t.address);
        if (t.command == SmtpCommand::Bdat && mail_.active()) {
            // A refused first chunk carried nothing: no message was sent.
            if (t.reply_code >= 400 && mail_.size() == 0) mail_.abandon();
            else if (t.reply_code >= 400 || icontains(t.argument, "LAST")) end_message();
        }
        if (t.command == SmtpCommand::Rset) mail_.abandon();
        if (t.command == SmtpCommand::Data || t.command == SmtpCommand::Bdat) publish_message(&t);
        ctx_.bus.publish(t);
        if (t.command == SmtpCommand::StartTls && reply_.code() == 220) {
            // Everything after this is TLS.
            pending_.clear();
            done_ = true;
            client_.stop();
            server_.stop();
        }
    }

    void fill_reply(SmtpTransaction& t) const {
        t.reply_code = reply_.code();
        t.reply_text = reply_text_;
        t.enhanced_status = reply_status_;
        t.reply_lines = reply_.lines();
    }

    void finish_auth(const SmtpTransaction& t) {
        if (sasl_.have_password()) {
            PlaintextLogin l;
            l.where = sasl_.password_frame();
            l.ts = sasl_.password_ts();
            l.protocol = LoginProtocol::Smtp;
            set_endpoints(l, ep_);
            l.user = sasl_.user();
            l.password_masked = sasl_.password_masked();
            l.password_length = sasl_.password_length();
            l.mechanism = t.argument;
            l.outcome = t.reply_code / 100 == 2   ? LoginOutcome::Accepted
                        : t.reply_code / 100 >= 4 ? LoginOutcome::Rejected
                                                  : LoginOutcome::Unknown;
            l.outcome_frame = t.where;
            ctx_.bus.publish(l);
        }
        sasl_ = {};
        auth_awaiting_ = false;
    }

    // The message is complete (or will get no more bytes): parsed now, its
    // bytes freed; published with the reply to its end.
    void end_message() {
        collect_ = false;
        MailMessage m;
        m.protocol = MailProtocol::Smtp;
        m.command = bdat_ ? "BDAT" : "DATA";
        set_endpoints(m, ep_);
        mail_.finish(m);
        m.where = m.last_frame;
        m.ts = ctx_.clock.ts;
        m.mail_from = mail_from_;
        m.rcpt_to = rcpt_to_;
        held_ = std::move(m);
    }

    // t: the DATA or BDAT transaction whose reply ends the message (null: none came).
    void publish_message(const SmtpTransaction* t) {
        if (!held_) return;
        MailMessage m = std::move(*held_);
        held_.reset();
        if (t && t->reply_code) {
            m.reply_code = t->reply_code;
            m.enhanced_status = t->enhanced_status;
            m.reply_text = t->reply_text;
            m.reply_frame = t->where;
            m.where = t->where;
            m.ts = t->ts;
        }
        ctx_.bus.publish(m);
    }

    // Commands that will get no reply (end of stream, or pairing lost).
    void flush_pending() {
        publish_message(nullptr);
        while (!pending_.empty()) {
            if (pending_.front().command == SmtpCommand::Auth) finish_auth(pending_.front());
            ctx_.bus.publish(pending_.front());
            pending_.pop_front();
        }
    }

    AppEndpoints ep_;
    AppContext ctx_;
    LineReader client_{kMaxLine}, server_{kMaxLine};
    std::deque<SmtpTransaction> pending_;
    std::string helo_;
    SaslCredentials sasl_;
    bool auth_awaiting_ = false;  // the server sent 334: the next client line answers it
    bool in_body_ = false, in_headers_ = false;
    // The message being sent, and the one waiting for the reply to its end.
    MessageCollector mail_;
    bool collect_ = false, bdat_ = false;
    std::optional<MailMessage> held_;
    std::string mail_from_;
    std::vector<std::string> rcpt_to_;
    std::uint64_t body_bytes_ = 0;
    MultiLineReply reply_{MultiLineReply::Style::Smtp};
    std::string reply_text_, reply_status_;
    int malformed_replies_ = 0, valid_replies_ = 0;
    bool done_ = false;
};

std::unique_ptr<StreamConsumer> make_smtp(const AppEndpoints& ep, AppContext ctx) {
    return std::make_unique<SmtpConsumer>(ep, ctx);
}

}  // namespace

extern const AppProtocol kSmtpProtocol;
const AppProtocol kSmtpProtocol{"smtp", &make_smtp};

}  // namespace netdx
