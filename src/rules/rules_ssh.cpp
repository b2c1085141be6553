// SSH rules over the SSH consumer's sessions, per server: no common algorithm
// (read from both KEXINITs, or a DISCONNECT KEY_EXCHANGE_FAILED), version
// mismatch (an SSH-1-only peer, "Protocol major versions differ."), other
// connections that ended before key exchange completed, and (a note) weak
// algorithms that were negotiated.
#include <map>

#include "events/ssh_events.hpp"
#include "rules/bounded.hpp"
#include "rules/format.hpp"
#include "rules/rules_all.hpp"

namespace netdx {

namespace {

struct Tally {
    std::uint64_t count = 0;
    double first = 0, last = 0;
    std::set<std::string> notes;  // capped
    std::set<IpAddress> clients;  // capped
    Evidence ev;
    void add(const SshSession& s, std::string note) {
        if (!count || s.ts < first) first = s.ts;
        last = std::max(last, s.ts);
        ++count;
        if (notes.size() < 6) notes.insert(std::move(note));
        if (clients.size() < 8) clients.insert(s.client);
        ev.add(s.where);
        for (const SshSide* side : {&s.c, &s.s})
            if (side->kexinit) ev.add(side->kexinit_frame);
        if (s.disconnect) ev.add(s.disconnect_frame);
        if (s.end != SshEnd::CaptureEnd) ev.add(s.end_frame);
    }
};

struct Server {
    Tally no_common, mismatch, failed, weak;
};

// Broken or deprecated algorithms (RFC 9142 for key exchange, RFC 8758 for
// arcfour, OpenSSH's removal of ssh-dss and 3des-cbc from its defaults).
bool weak_algorithm(std::string_view a) {
    static constexpr std::string_view kWeak[] = {
        "diffie-hellman-group1-sha1", "diffie-hellman-group-exchange-sha1", "ssh-dss", "3des-cbc",
        "arcfour", "arcfour128", "arcfour256", "blowfish-cbc", "cast128-cbc", "des-cbc", "hmac-md5",
        "hmac-md5-96", "hmac-md5-etm@openssh.com", "hmac-sha1-96", "none"};
    for (std::string_view w : kWeak)
        if (a == w) return true;
    return false;
}

std::string peer(const SshSide& side) {
    if (!side.ident) return "-";
    return fmt::format("SSH-{}{}{}", side.proto_version, side.software.empty() ? "" : "-", side.software);
}

std::string_view end_text(SshEnd e) {
    switch (e) {
        case SshEnd::Closed: return "closed";
        case SshEnd::Reset: return "reset";
        case SshEnd::TimedOut: return "idle until timeout";
        case SshEnd::CaptureEnd: return "open at capture end";
        default: return "ended";
    }
}

std::string disconnect_note(const SshSession& s) {
    const std::string_view name = ssh_disconnect_name(s.disconnect_reason);
    return fmt::format("{} sent DISCONNECT {} ({}) \"{}\"", s.disconnect_from_client ? "client" : "server",
                       s.disconnect_reason, name.empty() ? "unknown reason" : name, s.disconnect_text);
}

// How far the handshake got before the connection ended.
std::string_view stage(const SshSession& s) {
    if (!s.c.ident || !s.s.ident) return "before both identifications";
    if (!s.c.kexinit || !s.s.kexinit) return "before both KEXINITs";
    return "during key exchange (no NEWKEYS both ways)";
}

class SshRules final : public Rule {
public:
    explicit SshRules(const RuleConfig& c)
        : no_common_min_(c.number("ssh.no_common_algorithm", "min_count")),
          mismatch_min_(c.number("ssh.version_mismatch", "min_count")),
          failed_min_(c.number("ssh.handshake_failed", "min_count")),
          weak_min_(c.number("ssh.weak_algorithm", "min_count")) {}

