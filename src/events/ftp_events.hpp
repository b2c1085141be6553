#pragma once
// The FTP control channel as the rules engine sees it: one FtpTransaction per
// command and its final reply (the greeting and unsolicited replies have no
// command). Escaped, capped copies; a PASS argument is never carried.
#include <cstdint>
#include <string>

#include "events/common.hpp"

namespace netdx {

struct FtpTransaction : EventBase {  // where/ts: the final reply (the command when never answered)
    IpAddress client, server;
    std::uint16_t client_port = 0, server_port = 0;
    std::uint64_t flow_id = 0;
    std::string command;   // upper-cased verb, escaped; empty for the greeting
    std::string argument;  // escaped, capped; for PASS the masked password
    FrameRef command_frame;
    double command_ts = 0;
    int preliminary_code = 0;  // a 1xx reply before the final one (150 opening data connection)
    int reply_code = 0;        // 0: no reply before the stream ended
    std::string reply_text;    // first line after the code, escaped, capped
    std::string user;          // the USER in effect, escaped
    // The data channel announced by PASV (227), EPSV (229), PORT or EPRT: EPSV
    // names only a port, the address is then the server's.
    bool has_data_endpoint = false;
    IpAddress data_address;
    std::uint16_t data_port = 0;
    bool malformed = false;
    std::string problem;
};

}  // namespace netdx
