#include "app/sasl_credentials.hpp"

#include "app/line_text.hpp"
#include "events/login_events.hpp"

namespace netdx {

namespace {
std::string_view trim_spaces(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}
}  // namespace

void SaslCredentials::start(std::string_view mechanism, std::string_view initial, const FrameRef& where, double ts) {
    *this = {};
    name_ = capped_text(mechanism, 32);
    for (char& c : name_)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    mech_ = name_ == "PLAIN" ? Mechanism::Plain : name_ == "LOGIN" ? Mechanism::Login : Mechanism::Other;
    initial = trim_spaces(initial);
    if (!initial.empty() && initial != "=") data(initial, where, ts);
}

void SaslCredentials::response(std::string_view line, const FrameRef& where, double ts) {
    line = trim_spaces(line);
    if (line == "*") {
        cancelled_ = true;
        return;
    }
    data(line, where, ts);
}

void SaslCredentials::data(std::string_view b64, const FrameRef& where, double ts) {
    if (mech_ == Mechanism::Other) return;
    std::string decoded;
    if (!base64_decode(b64, decoded)) return;
    if (mech_ == Mechanism::Plain) {
        // authzid NUL authcid NUL password
        const std::size_t a = decoded.find('\0');
        if (a == std::string::npos) return;
        const std::size_t b = decoded.find('\0', a + 1);
        if (b == std::string::npos) return;
        const std::string_view all(decoded);
        std::string_view authcid = all.substr(a + 1, b - a - 1);
        if (authcid.empty()) authcid = all.substr(0, a);
        set_password(authcid, all.substr(b + 1), where, ts);
    } else if (login_lines_++ == 0) {
        user_ = capped_text(decoded, 64);  // LOGIN: user name first, then the password
    } else {
        set_password({}, decoded, where, ts);
    }
}

void SaslCredentials::set_password(std::string_view user, std::string_view password, const FrameRef& where,
                                   double ts) {
    if (!user.empty()) user_ = capped_text(user, 64);
    masked_ = mask_password(password);
    password_len_ = password.size();
    have_password_ = true;
    frame_ = where;
    ts_ = ts;
}

}  // namespace netdx