    void subscribe(EventBus& bus) override {
        bus.subscribe<&SshRules::on_ssh>(this);
    }
    void on_ssh(const SshSession& s) {
        // An SSH-1 peer against a side that speaks only SSH-2 ("1.99" speaks both).
        const bool ssh1 = (SshSession::ssh1_only(s.c) && s.s.proto_version.starts_with('2')) ||
                          (SshSession::ssh1_only(s.s) && s.c.proto_version.starts_with('2'));
        const bool differ = s.c.text_instead_of_packet.find("Protocol major versions differ") != std::string::npos ||
                            s.s.text_instead_of_packet.find("Protocol major versions differ") != std::string::npos;
        const bool version_disc = s.disconnect && s.disconnect_reason == kSshDisconnectProtocolVersion;
        const bool kex_disc = s.disconnect && s.disconnect_reason == kSshDisconnectKexFailed;
        const bool ended = s.end != SshEnd::CaptureEnd;
        const bool failed = !s.completed() && ended && !s.malformed && !s.gap;
        const bool weak = s.negotiated && weak_chosen(s) >= 0;
        if (!ssh1 && !differ && !version_disc && s.no_common < 0 && !kex_disc && !failed && !weak) return;
        Server* srv = servers_.get(s.server);
        if (!srv) return;
        if (ssh1 || differ || version_disc) {
            std::string note = fmt::format("client {}, server {}", peer(s.c), peer(s.s));
            for (const SshSide* side : {&s.c, &s.s})
                if (!side->text_instead_of_packet.empty())
                    note += fmt::format(", {} said \"{}\"", side == &s.c ? "client" : "server", side->text_instead_of_packet);
            if (version_disc) note += ", " + disconnect_note(s);
            srv->mismatch.add(s, std::move(note));
            return;
        }
        if (s.no_common >= 0 || kex_disc) {
            std::string note;
            if (s.no_common >= 0)
                note = fmt::format("no common {} algorithm: client ({}) offers {}, server ({}) offers {}",
                                   ssh_category_name(s.no_common), peer(s.c), s.c.lists[s.no_common], peer(s.s),
                                   s.s.lists[s.no_common]);
            if (kex_disc) note += fmt::format("{}{}", note.empty() ? "" : "; ", disconnect_note(s));
            srv->no_common.add(s, std::move(note));
            return;
        }
        if (failed) {
            std::string note = fmt::format("client {} {}, {}", ip_str(s.client), stage(s), end_text(s.end));
            if (s.disconnect) note += ", " + disconnect_note(s);
            srv->failed.add(s, std::move(note));
            return;
        }
        const int w = weak_chosen(s);
        srv->weak.add(s, fmt::format("{} {} (client {}, server {})", ssh_category_name(w), s.chosen[w], peer(s.c), peer(s.s)));
    }

    void finish(FinishContext& ctx) override {
        for (auto& [ip, s] : servers_) {
            emit(ctx, "ssh.no_common_algorithm", ip, s.no_common, no_common_min_,
                 "SSH client and server {} share no algorithm: {} connection(s) refused");
            emit(ctx, "ssh.version_mismatch", ip, s.mismatch, mismatch_min_, "SSH protocol version mismatch with {}: {} connection(s)");
            emit(ctx, "ssh.handshake_failed", ip, s.failed, failed_min_,
                 "SSH connections to {} ended before key exchange completed: {}");
            emit(ctx, "ssh.weak_algorithm", ip, s.weak, weak_min_, "SSH with {} negotiated a weak algorithm: {} connection(s)");
        }
    }

    [[nodiscard]] std::uint64_t dropped() const override { return servers_.dropped(); }

private:
    static int weak_chosen(const SshSession& s) {
        for (int i = 0; i < kSshCategories; ++i) {
            // "none" compression is normal; "none" as cipher or MAC is not.
            if (i >= kSshCompC2S) break;
            if (weak_algorithm(s.chosen[i])) return i;
        }
        return -1;
    }

    static void emit(FinishContext& ctx, std::string_view id, const IpAddress& ip, const Tally& t, double min,
                     fmt::format_string<std::string&, const std::uint64_t&> title) {
        if (!t.count || static_cast<double>(t.count) < min) return;
        Finding f;
        f.key = ip_str(ip);
        f.title = fmt::format(title, f.key, t.count);
        f.detail = fmt::format("{}. Clients: {}.", fmt::join(t.notes, "; "), join(t.clients, ip_str));
        f.hosts.push_back(f.key);
        for (auto& c : t.clients) f.hosts.push_back(ip_str(c));
        f.first_ts = t.first;
        f.last_ts = t.last;
        f.figures = {{"connections", static_cast<double>(t.count), ""}};
        f.evidence = t.ev;
        ctx.sink.raise(id, std::move(f));
    }

    double no_common_min_, mismatch_min_, failed_min_, weak_min_;
    BoundedMap<IpAddress, Server, 4096> servers_{"ssh.*: servers", "SSH findings for further servers"};
};

}  // namespace

void add_ssh_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c) {
    out.push_back(std::make_unique<SshRules>(c));
}

}  // namespace netdx
