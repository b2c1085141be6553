#include "app/ssh_kex.hpp"

namespace netdx {

namespace {

// A uint32-length string (RFC 4251 5); false when it runs past the payload.
bool read_string(Cursor& c, std::string_view& out) {
    const std::uint32_t len = c.be32();
    if (!c.ok() || !c.has(len)) return false;
    out = std::string_view(reinterpret_cast<const char*>(c.here()), len);
    c.skip(len);
    return true;
}

bool in_list(std::string_view name, std::string_view list) {
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        if (list.substr(0, comma) == name) return true;
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

bool authenticating_cipher(std::string_view cipher) {
    return cipher == "chacha20-poly1305@openssh.com" || cipher == "aes128-gcm@openssh.com" ||
           cipher == "aes256-gcm@openssh.com";
}

}  // namespace

const char* read_kexinit(Bytes payload, SshNameLists& out) {
    Cursor c(payload);
    c.skip(16);  // cookie
    if (!c.ok()) return "KEXINIT shorter than its cookie";
    for (std::string& list : out) {
        std::string_view v;
        if (!read_string(c, v)) return "KEXINIT name-list runs past the packet";
        list.assign(v);
    }
    return nullptr;
}

std::string_view ssh_choose(std::string_view client, std::string_view server) {
    while (!client.empty()) {
        const std::size_t comma = client.find(',');
        const std::string_view name = client.substr(0, comma);
        if (!name.empty() && in_list(name, server)) return name;
        if (comma == std::string_view::npos) break;
        client.remove_prefix(comma + 1);
    }
    return {};
}

int ssh_negotiate(const SshNameLists& client, const SshNameLists& server,
                  std::array<std::string, kSshCategories>& chosen) {
    int none = -1;
    for (int i = 0; i < kSshCategories; ++i) {
        const bool mac = i == kSshMacC2S || i == kSshMacS2C;
        const std::string& cipher = chosen[mac ? i - 2 : 0];
        if (mac && authenticating_cipher(cipher)) {
            chosen[i] = "implicit";
            continue;
        }
        chosen[i] = std::string(ssh_choose(client[i], server[i]));
        if (chosen[i].empty() && none < 0) none = i;
    }
    return none;
}

const char* read_disconnect(Bytes payload, std::uint32_t& reason, std::string_view& description) {
    Cursor c(payload);
    reason = c.be32();
    if (!c.ok()) return "DISCONNECT shorter than its reason code";
    // The language tag after the description is optional in practice.
    if (!read_string(c, description)) return "DISCONNECT description runs past the packet";
    return nullptr;
}

std::string_view ssh_category_name(int category) {
    static constexpr std::string_view kNames[kSshCategories] = {
        "key exchange",           "host key",
        "cipher client to server", "cipher server to client",
        "MAC client to server",    "MAC server to client",
        "compression client to server", "compression server to client"};
    return category >= 0 && category < kSshCategories ? kNames[category] : "?";
}

std::string_view ssh_disconnect_name(std::uint32_t reason) {
    static constexpr std::string_view kNames[] = {"",
                                                  "HOST_NOT_ALLOWED_TO_CONNECT",
                                                  "PROTOCOL_ERROR",
                                                  "KEY_EXCHANGE_FAILED",
                                                  "RESERVED",
                                                  "MAC_ERROR",
                                                  "COMPRESSION_ERROR",
                                                  "SERVICE_NOT_AVAILABLE",
                                                  "PROTOCOL_VERSION_NOT_SUPPORTED",
                                                  "HOST_KEY_NOT_VERIFIABLE",
                                                  "CONNECTION_LOST",
                                                  "BY_APPLICATION",
                                                  "TOO_MANY_CONNECTIONS",
                                                  "AUTH_CANCELLED_BY_USER",
                                                  "NO_MORE_AUTH_METHODS_AVAILABLE",
                                                  "ILLEGAL_USER_NAME"};
    return reason < std::size(kNames) ? kNames[reason] : "";
}

}  // namespace netdx
