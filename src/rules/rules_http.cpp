// HTTP rules over the HTTP consumer's transactions: servers answering with
// 5xx errors (count and share, with the URIs and codes most affected), and
// requests a server never answered.
#include <algorithm>
#include <map>

#include "events/http_events.hpp"
#include "rules/bounded.hpp"
#include "rules/format.hpp"
#include "rules/rules_all.hpp"

namespace netdx {

namespace {

constexpr std::size_t kUriKeep = 64;  // distinct "status uri" pairs counted per server

struct Server {
    std::uint64_t answered = 0, errors = 0, unanswered = 0;
    double first = 0, last = 0, un_first = 0, un_last = 0;
    std::map<std::string, std::uint64_t> by_uri;  // "503 /path" -> count, capped
    std::set<IpAddress> clients;                  // capped
    Evidence ev, un_ev;
    std::set<std::string> un_uris;                // capped
};

class HttpRules final : public Rule {
public:
    explicit HttpRules(const RuleConfig& c)
        : min_errors_(c.number("http.server_errors", "min_errors")),
          min_ratio_(c.number("http.server_errors", "min_ratio")),
          un_min_(c.number("http.unanswered", "min_count")),
          un_wait_(c.number("http.unanswered", "wait_s")) {}

    void subscribe(EventBus& bus) override {
        bus.subscribe<&HttpRules::on_http>(this);
    }
    void on_http(const HttpTransaction& t) {
        if (t.end != HttpEnd::Answered && t.end != HttpEnd::Orphan && t.end != HttpEnd::Unanswered) return;
        Server* s = servers_.get(t.server);
        if (!s) return;
        if (s->clients.size() < 8) s->clients.insert(t.client);
        if (t.end == HttpEnd::Unanswered) {
            // Still open when the capture ended: judged in finish against its end.
            if (t.at_capture_end) {
                if (open_.size() < 4096) open_.push_back({t.server, t.request_ts, t.request_frame, t.uri});
                return;
            }
            add_unanswered(*s, t.request_ts, t.request_frame, t.uri);
            return;
        }
        ++s->answered;
        if (t.status < 500 || t.status > 599) return;
        if (!s->errors) s->first = t.ts;
        ++s->errors;
        s->last = t.ts;
        const std::string key = fmt::format("{} {}", t.status, t.has_request ? t.uri : std::string("(request not seen)"));
        if (auto it = s->by_uri.find(key); it != s->by_uri.end()) ++it->second;
        else if (s->by_uri.size() < kUriKeep) s->by_uri.emplace(key, 1);
        if (t.has_request) s->ev.add(t.request_frame);
        s->ev.add(t.response_frame);
    }

    void finish(FinishContext& ctx) override {
        for (const Open& o : open_)
            if (ctx.capture_last - o.ts >= un_wait_)
                if (Server* s = servers_.find_mut(o.server)) add_unanswered(*s, o.ts, o.frame, o.uri);
        for (auto& [ip, s] : servers_) {
            server_errors(ctx, ip, s);
            unanswered(ctx, ip, s);
        }
    }

    [[nodiscard]] std::uint64_t dropped() const override { return servers_.dropped(); }

private:
    struct Open {
        IpAddress server;
        double ts;
        FrameRef frame;
        std::string uri;
    };

    static void add_unanswered(Server& s, double ts, FrameRef f, const std::string& uri) {
        if (!s.unanswered || ts < s.un_first) s.un_first = ts;
        s.un_last = std::max(s.un_last, ts);
        ++s.unanswered;
        s.un_ev.add(f);
        if (s.un_uris.size() < 6) s.un_uris.insert(uri);
    }

    void server_errors(FinishContext& ctx, const IpAddress& ip, const Server& s) {
        if (!s.errors || static_cast<double>(s.errors) < min_errors_) return;
        const double ratio = static_cast<double>(s.errors) / static_cast<double>(s.answered);
        if (ratio < min_ratio_) return;
        std::vector<std::pair<std::string, std::uint64_t>> top(s.by_uri.begin(), s.by_uri.end());
        std::sort(top.begin(), top.end(), [](auto& a, auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
        if (top.size() > 5) top.resize(5);
        Finding f;
        f.key = ip_str(ip);
        f.title = fmt::format("HTTP server {} answered {} of {} requests with 5xx errors ({:.0f}%)", f.key, s.errors,
                              s.answered, ratio * 100);
        f.detail = fmt::format("Most affected (status URI x count): {}. Clients: {}.",
                               join(top, [](auto& p) { return fmt::format("{} x{}", p.first, p.second); }),
                               join(s.clients, ip_str));
        f.hosts.push_back(f.key);
        for (auto& c : s.clients) f.hosts.push_back(ip_str(c));
        f.first_ts = s.first;
        f.last_ts = s.last;
        f.figures = {{"errors", static_cast<double>(s.errors), ""},
                     {"responses", static_cast<double>(s.answered), ""},
                     {"ratio", ratio * 100, "%"}};
        f.evidence = s.ev;
        ctx.sink.raise("http.server_errors", std::move(f));
    }

    void unanswered(FinishContext& ctx, const IpAddress& ip, const Server& s) {
        if (!s.unanswered || static_cast<double>(s.unanswered) < un_min_) return;
        Finding f;
        f.key = ip_str(ip);
        f.title = fmt::format("HTTP server {} never answered {} request(s)", f.key, s.unanswered);
        f.detail = fmt::format("URIs: {}. {} request(s) were answered. Clients: {}.", fmt::join(s.un_uris, ", "),
                               s.answered, join(s.clients, ip_str));
        f.hosts.push_back(f.key);
        for (auto& c : s.clients) f.hosts.push_back(ip_str(c));
        f.first_ts = s.un_first;
        f.last_ts = s.un_last;
        f.figures = {{"unanswered", static_cast<double>(s.unanswered), ""},
                     {"answered", static_cast<double>(s.answered), ""}};
        f.evidence = s.un_ev;
        ctx.sink.raise("http.unanswered", std::move(f));
    }

    double min_errors_, min_ratio_, un_min_, un_wait_;
    BoundedMap<IpAddress, Server, 4096> servers_{"http.*: servers", "HTTP error/unanswered findings for further servers"};
    std::vector<Open> open_;
};

}  // namespace

void add_http_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c) {
    out.push_back(std::make_unique<HttpRules>(c));
}

}  // namespace netdx
