#include "log/ssh_log.hpp"

#include <array>

#include "events/event_bus.hpp"
#include "events/ssh_events.hpp"
#include "log/flow_uid.hpp"
#include "log/log_fields.hpp"

namespace netdx {

namespace {

constexpr std::array<std::string_view, 14> kFields = {
    "ts",         "uid",     "id.orig_h",  "id.orig_p",       "id.resp_h", "id.resp_p",    "version",
    "client",     "server",  "cipher_alg", "mac_alg",         "compression_alg", "kex_alg", "host_key_alg",
};
constexpr LogSchema kSchema{"ssh", kFields};

// The identification line as sent ("SSH-2.0-OpenSSH_9.2p1 Debian-2"), rebuilt
// from its two parts (both escaped already).
void identification(std::vector<LogValue>& v, const SshSide& side) {
    if (side.ident) v.emplace_back("SSH-" + side.proto_version + "-" + side.software);
    else v.emplace_back(Unset{});
}

// An AEAD cipher (chacha20-poly1305, AES-GCM) authenticates by itself: the
// negotiation says "implicit" for its MAC, which is no algorithm name.
void algorithm(std::vector<LogValue>& v, const SshSession& s, SshCategory c) {
    if (s.negotiated && !s.chosen[c].empty() && s.chosen[c] != "implicit") v.emplace_back(s.chosen[c]);
    else v.emplace_back(Unset{});
}

}  // namespace

void SshLog::subscribe(EventBus& bus) { bus.subscribe<&SshLog::on_ssh>(this); }

const LogSchema& SshLog::schema() const { return kSchema; }

void SshLog::on_ssh(const SshSession& s) {
    if (!s.c.ident && !s.s.ident) return;
    if (!admit_row()) return;
    LogRow r;
    r.ts = s.ts;
    auto& v = r.values;
    v.emplace_back(s.ts);
    v.emplace_back(flow_uid(s.flow_id));
    append_conn_id(v, 6, s.client, s.client_port, s.server, s.server_port);
    // Zeek's version: the major protocol version both sides speak (1.99 is 2 as well).
    const bool ssh2 = s.c.ident && s.s.ident && !SshSession::ssh1_only(s.c) && !SshSession::ssh1_only(s.s);
    const auto speaks1 = [](const SshSide& side) { return !side.proto_version.empty() && side.proto_version[0] == '1'; };
    const bool ssh1 = s.c.ident && s.s.ident && (SshSession::ssh1_only(s.c) || SshSession::ssh1_only(s.s)) &&
                      speaks1(s.c) && speaks1(s.s);
    if (ssh2) v.emplace_back(std::uint64_t{2});
    else if (ssh1) v.emplace_back(std::uint64_t{1});
    else v.emplace_back(Unset{});
    identification(v, s.c);
    identification(v, s.s);
    algorithm(v, s, kSshCipherC2S);
    algorithm(v, s, kSshMacC2S);
    algorithm(v, s, kSshCompC2S);
    algorithm(v, s, kSshKex);
    algorithm(v, s, kSshHostKey);
    add_row(std::move(r));
}

}  // namespace netdx
