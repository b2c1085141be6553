#pragma once
// One SSH connection as the rules engine sees it: both identification lines,
// the algorithm lists of both KEXINITs and what RFC 4253 7.1 negotiation picks
// from them (or the first category with nothing in common), NEWKEYS per side,
// a DISCONNECT, and how the connection ended. The consumer (src/app/ssh.cpp)
// emits one SshSession per SSH flow when the flow ends. Text fields are copies
// from the wire, escaped and length-capped.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "events/common.hpp"

namespace netdx {

// The eight negotiated categories of a KEXINIT, in wire order.
enum SshCategory : std::uint8_t {
    kSshKex,
    kSshHostKey,
    kSshCipherC2S,
    kSshCipherS2C,
    kSshMacC2S,
    kSshMacS2C,
    kSshCompC2S,
    kSshCompS2C,
    kSshCategories
};

// "key exchange", "host key", "cipher client to server", ...
std::string_view ssh_category_name(int category);
// RFC 4253 11.1 names ("KEY_EXCHANGE_FAILED", ...), "" when unknown.
std::string_view ssh_disconnect_name(std::uint32_t reason);

inline constexpr std::uint32_t kSshDisconnectKexFailed = 3;
inline constexpr std::uint32_t kSshDisconnectProtocolVersion = 8;  // PROTOCOL_VERSION_NOT_SUPPORTED

enum class SshEnd : std::uint8_t { CaptureEnd, Closed, Reset, TimedOut, Other };

struct SshSide {
    bool ident = false;
    std::string proto_version;  // "2.0", "1.99", "1.5" (escaped, capped)
    std::string software;       // softwareversion and comments (escaped, capped)
    FrameRef ident_frame;
    bool kexinit = false;
    FrameRef kexinit_frame;
    std::array<std::string, kSshCategories> lists;  // comma-separated name-lists (escaped, capped)
    bool newkeys = false;
    std::uint32_t packets = 0;       // cleartext binary packets
    std::uint64_t encrypted_bytes = 0;  // after its NEWKEYS (or after an SSH-1 identification)
    // A text line where a binary packet should start ("Protocol major
    // versions differ."), escaped and capped.
    std::string text_instead_of_packet;
};

struct SshSession : EventBase {  // where/ts: the first identification line
    IpAddress client, server;
    std::uint16_t client_port = 0, server_port = 0;
    std::uint64_t flow_id = 0;

    SshSide c, s;  // client, server

    bool negotiated = false;  // both KEXINITs read and every category agreed
    std::array<std::string, kSshCategories> chosen;
    int no_common = -1;  // first category without a common algorithm, when both KEXINITs were read

    bool disconnect = false;
    bool disconnect_from_client = false;
    std::uint32_t disconnect_reason = 0;
    std::string disconnect_text;  // escaped, capped
    FrameRef disconnect_frame;

    SshEnd end = SshEnd::CaptureEnd;
    FrameRef end_frame;
    bool malformed = false;  // a line or packet that could not be right; reading stopped
    bool gap = false;        // bytes missing from the capture; reading stopped
    std::string problem;

    [[nodiscard]] bool completed() const { return c.newkeys && s.newkeys; }
    // A side that speaks only SSH-1 ("1.99" means 1 and 2).
    [[nodiscard]] static bool ssh1_only(const SshSide& side) {
        return side.ident && side.proto_version.size() >= 2 && side.proto_version[0] == '1' &&
               side.proto_version != "1.99";
    }
};

}  // namespace netdx
