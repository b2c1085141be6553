#pragma once
// SMTP as the rules engine sees it: one SmtpTransaction per client command
// and its final reply (plus the server greeting and replies nobody asked
// for). Events carry escaped, length-capped copies of the wire text.
#include <cstdint>
#include <string>

#include "events/common.hpp"

namespace netdx {

enum class SmtpCommand : std::uint8_t {
    None,  // the greeting (or an unsolicited reply): no command
    Helo, Ehlo, MailFrom, RcptTo, Data, Bdat, Rset, Quit, StartTls, Auth, Vrfy, Expn, Noop, Other,
};

struct SmtpTransaction : EventBase {  // where/ts: the reply (the command when never answered)
    IpAddress client, server;
    std::uint16_t client_port = 0, server_port = 0;
    std::uint64_t flow_id = 0;
    SmtpCommand command = SmtpCommand::None;
    std::string verb;      // as sent, upper-cased, escaped ("RCPT")
    std::string argument;  // escaped, capped; for AUTH only the mechanism
    std::string address;   // MAIL FROM / RCPT TO: what is inside <...>, escaped
    FrameRef command_frame;
    double command_ts = 0;
    int reply_code = 0;            // 0: no reply before the stream ended
    std::string enhanced_status;   // RFC 3463 "5.1.1", empty when absent
    std::string reply_text;        // first reply line after the code, escaped, capped
    std::uint32_t reply_lines = 0;
    std::string helo;       // the client's EHLO/HELO name in this session, escaped
    // DATA / BDAT: the message the client sent (DATA: up to the lone ".").
    std::uint64_t message_bytes = 0;
    std::string subject, header_from, header_to;  // escaped, capped
    bool malformed = false;  // an over-long or unparseable line
    std::string problem;     // why, when malformed
};

}  // namespace netdx
