#pragma once
// HTTP/1.x transactions as the rules engine and the live view see them. The
// consumer (src/app/http.cpp) pairs requests with responses in order and emits
// one HttpTransaction per response, per request never answered, and per
// problem that made it stop reading a flow. Text fields are copies from the
// wire, escaped and length-capped.
#include <cstdint>
#include <string>

#include "events/common.hpp"

namespace netdx {

enum class HttpEnd : std::uint8_t {
    Answered,     // a request and its (final) response
    Unanswered,   // the flow ended with this request still waiting
    Orphan,       // a response whose request was not seen (flow picked up mid-way)
    Malformed,    // a message that could not be parsed; the flow is no longer read
    StreamLost,   // a gap in the stream: pairing is unknown from here, the flow is no longer read
    Evicted,      // too many requests waiting; the oldest was dropped
};

struct HttpTransaction : EventBase {  // where/ts: the response (or the request when unanswered)
    HttpEnd end = HttpEnd::Answered;
    IpAddress client, server;
    std::uint16_t client_port = 0, server_port = 0;
    std::uint64_t flow_id = 0;

    bool has_request = false;
    FrameRef request_frame;  // the frame that completed the request's header block
    double request_ts = 0;
    std::string method, uri, host;  // escaped, capped
    std::uint8_t version_minor = 1;  // HTTP/1.x of the request
    std::string user_agent;          // escaped, capped (kHttpUserAgentCap); empty when the request sent none

    bool has_response = false;
    FrameRef response_frame;  // the frame that completed the response's header block
    double response_ts = 0;
    std::uint16_t status = 0;
    std::string reason;        // escaped, capped
    std::uint32_t interim = 0; // 1xx responses before the final one
    double latency = -1;       // seconds from request to response header; -1 if unpaired

    bool at_capture_end = false;  // Unanswered: the flow was still open when the capture ended
    std::string problem;  // for Malformed / StreamLost / Evicted: what happened
};

// Longest text kept from the wire per field (before escaping).
inline constexpr std::size_t kHttpUriCap = 256;
inline constexpr std::size_t kHttpFieldCap = 128;
inline constexpr std::size_t kHttpUserAgentCap = 256;  // browsers' User-Agents pass 128

}  // namespace netdx
