// Names and the password mask for PlaintextLogin (src/events/login_events.hpp).
#include "events/login_events.hpp"

#include "core/escape.hpp"

namespace netdx {

std::string_view login_protocol_name(LoginProtocol p) {
    switch (p) {
        case LoginProtocol::Telnet: return "Telnet";
        case LoginProtocol::Ftp: return "FTP";
        case LoginProtocol::Smtp: return "SMTP";
        case LoginProtocol::Pop3: return "POP3";
        case LoginProtocol::Imap: return "IMAP";
    }
    return "?";
}

std::string_view login_outcome_name(LoginOutcome o) {
    switch (o) {
        case LoginOutcome::Accepted: return "accepted";
        case LoginOutcome::Rejected: return "rejected";
        case LoginOutcome::Unknown: break;
    }
    return "outcome unknown";
}

namespace {
constexpr std::size_t kMinShownLength = 4;
}  // namespace

std::string mask_password(std::string_view password) {
    if (password.empty()) return "(empty)";
    const std::string_view unit = password.size() == 1 ? "character" : "characters";
    // The first character of a very short password is too much of it.
    if (password.size() < kMinShownLength) return fmt::format("*** ({} {})", password.size(), unit);
    // A fixed number of stars: the mask must not repeat the length twice over.
    return fmt::format("{}*** ({} {})", escaped(password.substr(0, 1)), password.size(), unit);
}

}  // namespace netdx
