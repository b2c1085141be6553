#include "servers/servers_report.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/format_addr.hpp"

namespace netdx {

std::string server_name(const ServerKey& k) {
    fmt::memory_buffer b;
    if (k.ip.family == 6) b.push_back('[');
    append_ip(b, k.ip);
    if (k.ip.family == 6) b.push_back(']');
    fmt::format_to(std::back_inserter(b), ":{}/{}", k.port, k.ip_proto == 17 ? "udp" : "tcp");
    return fmt::to_string(b);
}

std::vector<const ServerStats*> servers_by_load(const ServerTable& t) {
    std::vector<const ServerStats*> v;
    v.reserve(t.servers().size());
    for (const auto& s : t.servers()) v.push_back(s.get());
    std::stable_sort(v.begin(), v.end(), [](const ServerStats* a, const ServerStats* b) {
        if (a->requests != b->requests) return a->requests > b->requests;
        if (a->connections != b->connections) return a->connections > b->connections;
        return a->bytes_in + a->bytes_out > b->bytes_in + b->bytes_out;
    });
    return v;
}

namespace {

std::string duration_text(double s) {
    if (s < 0) return "-";
    if (s < 1e-3) return fmt::format("{:.0f}us", s * 1e6);
    if (s < 1) return fmt::format("{:.1f}ms", s * 1e3);
    return fmt::format("{:.2f}s", s);
}

std::string bytes_text(std::uint64_t n) {
    const double v = static_cast<double>(n);
    if (n < 10000) return fmt::format("{}", n);
    if (v < 1e6) return fmt::format("{:.1f}k", v / 1e3);
    if (v < 1e9) return fmt::format("{:.1f}M", v / 1e6);
    return fmt::format("{:.1f}G", v / 1e9);
}

std::string errors_text(const ServerStats& s) {
    if (s.errors.empty()) return "-";
    std::vector<ErrorCount> e = s.errors;
    std::stable_sort(e.begin(), e.end(), [](const ErrorCount& a, const ErrorCount& b) { return a.count > b.count; });
    std::string out;
    for (const ErrorCount& x : e) out += fmt::format("{}{} {}", out.empty() ? "" : ", ", x.count, x.kind);
    return out;
}

// Latency in milliseconds for JSON (null when there is none).
nlohmann::json ms(double s) { return s < 0 ? nlohmann::json(nullptr) : nlohmann::json(s * 1e3); }

bool only_refused(const ServerStats& s) { return s.requests == 0 && s.connections == 0; }

}  // namespace

nlohmann::json server_json(const ServerStats& s) {
    nlohmann::json j;
    fmt::memory_buffer ip;
    append_ip(ip, s.key.ip);
    j["server"] = fmt::to_string(ip);
    j["port"] = s.key.port;
    j["transport"] = s.key.ip_proto == 17 ? "udp" : "tcp";
    j["service"] = s.service;
    j["clients"] = s.clients.count();
    j["clients_estimated"] = s.clients.estimated();
    j["connections"] = s.connections;
    j["requests"] = s.requests;
    j["responses"] = s.responses;
    const double rate = s.request_rate();
    j["requests_per_s"] = rate < 0 ? nlohmann::json(nullptr) : nlohmann::json(rate);
    j["latency_ms"] = {{"samples", s.latency.count()}, {"p50", ms(s.latency.quantile(0.50))},
                       {"p95", ms(s.latency.quantile(0.95))},  {"p99", ms(s.latency.quantile(0.99))},
                       {"min", ms(s.latency.min())},           {"max", ms(s.latency.max())},
                       {"mean", ms(s.latency.mean())}};
    nlohmann::json errors = nlohmann::json::object();
    for (const ErrorCount& e : s.errors) errors[e.kind] = e.count;
    j["errors"] = std::move(errors);
    j["bytes_to_server"] = s.bytes_in;
    j["bytes_from_server"] = s.bytes_out;
    // Concurrency over time: mean open connections per slice of the timeline.
    const Timeline& t = s.timeline;
    nlohmann::json conc = nlohmann::json::array(), reqs = nlohmann::json::array();
    for (int i = 0; i < t.used(); ++i) {
        conc.push_back(std::round(t.concurrency(i) * 100) / 100);
        reqs.push_back(t.slice(i).requests);
    }
    j["timeline"] = {{"start", t.origin()}, {"slice_s", t.width()}, {"concurrency", std::move(conc)},
                     {"requests", std::move(reqs)}};
    j["peak_concurrency"] = std::round(t.peak_concurrency() * 100) / 100;
    return j;
}

void write_servers_json(std::FILE* out, const ServerTable& t) {
    for (const ServerStats* s : servers_by_load(t)) {
        const std::string line = server_json(*s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        fmt::print(out, "{}\n", line);
    }
}

void write_servers_text(std::FILE* out, const ServerTable& t, const ServersReportOptions& o) {
    const std::vector<const ServerStats*> rows = servers_by_load(t);
    std::size_t width = 6;
    std::uint64_t hidden = 0, hidden_refused = 0;
    for (const ServerStats* s : rows) {
        if (!o.all && only_refused(*s)) continue;
        width = std::max(width, server_name(s->key).size());
    }
    fmt::print(out, "{:<{}} {:<9} {:>7} {:>7} {:>6} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}  {}\n", "SERVER", width,
               "SERVICE", "CLIENTS", "CONNS", "CONC", "REQS", "REQ/S", "P50", "P95", "P99", "IN", "OUT", "ERRORS");
    for (const ServerStats* s : rows) {
        if (!o.all && only_refused(*s)) {
            ++hidden;
            hidden_refused += s->error_total();
            continue;
        }
        const double rate = s->request_rate();
        fmt::print(out, "{:<{}} {:<9} {:>7} {:>7} {:>6.1f} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}  {}\n",
                   server_name(s->key), width, s->service,
                   fmt::format("{}{}", s->clients.estimated() ? "~" : "", s->clients.count()), s->connections,
                   s->timeline.peak_concurrency(), s->requests, rate < 0 ? std::string("-") : fmt::format("{:.1f}", rate),
                   duration_text(s->latency.quantile(0.50)), duration_text(s->latency.quantile(0.95)),
                   duration_text(s->latency.quantile(0.99)), bytes_text(s->bytes_in), bytes_text(s->bytes_out),
                   errors_text(*s));
    }
    fmt::print(out, "# {} server(s)", rows.size());
    if (hidden)
        fmt::print(out, "; {} of them only refused connections ({} refusals; --all lists them)", hidden, hidden_refused);
    if (t.dropped_events())
        fmt::print(out, "; table full at {} servers: {}{} more server(s) left out ({} events)", t.max_servers(),
                   t.dropped_servers_estimated() ? "~" : "", t.dropped_servers(), t.dropped_events());
    fmt::print(out, "\n");
}

}  // namespace netdx
