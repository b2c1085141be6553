// POP3 (RFC 1939, AUTH RFC 5034, STLS RFC 2595) over reassembled TCP: pairs
// each command with its +OK / -ERR status line, skips the multi-line bodies
// that follow +OK to RETR, TOP, CAPA and argument-less LIST/UIDL/AUTH (up to
// the lone "."), so no line of a message is taken for a reply, and reports the
// passwords sent in clear (USER/PASS, AUTH PLAIN/LOGIN) as PlaintextLogin.
// Reading stops after +OK to STLS (TLS follows) and after a successful AUTH
// whose mechanism it cannot follow (it may install a security layer).
// The message a RETR returns goes to the mail collector and is published as
// a MailMessage.
#include <deque>

#include "app/app_stream.hpp"
#include "dissectors/imf/message_collector.hpp"
#include "dissectors/lines/line_reader.hpp"
#include "app/line_text.hpp"
#include "app/sasl_credentials.hpp"
#include "events/login_events.hpp"
#include "events/mail_events.hpp"
#include "events/mail_message_events.hpp"

namespace netdx {

namespace {

constexpr std::size_t kMaxLine = 4096;
constexpr std::size_t kMaxPending = 32;
constexpr int kGiveUpMalformed = 8;

struct Pending {
    std::string verb;
    bool multi_line_on_ok = false;
    // PASS only: what the login event needs.
    std::string user, password_masked;
    std::size_t password_len = 0;
    FrameRef frame;
    double ts = 0;
};

class Pop3Consumer final : public StreamConsumer {
public:
    Pop3Consumer(const AppEndpoints& ep, AppContext ctx) : ep_(ep), ctx_(ctx) {}

    void on_data(int dir, Bytes data) override {
        if (done_) return;
        if (dir == ep_.client_dir)
            client_.feed(data, [this](std::string_view l, bool over) { client_line(l, over); });
        else
            server_.feed(data, [this](std::string_view l, bool over) { server_line(l, over); });
    }

    void on_gap(int dir, std::uint64_t n) override {
        if (done_) return;
        if (dir == ep_.client_dir) client_.gap();
        else server_.gap();
        if (mail_.active() && dir != ep_.client_dir) {
            // Where the message ends is no longer known: what came is reported, cut.
            mail_.gap(n);
            end_message();
        }
        // Which reply answers which command, and where a body ends, is lost.
        in_body_ = false;
        flush_pending();
    }

    void on_close(EndReason) override {
        if (done_) return;
        if (mail_.active()) {
            mail_.gap(0);
            end_message();
        }
        flush_pending();
        done_ = true;
    }

private:
    void client_line(std::string_view line, bool overlong) {
        if (overlong) return;  // no POP3 command is that long; the next line is read normally
        if (auth_open_) {
            sasl_.response(line, ctx_.clock.where, ctx_.clock.ts);
            return;
        }
        const CommandLine c = parse_command(line);
        const std::string_view rest = c.argument;
        Pending p;
        p.verb = upper_verb(c);
        p.multi_line_on_ok = pop_multiline_on_ok(c.verb, rest);
        p.frame = ctx_.clock.where;
        p.ts = ctx_.clock.ts;
        if (p.verb == "USER") {
            user_ = capped_text(rest, 64);
        } else if (p.verb == "PASS") {
            p.user = user_;
            p.password_masked = mask_password(rest);
            p.password_len = rest.size();
        } else if (p.verb == "APOP") {
            // A digest, not the password: no credential in clear.
            user_ = capped_text(rest.substr(0, rest.find(' ')), 64);
        } else if (p.verb == "AUTH") {
            if (!p.multi_line_on_ok) {  // with a mechanism (without one, some servers list theirs)
                const std::size_t sp = rest.find(' ');
                const std::string_view mech = rest.substr(0, sp);
                sasl_.start(mech, sp == std::string_view::npos ? std::string_view{} : rest.substr(sp + 1),
                            ctx_.clock.where, ctx_.clock.ts);
                auth_open_ = true;
            }
        }
        if (pending_.size() >= kMaxPending) {  // a server that never answers
            transaction(&pending_.front(), {});
            pending_.pop_front();
        }
        pending_.push_back(std::move(p));
    }

