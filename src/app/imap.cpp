// IMAP (RFC 9051 / 3501) over reassembled TCP: pairs each tagged command with
// its tagged OK / NO / BAD (commands may complete out of order), passes over
// untagged "*" data and "+" continuations, skips literals by byte count
// (dissectors/lines/imap_reader.hpp, words read by the line protocols' one
// parser, dissectors/lines/line_protocol.hpp, as the packet view reads them), and reports the passwords sent in clear (LOGIN
// with atoms, quoted strings or literals; AUTHENTICATE PLAIN / LOGIN) as
// PlaintextLogin. Reading stops after OK to STARTTLS and after a successful
// AUTHENTICATE whose mechanism it cannot follow (it may install a security
// layer). The messages a FETCH returns (BODY[], RFC822, and the header
// fetches mail clients list a mailbox with) and the one an APPEND uploads go
// to the mail collector and are published as MailMessage.
#include <deque>

#include "app/app_stream.hpp"
#include "dissectors/imf/message_collector.hpp"
#include "dissectors/lines/imap_reader.hpp"
#include "app/line_text.hpp"
#include "app/sasl_credentials.hpp"
#include "events/login_events.hpp"
#include "events/mail_events.hpp"
#include "events/mail_message_events.hpp"

namespace netdx {

namespace {

constexpr std::size_t kMaxLine = 8192;
constexpr std::size_t kLiteralCap = 256;  // enough for a user name or password
constexpr std::size_t kMaxPending = 64;
constexpr int kGiveUpMalformed = 8;

std::string upper(std::string_view s) {
    std::string out(s.substr(0, 32));
    for (char& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return out;
}

enum class FetchItem : std::uint8_t { None, Message, Headers };

// What the FETCH data item announcing a literal holds: the last item name
// on the line ("* 1 FETCH (UID 7 BODY[] {123}").
FetchItem fetch_item(std::string_view line) {
    while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
    std::size_t at = std::string_view::npos;
    for (std::string_view name : {"BODY[", "BINARY[", "RFC822"}) {
        for (std::size_t i = line.size() >= name.size() ? line.size() - name.size() + 1 : 0; i-- > 0;) {
            if (iequals(line.substr(i, name.size()), name)) {
                if (at == std::string_view::npos || i > at) at = i;
                break;
            }
        }
    }
    if (at == std::string_view::npos) return FetchItem::None;
    const std::string_view item = line.substr(at);
    auto is = [&](std::string_view v) { return iequals(item.substr(0, v.size()), v); };
    if (iequals(item, "RFC822") || iequals(item, "BODY[]") || iequals(item, "BINARY[]") || is("BODY[]<"))
        return FetchItem::Message;
    if (is("RFC822.HEADER") || is("BODY[HEADER")) return FetchItem::Headers;
    return FetchItem::None;
}

// "a3 APPEND INBOX (\Seen) {310}": the command's first literal is the
// message (MULTIAPPEND's further ones are not read).
bool append_command(std::string_view line) {
    const std::size_t sp = line.find(' ');
    if (sp == std::string_view::npos || sp == 0) return false;
    const std::string_view rest = line.substr(sp + 1);
    return rest.size() > 7 && iequals(rest.substr(0, 7), "APPEND ");
}

// "RFC822.SIZE 2059" on the same response line, 0 when absent.
std::uint64_t rfc822_size(std::string_view line) {
    constexpr std::string_view kName = "RFC822.SIZE ";
    for (std::size_t i = 0; i + kName.size() <= line.size(); ++i) {
        if (!iequals(line.substr(i, kName.size()), kName)) continue;
        std::uint64_t n = 0;
        for (std::size_t j = i + kName.size(); j < line.size() && j < i + kName.size() + 15 && line[j] >= '0' && line[j] <= '9'; ++j)
            n = n * 10 + static_cast<std::uint64_t>(line[j] - '0');
        return n;
    }
    return 0;
}

struct Pending {
    std::string tag, command;
    // LOGIN only.
    std::string user, password_masked;
    std::size_t password_len = 0;
    FrameRef frame;
    double ts = 0;
};

class ImapConsumer final : public StreamConsumer {
public:
    ImapConsumer(const AppEndpoints& ep, AppContext ctx) : ep_(ep), ctx_(ctx) {
        if (ctx_.bus.wanted<MailMessage>()) {
            server_.set_literal_sink(&fetched_);
            client_.set_literal_sink(&appended_);
        }
    }

    void on_data(int dir, Bytes data) override {
        if (done_) return;
        if (dir == ep_.client_dir) client_.feed(data, [this](const ImapMessage& m) { client_message(m); });
        else server_.feed(data, [this](const ImapMessage& m) { server_message(m); });
    }

    void on_gap(int dir, std::uint64_t n) override {
        if (done_) return;
        if (dir == ep_.client_dir) client_.gap(n);
        else server_.gap(n);
        // Tags still pair commands with replies after a gap; only an
        // AUTHENTICATE exchange in progress is lost.
        if (auth_tag_.size()) {
            flush_auth();
            auth_tag_.clear();
        }
    }

    void on_close(EndReason) override {
        // The stream ended inside a message.
        fetched_.close();
        appended_.close();
        if (done_) return;
        for (const Pending& p : pending_)
            if (p.command == "LOGIN") login(p, LoginOutcome::Unknown);
        flush_auth();
        for (const Pending& p : pending_) transaction(p, ImapStatus::None);
        pending_.clear();
        done_ = true;
    }

private:
    // The literals of one direction that hold a message: FETCH responses
    // from the server, an APPEND from the client.
    class MessageLiterals final : public ImapLiteralSink {
    public:
        MessageLiterals(ImapConsumer& owner, bool from_client) : owner_(owner), from_client_(from_client) {}
        bool begin(std::string_view line, std::uint64_t) override {
            item_ = from_client_ ? (append_command(line) ? FetchItem::Message : FetchItem::None) : fetch_item(line);
            if (item_ == FetchItem::None) return false;
            declared_ = item_ == FetchItem::Headers ? rfc822_size(line) : 0;
            mail_.begin(owner_.ctx_.clock.where, owner_.ctx_.clock.ts);
            return true;
        }
        void bytes(std::string_view b) override { mail_.bytes(b, owner_.ctx_.clock.where); }
        void gap(std::uint64_t n) override { mail_.gap(n); }
        void end(bool complete) override {
            if (!complete) mail_.gap(0);
            MailMessage m;
            m.protocol = MailProtocol::Imap;
            m.command = from_client_ ? "APPEND" : "FETCH";
            set_endpoints(m, owner_.ep_);
            mail_.finish(m, item_ == FetchItem::Headers);
            m.where = m.last_frame;
            m.ts = owner_.ctx_.clock.ts;
            if (m.headers_only && declared_) m.size = declared_;
            owner_.ctx_.bus.publish(m);
        }
        void close() {
            if (mail_.active()) end(false);
        }

    private:
        ImapConsumer& owner_;
        bool from_client_;
        MessageCollector mail_;
        FetchItem item_ = FetchItem::None;
        std::uint64_t declared_ = 0;
    };

    void client_message(const ImapMessage& m) {
        if (!auth_tag_.empty()) {
            // A response to the server's "+" challenge (base64, or "*" to cancel).
            sasl_.response(m.first_line, ctx_.clock.where, ctx_.clock.ts);
            return;
        }
        if (m.overlong || m.tokens.size() < 2) return;  // e.g. DONE ending IDLE
        Pending p;
        p.tag = capped_text(m.tokens[0], 64);
        p.command = upper(m.tokens[1]);
        p.frame = ctx_.clock.where;
        p.ts = ctx_.clock.ts;
        if (p.command == "LOGIN" && m.tokens.size() >= 4) {
            p.user = capped_text(m.tokens[2], 64);
            p.password_masked = mask_password(m.tokens[3]);
            p.password_len = m.tokens[3].size();
        } else if (p.command == "LOGIN") {
            p.command = "LOGIN?";  // arguments missing: a BAD will follow, nothing was exposed
        } else if (p.command == "AUTHENTICATE" && m.tokens.size() >= 3) {
            // SASL-IR (RFC 4959): the initial response may follow the mechanism.
            sasl_.start(m.tokens[2], m.tokens.size() >= 4 ? std::string_view(m.tokens[3]) : std::string_view{},
                        ctx_.clock.where, ctx_.clock.ts);
            auth_tag_ = p.tag;
        }
        if (pending_.size() >= kMaxPending) {  // a server that never answers
            transaction(pending_.front(), ImapStatus::None);
            pending_.pop_front();
        }
        pending_.push_back(std::move(p));
    }

    void server_message(const ImapMessage& m) {
        if (m.overlong) return;  // long untagged data (FETCH, LIST) is not a reply we pair
        if (m.tokens.empty()) {
            malformed();
            return;
        }
        const std::string_view tag = m.tokens[0];
        if (!imap_is_tag(tag)) {
            ++valid_replies_;
            return;
        }
        const ImapStatus status = m.tokens.size() >= 2 ? imap_status(m.tokens[1]) : ImapStatus::None;
        if (status == ImapStatus::None) {
            malformed();
            return;
        }
        ++valid_replies_;
        const std::string escaped_tag = capped_text(tag, 64);
        for (auto it = pending_.begin(); it != pending_.end(); ++it) {
            if (it->tag != escaped_tag) continue;
            Pending p = std::move(*it);
            pending_.erase(it);
            transaction(p, status);
            complete(p, status == ImapStatus::Ok);
            return;
        }
    }

    void complete(const Pending& p, bool ok) {
        const LoginOutcome outcome = ok ? LoginOutcome::Accepted : LoginOutcome::Rejected;
        if (p.command == "LOGIN") {
            login(p, outcome);
        } else if (p.command == "AUTHENTICATE" && p.tag == auth_tag_) {
            auth_tag_.clear();
            if (sasl_.have_password()) sasl_login(outcome);
            if (ok && sasl_.mechanism() == SaslCredentials::Mechanism::Other) stop();
        } else if (p.command == "STARTTLS" && ok) {
            stop();  // TLS from here on
        }
    }

    // A command and its tagged status (None: never answered).
    void transaction(const Pending& p, ImapStatus status) {
        if (!ctx_.bus.wanted<ImapTransaction>()) return;
        ImapTransaction t;
        set_endpoints(t, ep_);
        t.where = status == ImapStatus::None ? p.frame : ctx_.clock.where;
        t.ts = status == ImapStatus::None ? p.ts : ctx_.clock.ts;
        t.tag = p.tag;
        t.command = p.command == "LOGIN?" ? "LOGIN" : p.command;
        t.command_frame = p.frame;
        t.command_ts = p.ts;
        t.status = status == ImapStatus::Ok ? "OK" : status == ImapStatus::No ? "NO" : status == ImapStatus::Bad ? "BAD" : "";
        ctx_.bus.publish(t);
    }

    void malformed() {
        ++malformed_lines_;
        if (!valid_replies_ && malformed_lines_ >= kGiveUpMalformed) stop();  // not IMAP
    }

    void stop() {
        pending_.clear();
        auth_tag_.clear();
        done_ = true;
        client_.stop();
        server_.stop();
    }

    PlaintextLogin base_login(LoginOutcome outcome) const {
        PlaintextLogin l;
        l.protocol = LoginProtocol::Imap;
        set_endpoints(l, ep_);
        l.outcome = outcome;
        if (outcome != LoginOutcome::Unknown) l.outcome_frame = ctx_.clock.where;
        return l;
    }

    void login(const Pending& p, LoginOutcome outcome) {
        PlaintextLogin l = base_login(outcome);
        l.where = p.frame;
        l.ts = p.ts;
        l.user = p.user;
        l.password_masked = p.password_masked;
        l.password_length = p.password_len;
        ctx_.bus.publish(l);
    }

    void sasl_login(LoginOutcome outcome) {
        PlaintextLogin l = base_login(outcome);
        l.where = sasl_.password_frame();
        l.ts = sasl_.password_ts();
        l.user = sasl_.user();
        l.password_masked = sasl_.password_masked();
        l.password_length = sasl_.password_length();
        l.mechanism = sasl_.mechanism_name();
        ctx_.bus.publish(l);
    }

    // An AUTHENTICATE that will get no reply we can read.
    void flush_auth() {
        if (!auth_tag_.empty() && sasl_.have_password()) sasl_login(LoginOutcome::Unknown);
        for (auto it = pending_.begin(); it != pending_.end(); ++it) {
            if (it->tag == auth_tag_ && it->command == "AUTHENTICATE") {
                transaction(*it, ImapStatus::None);
                pending_.erase(it);
                break;
            }
        }
    }

    AppEndpoints ep_;
    AppContext ctx_;
    ImapReader client_{kMaxLine, kLiteralCap}, server_{kMaxLine, 0};
    MessageLiterals fetched_{*this, false}, appended_{*this, true};
    std::deque<Pending> pending_;
    SaslCredentials sasl_;
    std::string auth_tag_;  // the AUTHENTICATE in progress
    bool done_ = false;
    int malformed_lines_ = 0, valid_replies_ = 0;
};

std::unique_ptr<StreamConsumer> make_imap(const AppEndpoints& ep, AppContext ctx) {
    return std::make_unique<ImapConsumer>(ep, ctx);
}

}  // namespace

extern const AppProtocol kImapProtocol;
const AppProtocol kImapProtocol{"imap", &make_imap};

}  // namespace netdx
