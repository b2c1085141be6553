// The FTP control channel (RFC 959, RFC 2428) over reassembled TCP: pairs each
// command with its final reply (a 1xx such as 150 is kept as the preliminary
// reply), records the data channel announced by PASV/EPSV/PORT/EPRT, stops
// reading after a 234 to AUTH TLS/SSL, and reports a USER/PASS pair sent in
// clear as a PlaintextLogin (anonymous logins flagged as such). Lines are cut
// by the shared LineReader and read by the line protocols' one parser
// (dissectors/lines/line_protocol.hpp), as the packet view reads them.
#include <fmt/format.h>

#include <deque>

#include "app/app_stream.hpp"
#include "app/line_text.hpp"
#include "dissectors/lines/line_reader.hpp"
#include "events/ftp_events.hpp"
#include "events/login_events.hpp"

namespace netdx {

namespace {

constexpr std::size_t kMaxLine = 4096;
constexpr std::size_t kMaxPending = 32;
constexpr int kGiveUpMalformed = 8;

// Six comma-separated decimal numbers 0..255 ("h1,h2,h3,h4,p1,p2", RFC 959 PORT/227).
bool parse_host_port(std::string_view s, IpAddress& addr, std::uint16_t& port) {
    int v[6];
    int k = 0;
    std::size_t i = 0;
    while (k < 6) {
        if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
        int x = 0;
        int digits = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9' && digits < 4) {
            x = x * 10 + (s[i++] - '0');
            ++digits;
        }
        if (x > 255) return false;
        v[k++] = x;
        if (k < 6) {
            if (i >= s.size() || s[i] != ',') return false;
            ++i;
        }
    }
    const std::uint8_t b[4] = {static_cast<std::uint8_t>(v[0]), static_cast<std::uint8_t>(v[1]),
                               static_cast<std::uint8_t>(v[2]), static_cast<std::uint8_t>(v[3])};
    addr = IpAddress::v4(b);
    port = static_cast<std::uint16_t>(v[4] * 256 + v[5]);
    return true;
}

bool parse_port(std::string_view s, std::uint16_t& port) {
    if (s.empty() || s.size() > 5) return false;
    unsigned x = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        x = x * 10 + static_cast<unsigned>(c - '0');
    }
    if (x == 0 || x > 65535) return false;
    port = static_cast<std::uint16_t>(x);
    return true;
}

// "|1|10.0.0.1|5000|" (EPRT) or "(|||5000|)" (229 reply), RFC 2428: the
// delimiter is the first character.
bool parse_extended(std::string_view s, IpAddress& addr, std::uint16_t& port) {
    if (s.size() < 5) return false;
    const char d = s[0];
    std::string_view f[3];  // d<net-prt>d<net-addr>d<tcp-port>d
    std::size_t start = 1;
    for (auto& field : f) {
        const std::size_t end = s.find(d, start);
        if (end == std::string_view::npos) return false;
        field = s.substr(start, end - start);
        start = end + 1;
    }
    if (!parse_port(f[2], port)) return false;
    addr = {};
    if (f[1].empty()) return true;  // EPSV: the server's own address
    std::string text(f[1].substr(0, 45));
    if (f[0] == "1") {
        std::uint8_t b[4];
        int k = 0;
        unsigned x = 0;
        int digits = 0;
        for (char c : text) {
            if (c == '.') {
                if (!digits || k >= 3) return false;
                b[k++] = static_cast<std::uint8_t>(x);
                x = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9' && digits < 3) {
                x = x * 10 + static_cast<unsigned>(c - '0');
                ++digits;
                if (x > 255) return false;
            } else {
                return false;
            }
        }
        if (k != 3 || !digits) return false;
        b[3] = static_cast<std::uint8_t>(x);
        addr = IpAddress::v4(b);
        return true;
    }
    return f[0] == "2";  // IPv6 literal: the port is what later use needs
}

bool is_anonymous(std::string_view user) { return iequals(user, "anonymous") || iequals(user, "ftp"); }

class FtpConsumer final : public StreamConsumer {
public:
    FtpConsumer(const AppEndpoints& ep, AppContext ctx) : ep_(ep), ctx_(ctx) {}

    void on_data(int dir, Bytes data) override {
        if (done_) return;
        if (dir == ep_.client_dir)
            client_.feed(data, [this](std::string_view l, bool over) { client_line(l, over); });
        else
            server_.feed(data, [this](std::string_view l, bool over) { server_line(l, over); });
    }

    void on_gap(int dir, std::uint64_t) override {
        if (done_) return;
        if (dir == ep_.client_dir) {
            client_.gap();
        } else {
            server_.gap();
            reply_.reset();
        }
        flush_pending();  // pairing is lost
    }

    void on_close(EndReason) override {
        if (done_) return;
        flush_pending();
        done_ = true;
    }

private:
    struct Pending {
        FtpTransaction t;
        std::string password_mask;  // PASS only
        std::size_t password_len = 0;
    };

    FtpTransaction base() const {
        FtpTransaction t;
        t.where = ctx_.clock.where;
        t.ts = ctx_.clock.ts;
        set_endpoints(t, ep_);
        t.user = user_;
        return t;
    }

