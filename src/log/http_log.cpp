#include "log/http_log.hpp"

#include <array>

#include "events/event_bus.hpp"
#include "events/http_events.hpp"
#include "log/flow_uid.hpp"
#include "log/log_fields.hpp"

namespace netdx {

namespace {
constexpr std::array<std::string_view, 13> kFields = {
    "ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "trans_depth",
    "method", "host", "uri", "user_agent", "status_code", "status_msg",
};
constexpr LogSchema kSchema{"http", kFields};
}  // namespace

void HttpLog::subscribe(EventBus& bus) { bus.subscribe<&HttpLog::on_http>(this); }

const LogSchema& HttpLog::schema() const { return kSchema; }

void HttpLog::on_http(const HttpTransaction& t) {
    if (!t.has_request && !t.has_response) return;
    const std::uint64_t depth = ++depth_[t.flow_id];
    if (!admit_row()) return;
    LogRow r;
    r.ts = t.has_request ? t.request_ts : t.response_ts;
    auto& v = r.values;
    v.emplace_back(r.ts);
    v.emplace_back(flow_uid(t.flow_id));
    append_conn_id(v, 6, t.client, t.client_port, t.server, t.server_port);
    v.emplace_back(depth);
    if (t.has_request) {
        v.emplace_back(t.method);
        // A request without a Host header (HTTP/1.0) has no host, not an empty one.
        if (t.host.empty()) v.emplace_back(Unset{});
        else v.emplace_back(t.host);
        v.emplace_back(t.uri);
        append_text(v, t.user_agent);
    } else {
        v.insert(v.end(), 4, Unset{});
    }
    if (t.has_response) {
        v.emplace_back(std::uint64_t{t.status});
        v.emplace_back(t.reason);
    } else {
        v.insert(v.end(), 2, Unset{});
    }
    add_row(std::move(r));
}

}  // namespace netdx
