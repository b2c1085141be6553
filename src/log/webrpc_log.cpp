#include "log/webrpc_log.hpp"

#include <array>
#include <string>

#include "events/event_bus.hpp"
#include "events/webrpc_events.hpp"
#include "log/log_fields.hpp"

namespace netdx {

namespace {

// The same fields in both, JSON-RPC's id and batch flag besides.
constexpr std::array<std::string_view, 13> kXmlFields = {"ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h",
    "id.resp_p", "method", "outcome", "fault_code", "fault_string", "status_code", "rtt", "truncated"};
constexpr std::array<std::string_view, 15> kJsonFields = {"ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h",
    "id.resp_p", "method", "rpc_id", "batch", "outcome", "fault_code", "fault_string", "status_code", "rtt",
    "truncated"};
constexpr LogSchema kXmlSchema{"xmlrpc", kXmlFields};
constexpr LogSchema kJsonSchema{"jsonrpc", kJsonFields};

const char* outcome_name(WebRpcOutcome o) {
    switch (o) {
        case WebRpcOutcome::Result: return "result";
        case WebRpcOutcome::Fault: return "fault";
        case WebRpcOutcome::HttpError: return "http_error";
        case WebRpcOutcome::NoReply: return "no_reply";
        case WebRpcOutcome::Unreadable: return "unreadable";
        case WebRpcOutcome::Unanswered: return "unanswered";
    }
    return "?";
}

}  // namespace

template <WebRpcKind Kind>
void WebRpcLog<Kind>::subscribe(EventBus& bus) {
    bus.subscribe<&WebRpcLog::on_call>(this);
}

template <WebRpcKind Kind>
const LogSchema& WebRpcLog<Kind>::schema() const {
    return Kind == WebRpcKind::XmlRpc ? kXmlSchema : kJsonSchema;
}

template <WebRpcKind Kind>
void WebRpcLog<Kind>::on_call(const WebRpcCall& c) {
    if (c.kind != Kind || !admit_row()) return;
    LogRow r = tcp_log_row(c.request_ts, c);
    auto& v = r.values;
    append_text(v, c.method);
    if constexpr (Kind == WebRpcKind::JsonRpc) {
        append_text(v, c.id);
        v.emplace_back(c.batch);
    }
    v.emplace_back(std::string(outcome_name(c.outcome)));
    // Codes are signed (JSON-RPC's are negative): written as text.
    if (c.has_code) v.emplace_back(std::to_string(c.code));
    else v.emplace_back(Unset{});
    append_text(v, c.message);
    if (c.http_status) v.emplace_back(std::uint64_t{c.http_status});
    else v.emplace_back(Unset{});
    if (c.latency >= 0) v.emplace_back(c.latency);
    else v.emplace_back(Unset{});
    v.emplace_back(c.cut);
    add_row(std::move(r));
}

template class WebRpcLog<WebRpcKind::XmlRpc>;
template class WebRpcLog<WebRpcKind::JsonRpc>;

}  // namespace netdx