    void client_line(std::string_view line, bool overlong) {
        Pending p{base(), {}, 0};
        FtpTransaction& t = p.t;
        t.command_frame = ctx_.clock.where;
        t.command_ts = ctx_.clock.ts;
        if (overlong) {
            t.malformed = true;
            t.problem = fmt::format("command line longer than {} bytes", kMaxLine);
            ctx_.bus.publish(t);
            return;
        }
        const CommandLine c = parse_command(line);
        const std::string_view rest = c.argument;
        t.command = upper_verb(c);
        if (t.command == "PASS") {
            p.password_mask = mask_password(rest);
            p.password_len = rest.size();
            t.argument = p.password_mask;
        } else {
            t.argument = capped_text(rest);
        }
        if (t.command == "USER") {
            user_ = capped_text(rest, 64);
            user_anonymous_ = is_anonymous(rest);
            t.user = user_;
        } else if (t.command == "PORT") {
            t.has_data_endpoint = parse_host_port(rest, t.data_address, t.data_port);
        } else if (t.command == "EPRT") {
            t.has_data_endpoint = parse_extended(rest, t.data_address, t.data_port);
        }
        if (pending_.size() >= kMaxPending) {
            ctx_.bus.publish(pending_.front().t);
            pending_.pop_front();
        }
        pending_.push_back(std::move(p));
    }

    void server_line(std::string_view line, bool overlong) {
        ReplyLine r;
        const auto step = overlong ? MultiLineReply::Step::Malformed : reply_.line(line, &r);
        if (step == MultiLineReply::Step::Malformed) {
            ++malformed_replies_;
            if (!valid_replies_ && malformed_replies_ >= kGiveUpMalformed) {
                pending_.clear();
                done_ = true;
                client_.stop();
                server_.stop();
            }
            return;
        }
        if (reply_.first_line()) {
            ++valid_replies_;
            reply_text_ = capped_text(r.text);
            reply_raw_.assign(r.text.substr(0, 128));
        } else if (step == MultiLineReply::Step::Complete) {
            ++valid_replies_;
        }
        if (step == MultiLineReply::Step::Complete) complete_reply();
    }

    void complete_reply() {
        if (pending_.empty()) {
            FtpTransaction t = base();
            t.reply_code = reply_.code();
            t.reply_text = reply_text_;
            ctx_.bus.publish(t);
            return;
        }
        if (reply_.code() < 200) {
            if (!pending_.front().t.preliminary_code) pending_.front().t.preliminary_code = reply_.code();
            return;
        }
        Pending p = std::move(pending_.front());
        pending_.pop_front();
        FtpTransaction& t = p.t;
        t.where = ctx_.clock.where;
        t.ts = ctx_.clock.ts;
        t.reply_code = reply_.code();
        t.reply_text = reply_text_;
        if (reply_.code() == 227) {
            // "Entering Passive Mode (h1,h2,h3,h4,p1,p2)": the numbers may come without parentheses.
            const std::size_t open = reply_raw_.find_first_of("0123456789");
            if (open != std::string::npos)
                t.has_data_endpoint = parse_host_port(std::string_view(reply_raw_).substr(open), t.data_address, t.data_port);
        } else if (reply_.code() == 229) {
            const std::size_t open = reply_raw_.find('(');
            if (open != std::string::npos) {
                t.has_data_endpoint = parse_extended(std::string_view(reply_raw_).substr(open + 1), t.data_address,
                                                     t.data_port);
                if (t.has_data_endpoint && !t.data_address.family) t.data_address = ep_.server;
            }
        }
        if (t.command == "PASS") login(p);
        ctx_.bus.publish(t);
        if (t.command == "AUTH" && reply_.code() == 234) {
            // TLS from here on (RFC 4217).
            pending_.clear();
            done_ = true;
            client_.stop();
            server_.stop();
        }
    }

    void login(const Pending& p) {
        const FtpTransaction& t = p.t;
        PlaintextLogin l;
        l.where = t.command_frame;
        l.ts = t.command_ts;
        l.protocol = LoginProtocol::Ftp;
        set_endpoints(l, ep_);
        l.user = t.user;
        l.anonymous = user_anonymous_;
        l.password_masked = p.password_mask;
        l.password_length = p.password_len;
        l.outcome = t.reply_code == 0             ? LoginOutcome::Unknown
                    : t.reply_code / 100 == 2     ? LoginOutcome::Accepted
                    : t.reply_code == 332         ? LoginOutcome::Unknown  // needs ACCT
                    : t.reply_code / 100 >= 4     ? LoginOutcome::Rejected
                                                  : LoginOutcome::Unknown;
        if (t.reply_code) l.outcome_frame = t.where;
        ctx_.bus.publish(l);
    }

    void flush_pending() {
        while (!pending_.empty()) {
            if (pending_.front().t.command == "PASS") login(pending_.front());
            ctx_.bus.publish(pending_.front().t);
            pending_.pop_front();
        }
    }

    AppEndpoints ep_;
    AppContext ctx_;
    LineReader client_{kMaxLine}, server_{kMaxLine};
    std::deque<Pending> pending_;
    std::string user_;
    bool user_anonymous_ = false;
    MultiLineReply reply_{MultiLineReply::Style::Ftp};
    std::string reply_text_, reply_raw_;
    int malformed_replies_ = 0, valid_replies_ = 0;
    bool done_ = false;
};

std::unique_ptr<StreamConsumer> make_ftp(const AppEndpoints& ep, AppContext ctx) {
    return std::make_unique<FtpConsumer>(ep, ctx);
}

}  // namespace

extern const AppProtocol kFtpProtocol;
const AppProtocol kFtpProtocol{"ftp", &make_ftp};

}  // namespace netdx
