#pragma once
// XML-RPC and JSON-RPC messages read from an HTTP body prefix. The HTTP
// consumer keeps at most kWebRpcBodyCap bytes of a body whose Content-Type
// says XML or JSON; `cut` says that prefix is not the whole body (the cap, or
// bytes missing from the capture), so the parsers report what the prefix
// holds and never call a cut document malformed. Texts are raw wire bytes,
// capped; whoever prints them escapes them.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace netdx {

inline constexpr std::size_t kWebRpcBodyCap = 16 * 1024;  // bytes kept per body
inline constexpr std::size_t kWebRpcTextCap = 256;        // method names, fault strings, ids
inline constexpr std::size_t kWebRpcBatchCap = 64;        // calls kept per JSON-RPC batch

enum class WebRpcKind : std::uint8_t { XmlRpc, JsonRpc };

// Which RPC a Content-Type announces (media type only, parameters ignored):
// text/xml and application/xml may carry XML-RPC, application/json (and the
// older json-rpc / jsonrequest types) JSON-RPC. False for anything else.
bool webrpc_kind_for_content_type(std::string_view content_type, WebRpcKind& kind);

// One message of a body: a call (method set) or a reply (result or error).
struct WebRpcMessage {
    std::string method;  // the call's method name; empty in a reply
    std::string id;      // JSON-RPC: the id as JSON text (42, "a", null); empty when absent
    bool has_id = false;  // JSON-RPC 2.0: a call without id is a notification
    bool fault = false;   // XML-RPC <fault>, JSON-RPC non-null "error"
    bool has_code = false;
    std::int64_t code = 0;  // faultCode / error.code
    std::string message;    // faultString / error.message (or a JSON-RPC 1.0 error that is no object, as JSON text)
    bool result = false;    // XML-RPC <params>, JSON-RPC "result" (a reply that is not a fault)
    bool partial = false;   // the body was cut inside this message
};

struct WebRpcBody {
    std::vector<WebRpcMessage> messages;
    bool batch = false;          // JSON-RPC: a top-level array
    std::uint32_t dropped = 0;   // batch elements past kWebRpcBatchCap, counted only
    const char* problem = nullptr;  // not XML-RPC/JSON-RPC, or malformed before the cut
};

// `call`: the body of a request (<methodCall>) or of a response
// (<methodResponse>).
WebRpcBody parse_xmlrpc(std::string_view body, bool cut, bool call);
// Objects with "method" are calls, the others replies (a batch may mix them).
WebRpcBody parse_jsonrpc(std::string_view body, bool cut);

}  // namespace netdx
