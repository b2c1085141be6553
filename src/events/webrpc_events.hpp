#pragma once
// XML-RPC and JSON-RPC calls carried by HTTP/1.x, one event per call: the
// HTTP consumer (src/app/http.cpp, through src/app/webrpc_calls) reads the
// request and response bodies whose Content-Type says XML or JSON, pairs
// them by HTTP transaction and, within a JSON-RPC batch, by id. Texts are
// escaped and capped.
#include <cstdint>
#include <string>

#include "dissectors/webrpc/webrpc_parse.hpp"
#include "events/app_flow_fields.hpp"
#include "events/common.hpp"

namespace netdx {

enum class WebRpcOutcome : std::uint8_t {
    Result,      // a normal reply (<params>, "result")
    Fault,       // an XML-RPC <fault> or a JSON-RPC error object
    HttpError,   // the HTTP response was no RPC reply (status says why: 404, 500, ...)
    NoReply,     // a JSON-RPC notification, or a batch reply without this id
    Unreadable,  // the reply body could not be read as RPC (cut before the reply, malformed)
    Unanswered,  // the connection ended before the HTTP response
};

struct WebRpcCall : EventBase, AppFlowFields {  // where/ts: the end of the response (the request when unanswered)
    WebRpcKind kind = WebRpcKind::XmlRpc;
    WebRpcOutcome outcome = WebRpcOutcome::Result;

    std::string method;  // escaped; empty for a reply whose call was not read
    std::string id;      // JSON-RPC id as JSON text, escaped; empty when none
    bool batch = false;
    bool has_code = false;
    std::int64_t code = 0;  // faultCode / error.code
    std::string message;    // faultString / error.message, escaped
    std::uint16_t http_status = 0;
    bool cut = false;  // a body was kept only in part (kWebRpcBodyCap or missing bytes)

    FrameRef request_frame;  // the frame that completed the request
    double request_ts = 0;
    double latency = -1;  // seconds from the request's header to the response's; -1 unanswered
};

}  // namespace netdx
