#pragma once
// A user name and password seen crossing the network in clear (Telnet, FTP
// USER/PASS, SMTP AUTH without STARTTLS, POP3 USER/PASS and AUTH, IMAP LOGIN
// and AUTHENTICATE). The password itself never leaves the
// consumer that saw it: events carry only its masked form and length, so no
// report, log or JSON output can leak it.
#include <cstdint>
#include <string>
#include <string_view>

#include "events/common.hpp"

namespace netdx {

enum class LoginProtocol : std::uint8_t { Telnet, Ftp, Smtp, Pop3, Imap };
enum class LoginOutcome : std::uint8_t { Unknown, Accepted, Rejected };

std::string_view login_protocol_name(LoginProtocol p);
std::string_view login_outcome_name(LoginOutcome o);

struct PlaintextLogin : EventBase {  // where/ts: the frame that carried the password
    LoginProtocol protocol = LoginProtocol::Telnet;
    IpAddress client, server;
    std::uint16_t client_port = 0, server_port = 0;
    std::uint64_t flow_id = 0;
    std::string user;             // escaped, capped
    std::string password_masked;  // mask_password(): first character and length only
    std::size_t password_length = 0;
    std::string mechanism;        // SASL mechanism (PLAIN, LOGIN) of SMTP/POP3 AUTH, IMAP AUTHENTICATE
    // Anonymous FTP (user anonymous/ftp): the "password" is an e-mail address by
    // convention, not a secret.
    bool anonymous = false;
    LoginOutcome outcome = LoginOutcome::Unknown;
    FrameRef outcome_frame;  // the reply that accepted or rejected it (frame 0: none)
};

// "S*** (9 characters)": the first character (escaped) and the length; for a
// password shorter than 4 characters only the length ("*** (2 characters)").
std::string mask_password(std::string_view password);

}  // namespace netdx
