// TLS rules over the TLS consumer's sessions, per server: version mismatch
// (protocol_version alert, or an old client refused right after its hello),
// expired or not-yet-valid certificates (dates of the leaf in clear, or a
// certificate_expired alert), and other fatal alerts ending the handshake.
#include <ctime>
#include <map>

#include "events/tls_events.hpp"
#include "rules/bounded.hpp"
#include "rules/format.hpp"
#include "rules/rules_all.hpp"

namespace netdx {

namespace {

constexpr std::uint8_t kFatal = 2, kHandshakeFailure = 40, kCertExpired = 45, kProtocolVersion = 70;

struct Tally {
    std::uint64_t count = 0;
    double first = 0, last = 0;
    std::set<std::string> notes;  // capped
    std::set<IpAddress> clients;  // capped
    Evidence ev;
    void add(const TlsSession& s, std::string note) {
        if (!count || s.ts < first) first = s.ts;
        last = std::max(last, s.ts);
        ++count;
        if (notes.size() < 6) notes.insert(std::move(note));
        if (clients.size() < 8) clients.insert(s.client);
        ev.add(s.where);
        if (s.server_hello) ev.add(s.server_hello_frame);
        if (s.has_certificate && s.leaf.where != s.server_hello_frame) ev.add(s.leaf.where);
        for (const TlsAlert& a : s.alerts) ev.add(a.where);
    }
};

struct Server {
    Tally mismatch, failed;
};

// One certificate out of its dates, however many servers present it (a
// wildcard or shared certificate on a farm of servers is one problem).
struct ExpiredCert {
    Tally tally;
    std::string cn;
    double not_before = 0, not_after = 0;
    std::set<IpAddress> servers;  // distinct, up to kMaxServers (then counted no further)
    std::uint64_t server_count = 0;
    static constexpr std::size_t kMaxServers = 4096;
};

std::string date_str(double t) {
    const auto secs = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

std::string sender(const TlsAlert& a) { return a.from_client ? "client" : "server"; }

class TlsRules final : public Rule {
public:
    explicit TlsRules(const RuleConfig& c)
        : mismatch_min_(c.number("tls.version_mismatch", "min_count")),
          expired_min_(c.number("tls.cert_expired", "min_count")),
          failed_min_(c.number("tls.handshake_failed", "min_count")) {}

    void subscribe(EventBus& bus) override {
        bus.subscribe<&TlsRules::on_tls>(this);
    }
    void on_tls(const TlsSession& s) {
        const TlsAlert* fatal = nullptr;
        for (const TlsAlert& a : s.alerts)
            if (!a.encrypted && a.level == kFatal) {
                fatal = &a;
                break;
            }
        const bool dated = s.has_certificate && s.leaf.parsed && s.leaf.not_after > 0;
        const bool cert_bad_date = dated && (s.leaf.not_after < s.ts || s.leaf.not_before > s.ts);
        const bool old_client = s.client_hello && s.client_max_version < kTls12;
        const bool refused_hello = old_client && !s.server_hello && fatal && fatal->description == kHandshakeFailure &&
                                   !fatal->from_client;
        if (!fatal && !cert_bad_date) return;
        Server* srv = servers_.get(s.server);
        if (!srv) return;
        const std::string name = s.sni.empty() ? (s.leaf.subject_cn.empty() ? "-" : s.leaf.subject_cn) : s.sni;
        if ((fatal && fatal->description == kProtocolVersion) || refused_hello) {
            srv->mismatch.add(s, fmt::format("client offered up to {}{}, {} sent {}", tls_version_name(s.client_max_version),
                                             s.server_hello ? fmt::format(", server chose {}", tls_version_name(s.version)) : "",
                                             sender(*fatal), tls_alert_name(fatal->description)));
            return;
        }
        if (cert_bad_date || (fatal && fatal->description == kCertExpired)) {
            // Keyed by the certificate's fingerprint; by server when only an alert tells.
            const std::string key = dated && !s.leaf.sha256.empty() ? s.leaf.sha256 : "server " + ip_str(s.server);
            ExpiredCert* c = expired_.get(key);
            if (!c) return;
            if (dated) {
                c->cn = s.leaf.subject_cn;
                c->not_before = s.leaf.not_before;
                c->not_after = s.leaf.not_after;
            }
            if (c->servers.size() < ExpiredCert::kMaxServers && c->servers.insert(s.server).second) ++c->server_count;
            std::string note = fmt::format("name {}", name);
            if (dated)
                note += fmt::format(", certificate CN {} valid {} to {}", s.leaf.subject_cn.empty() ? "-" : s.leaf.subject_cn,
                                    date_str(s.leaf.not_before), date_str(s.leaf.not_after));
            if (fatal) note += fmt::format(", {} sent {}", sender(*fatal), tls_alert_name(fatal->description));
            c->tally.add(s, std::move(note));
            return;
        }
        srv->failed.add(s, fmt::format("{} sent {} (name {})", sender(*fatal), tls_alert_name(fatal->description), name));
    }

    void finish(FinishContext& ctx) override {
        for (auto& [ip, s] : servers_) {
            emit(ctx, "tls.version_mismatch", ip, s.mismatch, mismatch_min_, "TLS version mismatch with {}: {} handshake(s) refused");
            emit(ctx, "tls.handshake_failed", ip, s.failed, failed_min_, "TLS handshakes with {} failed: {} fatal alert(s)");
        }
        for (auto& [key, c] : expired_) emit_expired(ctx, key, c);
    }

    [[nodiscard]] std::uint64_t dropped() const override { return servers_.dropped() + expired_.dropped(); }

private:
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
        f.figures = {{"handshakes", static_cast<double>(t.count), ""}};
        f.evidence = t.ev;
        ctx.sink.raise(id, std::move(f));
    }

    void emit_expired(FinishContext& ctx, const std::string& key, const ExpiredCert& c) const {
        const Tally& t = c.tally;
        if (!t.count || static_cast<double>(t.count) < expired_min_) return;
        Finding f;
        f.key = key;
        std::vector<IpAddress> first;  // the servers named: the first 16 (by address)
        for (const IpAddress& s : c.servers) {
            if (first.size() == 16) break;
            first.push_back(s);
        }
        const std::string servers = join(first, ip_str);
        const bool many = c.server_count > first.size();
        if (c.not_after > 0)
            f.title = fmt::format("TLS certificate CN {} (valid {} to {}) {} on {} server{}: {} handshake(s)",
                                  c.cn.empty() ? "-" : c.cn, date_str(c.not_before), date_str(c.not_after),
                                  c.not_after < t.first ? "expired" : "not yet valid", c.server_count,
                                  c.server_count == 1 ? "" : "s", t.count);
        else
            f.title = fmt::format("TLS certificate of {} expired or not yet valid: {} handshake(s)", servers, t.count);
        f.detail = fmt::format("{}. Servers: {}{}. Clients: {}.{}", fmt::join(t.notes, "; "), servers,
                               many ? fmt::format(" and {} more", c.server_count - first.size()) : "",
                               join(t.clients, ip_str),
                               key.size() == 64 ? fmt::format(" SHA-256 fingerprint {}.", key) : "");
        for (auto& s : first) f.hosts.push_back(ip_str(s));
        for (auto& cl : t.clients) f.hosts.push_back(ip_str(cl));
        f.first_ts = t.first;
        f.last_ts = t.last;
        f.figures = {{"handshakes", static_cast<double>(t.count), ""}, {"servers", static_cast<double>(c.server_count), ""}};
        f.evidence = t.ev;
        ctx.sink.raise("tls.cert_expired", std::move(f));
    }

    double mismatch_min_, expired_min_, failed_min_;
    BoundedMap<IpAddress, Server, 4096> servers_{"tls.version_mismatch/handshake_failed: servers", "TLS failure findings for further servers"};
    BoundedMap<std::string, ExpiredCert, 4096> expired_{"tls.cert_expired: certificates", "expired-certificate findings for further certificates"};
};

}  // namespace

void add_tls_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c) {
    out.push_back(std::make_unique<TlsRules>(c));
}

}  // namespace netdx
