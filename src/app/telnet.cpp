// Telnet (RFC 854) logins over reassembled TCP: option negotiation (IAC
// commands, SB ... SE subnegotiation) is stripped, the server's output is
// watched for the login and password prompts, what the client types after
// each is collected (line at a time or one character per segment, with
// backspace), and the result of the login is judged from what the server
// says next. The password leaves this file only masked. Once a login is
// accepted the session is the user's: nothing more is read.
#include "app/app_stream.hpp"
#include "app/line_text.hpp"
#include "events/login_events.hpp"

namespace netdx {

namespace {

constexpr std::uint8_t kIac = 255, kSb = 250, kSe = 240, kWill = 251, kDont = 254;
constexpr std::size_t kMaxSubnegotiation = 4096;
constexpr std::size_t kMaxServerLine = 256;
constexpr std::size_t kMaxTyped = 128;

// Telnet command sequences removed from one direction; data bytes (IAC IAC
// is a 255 data byte) are passed on.
class IacStripper {
public:
    template <typename Fn>
    void feed(Bytes data, Fn&& fn) {
        for (std::uint8_t c : data) {
            switch (st_) {
                case St::Data:
                    if (c == kIac) st_ = St::Iac;
                    else fn(c);
                    break;
                case St::Iac:
                    if (c == kIac) {
                        st_ = St::Data;
                        fn(c);
                    } else if (c == kSb) {
                        st_ = St::Sb;
                        sb_len_ = 0;
                    } else if (c >= kWill && c <= kDont) {
                        st_ = St::Option;
                    } else {
                        st_ = St::Data;  // NOP, GA, AYT, ...: one byte
                    }
                    break;
                case St::Option: st_ = St::Data; break;
                case St::Sb:
                    if (c == kIac) st_ = St::SbIac;
                    else if (++sb_len_ > kMaxSubnegotiation) {
                        // No IAC SE in sight: malformed, read on as data.
                        ++malformed_;
                        st_ = St::Data;
                    }
                    break;
                case St::SbIac: st_ = c == kSe ? St::Data : St::Sb; break;
            }
        }
    }
    void reset() { st_ = St::Data; }
    [[nodiscard]] std::uint64_t malformed() const { return malformed_; }

private:
    enum class St : std::uint8_t { Data, Iac, Option, Sb, SbIac };
    St st_ = St::Data;
    std::size_t sb_len_ = 0;
    std::uint64_t malformed_ = 0;
};

std::string_view trim_right(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool iends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

bool is_login_prompt(std::string_view line) {
    const std::string_view t = trim_right(line);
    if (t.size() >= 10 && iequals(t.substr(0, 10), "last login")) return false;
    return iends_with(t, "login:") || iends_with(t, "username:") || iends_with(t, "user name:");
}

bool is_password_prompt(std::string_view line) { return iends_with(trim_right(line), "password:"); }

bool is_shell_prompt(std::string_view line) {
    const std::string_view t = trim_right(line);
    return !t.empty() && (t.back() == '$' || t.back() == '#' || t.back() == '>' || t.back() == '%');
}

bool says_rejected(std::string_view line) {
    return icontains(line, "incorrect") || icontains(line, "login failed") || icontains(line, "authentication failed") ||
           icontains(line, "access denied") || icontains(line, "invalid");
}

class TelnetConsumer final : public StreamConsumer {
public:
    TelnetConsumer(const AppEndpoints& ep, AppContext ctx) : ep_(ep), ctx_(ctx) {}

    void on_data(int dir, Bytes data) override {
        if (done_) return;
        if (dir == ep_.client_dir) {
            client_iac_.feed(data, [this](std::uint8_t c) { client_byte(c); });
        } else {
            server_iac_.feed(data, [this](std::uint8_t c) { server_byte(c); });
            // A prompt waits for input without a line end.
            if (!done_) check_prompt();
        }
    }

    void on_gap(int dir, std::uint64_t) override {
        if (done_) return;
        if (dir == ep_.client_dir) {
            client_iac_.reset();
            typed_.clear();
            if (state_ == State::UserPrompt || state_ == State::PasswordPrompt) state_ = State::Idle;
        } else {
            server_iac_.reset();
            line_.clear();
        }
    }

    void on_close(EndReason) override {
        if (done_) return;
        if (state_ == State::AwaitOutcome) emit(LoginOutcome::Unknown);
        done_ = true;
    }

private:
    enum class State : std::uint8_t { Idle, UserPrompt, PasswordPrompt, AwaitOutcome };

    void server_byte(std::uint8_t c) {
        if (done_) return;
        if (c == '\n') {
            server_line(line_);
            line_.clear();
            return;
        }
        if (c == '\r' || c == 0) return;
        // Only the end of a long line can be a prompt.
        if (line_.size() >= kMaxServerLine) line_.erase(0, kMaxServerLine / 2);
        if (line_.capacity() == 0) line_.reserve(kMaxServerLine);
        line_.push_back(static_cast<char>(c));
    }

    void server_line(std::string_view line) {
        if (state_ != State::AwaitOutcome) return;
        if (says_rejected(line)) emit(LoginOutcome::Rejected);
        else if (line.size() >= 10 && iequals(line.substr(0, 10), "last login")) emit(LoginOutcome::Accepted);
    }

    void check_prompt() {
        if (is_login_prompt(line_)) {
            // Asked to log in again after a password: the last one failed.
            if (state_ == State::AwaitOutcome) emit(LoginOutcome::Rejected);
            state_ = State::UserPrompt;
            typed_.clear();
            line_.clear();
        } else if (is_password_prompt(line_)) {
            if (state_ == State::AwaitOutcome) emit(LoginOutcome::Rejected);
            state_ = State::PasswordPrompt;
            typed_.clear();
            line_.clear();
        } else if (state_ == State::AwaitOutcome && is_shell_prompt(line_)) {
            emit(LoginOutcome::Accepted);
        }
    }

    void client_byte(std::uint8_t c) {
        if (state_ != State::UserPrompt && state_ != State::PasswordPrompt) return;
        const bool after_cr = prev_cr_;
        prev_cr_ = c == '\r';
        if (c == '\r' || c == '\n') {
            if (c == '\n' && after_cr) return;  // the LF of CR LF
            end_of_input();
            return;
        }
        if (c == 0) return;  // CR NUL
        if (c == 0x08 || c == 0x7f) {
            if (!typed_.empty()) typed_.pop_back();
            return;
        }
        if (c == 0x15) {  // ^U: kill the line
            typed_.clear();
            return;
        }
        if (typed_.size() < kMaxTyped) typed_.push_back(static_cast<char>(c));
    }

    void end_of_input() {
        if (state_ == State::UserPrompt) {
            if (typed_.empty()) return;  // Enter at the prompt: asked again
            user_ = capped_text(typed_, 64);
            state_ = State::Idle;
        } else {
            masked_ = mask_password(typed_);
            password_len_ = typed_.size();
            password_frame_ = ctx_.clock.where;
            password_ts_ = ctx_.clock.ts;
            state_ = State::AwaitOutcome;
        }
        // The password is not kept past this point.
        std::fill(typed_.begin(), typed_.end(), '\0');
        typed_.clear();
    }

    void emit(LoginOutcome outcome) {
        PlaintextLogin l;
        l.where = password_frame_;
        l.ts = password_ts_;
        l.protocol = LoginProtocol::Telnet;
        set_endpoints(l, ep_);
        l.user = user_;
        l.password_masked = masked_;
        l.password_length = password_len_;
        l.outcome = outcome;
        if (outcome != LoginOutcome::Unknown) l.outcome_frame = ctx_.clock.where;
        ctx_.bus.publish(l);
        state_ = State::Idle;
        user_.clear();
        if (outcome == LoginOutcome::Accepted) done_ = true;  // the session is the user's now
    }

    AppEndpoints ep_;
    AppContext ctx_;
    IacStripper client_iac_, server_iac_;
    std::string line_;   // the server's current output line (its end)
    std::string typed_;  // what the client typed at the current prompt
    std::string user_, masked_;
    std::size_t password_len_ = 0;
    FrameRef password_frame_;
    double password_ts_ = 0;
    State state_ = State::Idle;
    bool prev_cr_ = false;
    bool done_ = false;
};

std::unique_ptr<StreamConsumer> make_telnet(const AppEndpoints& ep, AppContext ctx) {
    return std::make_unique<TelnetConsumer>(ep, ctx);
}

}  // namespace

extern const AppProtocol kTelnetProtocol;
const AppProtocol kTelnetProtocol{"telnet", &make_telnet};

}  // namespace netdx
