#pragma once
// Parsing of one HTTP/1.x header block (start line + header fields, RFC 9112
// sections 3-6), as far as framing and diagnosis need: the start line, Host,
// Content-Length and Transfer-Encoding. Views point into the block parsed.
#include <cstdint>
#include <string_view>

namespace netdx {

struct HttpHead {
    const char* problem = nullptr;  // set when the block is not valid HTTP/1.x
    bool http2_preface = false;     // "PRI * HTTP/2.0": the rest is not HTTP/1
    // Request line.
    std::string_view method, uri;
    // Status line.
    std::uint16_t status = 0;
    std::string_view reason;
    std::uint8_t version_minor = 1;
    // Fields.
    std::string_view host;
    std::string_view user_agent;  // empty if none
    std::string_view content_encoding;  // as sent (trimmed), empty if none
    std::string_view content_type;      // as sent (trimmed), empty if none
    bool chunked = false;
    bool has_length = false;
    std::uint64_t length = 0;
};

// `block` is everything up to and including the empty line ending it.
HttpHead parse_http_request_head(std::string_view block);
HttpHead parse_http_response_head(std::string_view block);

// Offset just past the empty line ending a header block in `s` (CRLF CRLF, or
// bare LF LF as tolerant parsers accept), searching from `from`; npos if none.
std::size_t find_http_head_end(std::string_view s, std::size_t from = 0);

// RFC 9110 methods plus the WebDAV ones tshark recognises (a request line
// the packet view shows, and the content probe, start with one of them).
bool is_known_http_method(std::string_view m);

// tshark's HTTP heuristic: `data` starts with a whole request line (known
// method, target, HTTP/1.x) or status line (HTTP/1.x and three digits).
bool http_starts_message(std::string_view data);

// Whether a chunk of data plausibly starts a request / a response (used at
// the start of a stream picked up mid-way).
bool looks_like_http_request_start(std::string_view s);
bool looks_like_http_response_start(std::string_view s);

}  // namespace netdx
