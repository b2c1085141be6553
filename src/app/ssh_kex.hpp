#pragma once
// The cleartext SSH messages netdx reads (RFC 4253): the KEXINIT name-lists,
// algorithm negotiation between two KEXINITs (7.1), and DISCONNECT.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/cursor.hpp"
#include "events/ssh_events.hpp"

namespace netdx {

// The eight name-lists of a KEXINIT as they are on the wire (languages and
// the rest are skipped). Each list is bounded by the packet (35000 bytes).
using SshNameLists = std::array<std::string, kSshCategories>;

// `payload` starts after the message code. Returns a static reason when the
// message cannot be right, else null.
const char* read_kexinit(Bytes payload, SshNameLists& out);

// RFC 4253 7.1: the first algorithm of the client's list that the server
// also lists; empty when none. (The extra conditions 7.1 puts on the key
// exchange, a compatible host key, are not checked.)
std::string_view ssh_choose(std::string_view client, std::string_view server);

// Negotiates every category into `chosen`; returns the first category with
// no common algorithm, or -1. The MAC of a direction whose cipher
// authenticates by itself (AES-GCM, ChaCha20-Poly1305) is not negotiated
// (RFC 5647, OpenSSH PROTOCOL.chacha20poly1305) and reads "implicit".
int ssh_negotiate(const SshNameLists& client, const SshNameLists& server,
                  std::array<std::string, kSshCategories>& chosen);

// `payload` starts after the message code.
const char* read_disconnect(Bytes payload, std::uint32_t& reason, std::string_view& description);

}  // namespace netdx
