#pragma once
// SSH's identification line and binary packet header (RFC 4253 4.2, 6), read
// by the packet view (dissectors/ssh.cpp, one segment at a time) and by the
// analysis (src/app/ssh.cpp, over the reassembled stream) alike.
#include <cstdint>
#include <string_view>

namespace netdx {

constexpr std::uint32_t kSshMaxPacket = 35000;  // RFC 4253 6.1
enum : std::uint8_t { kSshDisconnect = 1, kSshKexInit = 20, kSshNewKeys = 21 };

// Null when packet_length and padding_length can be right, else a static
// reason (the packet cannot be read further).
const char* ssh_header_problem(std::uint32_t packet_length, std::uint8_t padding_length);

// "SSH-protoversion-softwareversion SP comments": the line without its CR LF,
// the protocol version, and what follows its dash (software and comments).
struct SshIdent {
    std::string_view line, proto_version, software;
};
inline bool ssh_is_ident(std::string_view s) { return s.substr(0, 4) == "SSH-"; }
// `line` starts with "SSH-" (ssh_is_ident) and may end with CR LF.
SshIdent parse_ssh_ident(std::string_view line);

}  // namespace netdx