    void server_line(std::string_view line, bool overlong) {
        if (in_body_) {
            if (mail_.active() && mail_.line(line, overlong, ctx_.clock.where)) end_message();
            if (!overlong && line == ".") in_body_ = false;  // ".." is a stuffed body line
            return;
        }
        if (overlong) {
            malformed();
            return;
        }
        const PopStatusLine status = parse_pop_status(line);
        const PopStatus s = status.status;
        if (auth_open_ && !line.empty() && line[0] == '+' && s != PopStatus::Ok)
            return;  // "+ challenge": the client answers on its next line
        if (s == PopStatus::None) {
            malformed();
            return;
        }
        ++valid_replies_;
        if (!greeted_) {
            greeted_ = true;
            if (pending_.empty()) return transaction(nullptr, status.indicator);  // the greeting
        }
        if (pending_.empty()) return;  // unsolicited
        Pending p = std::move(pending_.front());
        pending_.pop_front();
        transaction(&p, status.indicator);
        if (s == PopStatus::Ok && p.multi_line_on_ok) {
            in_body_ = true;
            // RETR returns a whole message (TOP only its start).
            if (p.verb == "RETR" && ctx_.bus.wanted<MailMessage>()) mail_.begin(ctx_.clock.where, ctx_.clock.ts);
        }
        const LoginOutcome outcome = s == PopStatus::Ok ? LoginOutcome::Accepted : LoginOutcome::Rejected;
        if (p.verb == "PASS") {
            login(p, outcome);
        } else if (p.verb == "AUTH" && auth_open_) {
            auth_open_ = false;
            if (sasl_.have_password()) sasl_login(outcome);
            if (s == PopStatus::Ok && sasl_.mechanism() == SaslCredentials::Mechanism::Other) stop();
        } else if (p.verb == "STLS" && s == PopStatus::Ok) {
            stop();  // TLS from here on
        }
    }

    // A command and its status (none: the greeting; empty indicator: never answered).
    void transaction(const Pending* p, std::string_view indicator) {
        if (!ctx_.bus.wanted<Pop3Transaction>()) return;
        Pop3Transaction t;
        set_endpoints(t, ep_);
        t.where = ctx_.clock.where;
        t.ts = ctx_.clock.ts;
        if (p) {
            t.command = p->verb;
            t.command_frame = p->frame;
            t.command_ts = p->ts;
            if (indicator.empty()) {
                t.where = p->frame;
                t.ts = p->ts;
            }
        }
        t.indicator = capped_text(indicator, 4);
        ctx_.bus.publish(t);
    }

    void end_message() {
        MailMessage m;
        m.protocol = MailProtocol::Pop3;
        m.command = "RETR";
        set_endpoints(m, ep_);
        mail_.finish(m);
        m.where = m.last_frame;
        m.ts = ctx_.clock.ts;
        ctx_.bus.publish(m);
    }

    void malformed() {
        ++malformed_lines_;
        if (!valid_replies_ && malformed_lines_ >= kGiveUpMalformed) stop();  // not POP3
    }

    void stop() {
        pending_.clear();
        done_ = true;
        client_.stop();
        server_.stop();
    }

    PlaintextLogin base_login() const {
        PlaintextLogin l;
        l.protocol = LoginProtocol::Pop3;
        set_endpoints(l, ep_);
        return l;
    }

    void login(const Pending& p, LoginOutcome outcome) {
        PlaintextLogin l = base_login();
        l.where = p.frame;
        l.ts = p.ts;
        l.user = p.user;
        l.password_masked = p.password_masked;
        l.password_length = p.password_len;
        l.outcome = outcome;
        if (outcome != LoginOutcome::Unknown) l.outcome_frame = ctx_.clock.where;
        ctx_.bus.publish(l);
    }

    void sasl_login(LoginOutcome outcome) {
        PlaintextLogin l = base_login();
        l.where = sasl_.password_frame();
        l.ts = sasl_.password_ts();
        l.user = sasl_.user();
        l.password_masked = sasl_.password_masked();
        l.password_length = sasl_.password_length();
        l.mechanism = sasl_.mechanism_name();
        l.outcome = outcome;
        if (outcome != LoginOutcome::Unknown) l.outcome_frame = ctx_.clock.where;
        ctx_.bus.publish(l);
    }

    // Commands that will get no reply we can pair: their logins have no outcome.
    void flush_pending() {
        for (const Pending& p : pending_) {
            transaction(&p, {});
            if (p.verb == "PASS") login(p, LoginOutcome::Unknown);
            else if (p.verb == "AUTH" && auth_open_ && sasl_.have_password()) sasl_login(LoginOutcome::Unknown);
        }
        pending_.clear();
        auth_open_ = false;
    }

    AppEndpoints ep_;
    AppContext ctx_;
    LineReader client_{kMaxLine}, server_{kMaxLine};
    std::deque<Pending> pending_;
    SaslCredentials sasl_;
    MessageCollector mail_;
    std::string user_;
    bool greeted_ = false, in_body_ = false, auth_open_ = false, done_ = false;
    int malformed_lines_ = 0, valid_replies_ = 0;
};

std::unique_ptr<StreamConsumer> make_pop3(const AppEndpoints& ep, AppContext ctx) {
    return std::make_unique<Pop3Consumer>(ep, ctx);
}

}  // namespace

extern const AppProtocol kPop3Protocol;
const AppProtocol kPop3Protocol{"pop3", &make_pop3};

}  // namespace netdx
