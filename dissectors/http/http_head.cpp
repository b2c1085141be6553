#include "dissectors/http/http_head.hpp"

#include <algorithm>

namespace netdx {

namespace {

constexpr std::size_t kMaxMethod = 20;

bool is_token_char(char c) { return (c >= 'A' && c <= 'Z') || c == '-' || c == '_'; }

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// Next line of `rest` without its line ending; false at the end.
bool next_line(std::string_view& rest, std::string_view& line) {
    if (rest.empty()) return false;
    const auto nl = rest.find('\n');
    line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return true;
}

// "HTTP/1.x"; false for anything else.
bool parse_version(std::string_view v, std::uint8_t& minor) {
    if (v.size() != 8 || v.substr(0, 7) != "HTTP/1." || v[7] < '0' || v[7] > '9') return false;
    minor = static_cast<std::uint8_t>(v[7] - '0');
    return true;
}

// Content-Length may repeat only with the same value (RFC 9112 6.3).
void parse_fields(std::string_view rest, HttpHead& h) {
    std::string_view line;
    while (next_line(rest, line)) {
        if (line.empty()) break;
        if (line.front() == ' ' || line.front() == '\t') continue;  // obsolete folding
        const auto colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) {
            h.problem = "header field without a name";
            return;
        }
        const std::string_view name = line.substr(0, colon);
        if (name.find(' ') != std::string_view::npos || name.find('\t') != std::string_view::npos) {
            h.problem = "white space in a header field name";
            return;
        }
        const std::string_view value = trim(line.substr(colon + 1));
        if (iequals(name, "host")) {
            h.host = value;
        } else if (iequals(name, "user-agent")) {
            h.user_agent = value;
        } else if (iequals(name, "content-encoding")) {
            h.content_encoding = value;
        } else if (iequals(name, "content-type")) {
            h.content_type = value;
        } else if (iequals(name, "content-length")) {
            if (value.empty() || value.size() > 18) {
                h.problem = "invalid Content-Length";
                return;
            }
            std::uint64_t n = 0;
            for (char c : value) {
                if (c < '0' || c > '9') {
                    h.problem = "invalid Content-Length";
                    return;
                }
                n = n * 10 + static_cast<std::uint64_t>(c - '0');
            }
            if (h.has_length && n != h.length) {
                h.problem = "conflicting Content-Length fields";
                return;
            }
            h.has_length = true;
            h.length = n;
        } else if (iequals(name, "transfer-encoding")) {
            // Chunked must be the last coding applied.
            const auto comma = value.rfind(',');
            h.chunked = iequals(trim(comma == std::string_view::npos ? value : value.substr(comma + 1)), "chunked");
        }
    }
}

}  // namespace

std::size_t find_http_head_end(std::string_view s, std::size_t from) {
    for (std::size_t i = s.find('\n', from); i != std::string_view::npos; i = s.find('\n', i + 1)) {
        if (i + 1 < s.size() && s[i + 1] == '\n') return i + 2;
        if (i + 2 < s.size() && s[i + 1] == '\r' && s[i + 2] == '\n') return i + 3;
    }
    return std::string_view::npos;
}

HttpHead parse_http_request_head(std::string_view block) {
    HttpHead h;
    std::string_view rest = block, line;
    next_line(rest, line);
    const auto sp1 = line.find(' ');
    const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos) {
        h.problem = "request line is not METHOD URI VERSION";
        return h;
    }
    h.method = line.substr(0, sp1);
    h.uri = line.substr(sp1 + 1, sp2 - sp1 - 1);
    const std::string_view version = line.substr(sp2 + 1);
    if (h.method.empty() || h.method.size() > kMaxMethod || h.uri.empty()) {
        h.problem = "request line is not METHOD URI VERSION";
        return h;
    }
    for (char c : h.method)
        if (!is_token_char(c)) {
            h.problem = "invalid request method";
            return h;
        }
    if (h.method == "PRI" && version == "HTTP/2.0") {
        h.http2_preface = true;
        return h;
    }
    if (!parse_version(version, h.version_minor)) {
        h.problem = "request version is not HTTP/1.x";
        return h;
    }
    parse_fields(rest, h);
    return h;
}

HttpHead parse_http_response_head(std::string_view block) {
    HttpHead h;
    std::string_view rest = block, line;
    next_line(rest, line);
    if (line.size() < 12 || !parse_version(line.substr(0, 8), h.version_minor) || line[8] != ' ') {
        h.problem = "status line is not HTTP/1.x CODE REASON";
        return h;
    }
    for (int i = 9; i < 12; ++i) {
        if (line[i] < '0' || line[i] > '9') {
            h.problem = "status code is not three digits";
            return h;
        }
        h.status = static_cast<std::uint16_t>(h.status * 10 + (line[i] - '0'));
    }
    if (h.status < 100 || (line.size() > 12 && line[12] != ' ')) {
        h.problem = "status code is not three digits";
        return h;
    }
    h.reason = line.size() > 13 ? line.substr(13) : std::string_view{};
    parse_fields(rest, h);
    return h;
}

bool is_known_http_method(std::string_view m) {
    static constexpr std::string_view kMethods[] = {
        "GET",      "POST",      "HEAD",  "PUT",  "DELETE", "OPTIONS", "TRACE",  "CONNECT", "PATCH",
        "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE",   "LOCK",    "UNLOCK", "SEARCH",  "REPORT"};
    return std::find(std::begin(kMethods), std::end(kMethods), m) != std::end(kMethods);
}

bool http_starts_message(std::string_view data) {
    const auto nl = data.find('\n');
    if (nl == std::string_view::npos) return false;
    std::string_view line = data.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::uint8_t minor = 0;
    if (line.size() >= 12 && parse_version(line.substr(0, 8), minor) && line[8] == ' ') {
        for (std::size_t i = 9; i < 12; ++i)
            if (line[i] < '0' || line[i] > '9') return false;
        return line.size() == 12 || line[12] == ' ';
    }
    const auto sp1 = line.find(' ');
    const auto sp2 = line.rfind(' ');
    if (sp1 == std::string_view::npos || sp2 == sp1) return false;
    return is_known_http_method(line.substr(0, sp1)) && parse_version(line.substr(sp2 + 1), minor);
}

bool looks_like_http_request_start(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size() && i <= kMaxMethod && is_token_char(s[i])) ++i;
    if (i == s.size()) return i > 0 && i <= kMaxMethod;  // a method cut by the segment end
    return i > 0 && i <= kMaxMethod && s[i] == ' ';
}

bool looks_like_http_response_start(std::string_view s) {
    constexpr std::string_view kPrefix = "HTTP/1.";
    const std::size_t n = std::min(s.size(), kPrefix.size());
    return n > 0 && s.substr(0, n) == kPrefix.substr(0, n);
}

}  // namespace netdx
