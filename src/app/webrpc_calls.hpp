#pragma once
// XML-RPC and JSON-RPC calls over one HTTP connection. The HTTP consumer
// (src/app/http.cpp) hands it the heads, bodies and message ends its
// HttpStream reports; it keeps at most kWebRpcBodyCap bytes of a request
// body whose Content-Type says XML or JSON, and of the response to such a
// request, reads them with the parsers of dissectors/webrpc/, pairs the calls
// with their replies (by HTTP transaction, and by id within a JSON-RPC batch)
// and publishes one WebRpcCall per call. Requests that are no RPC (a REST
// API's JSON) publish nothing.
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "app/app_stream.hpp"
#include "dissectors/http/http_head.hpp"
#include "events/webrpc_events.hpp"

namespace netdx {

class WebRpcCalls {
public:
    WebRpcCalls(const AppEndpoints& ep, AppContext ctx) : ep_(ep), ctx_(ctx) {}

    void request(const HttpHead& h);
    // A final response's head (not 1xx): it answers the oldest request.
    void response(const HttpHead& h);
    void body(int dir, std::string_view data);
    void message_end(int dir);
    // Bytes of `dir` missing from the capture: its body is kept only in part.
    void gap(int dir);
    // The HTTP reading stopped (pairing unknown) or the connection ended.
    void stop();
    void close(bool at_capture_end);

private:
    enum class Coding : std::uint8_t { Identity, Gzip, Deflate };
    struct Body {
        bool keep = false;
        WebRpcKind kind = WebRpcKind::XmlRpc;
        Coding coding = Coding::Identity;
        std::string bytes;
        bool cut = false;
        void add(std::string_view data);
        // The kept bytes decoded (gzip/deflate: at most kWebRpcBodyCap out;
        // sets `cut` when that is not the whole body), then parsed.
        WebRpcBody parse(bool call);
    };
    struct Request {
        Body body;
        bool complete = false;
        FrameRef frame;
        double ts = 0;
        WebRpcBody parsed;
    };
    struct Response {
        Request req;
        Body body;
        std::uint16_t status = 0;
        double ts = 0;
    };

    static bool rpc_body(const HttpHead& h, Body& b);
    void parse_request(Request& r) const;
    void publish(const Request& r, Response* resp);
    WebRpcCall base(const Request& r, const Response* resp) const;

    AppEndpoints ep_;
    AppContext ctx_;
    std::deque<Request> pending_;   // in order; the back may still be receiving its body
    std::optional<Response> answer_;  // the response being received
};

}  // namespace netdx
