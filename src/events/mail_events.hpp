#pragma once
// POP3 and IMAP as the analysis reads them: one transaction per command and
// the status that answers it (the greeting too, with no command). Logins in
// clear are PlaintextLogin (login_events.hpp). Escaped, capped copies; never
// an argument (it may be a password). Published only when a reader wants them.
#include <cstdint>
#include <string>

#include "events/common.hpp"

namespace netdx {

struct Pop3Transaction : EventBase {  // where/ts: the status line (the command when never answered)
    IpAddress client, server;
    std::uint16_t client_port = 0, server_port = 0;
    std::uint64_t flow_id = 0;
    std::string command;    // upper-cased verb, escaped; empty for the greeting
    FrameRef command_frame;
    double command_ts = 0;
    std::string indicator;  // "+OK" or "-ERR" as sent; empty: no status before the stream ended
};

struct ImapTransaction : EventBase {  // where/ts: the tagged status (the command when never answered)
    IpAddress client, server;
    std::uint16_t client_port = 0, server_port = 0;
    std::uint64_t flow_id = 0;
    std::string tag, command;  // escaped; command upper-cased
    FrameRef command_frame;
    double command_ts = 0;
    std::string status;  // "OK", "NO" or "BAD" upper-cased; empty: not answered
};

}  // namespace netdx
