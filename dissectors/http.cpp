// HTTP/1.x for the packet view, segment by segment as tshark 4.0 shows it
// without TCP reassembly: a segment starting with a request line or a status
// line is a message head ("GET / HTTP/1.1 ", "HTTP/1.1 200 OK  (text/html)"),
// any other segment on an HTTP port is "Continuation" (body bytes, or the rest
// of a head split across segments). Stateless and allocation-free; header
// values are escaped, and Authorization / Proxy-Authorization show their
// scheme only.
#include "dissectors/http/http_head.hpp"
#include "core/escape.hpp"
#include "dissectors/common.hpp"
#include "dissectors/pdu_segment.hpp"
#include "dissectors/text_lines.hpp"

namespace netdx {

namespace {

constexpr std::size_t kMaxMethod = 16;
constexpr int kMaxHeaderLines = 128;

Proto decode(Cursor& c, Packet&, Layer& layer) {
    layer.length = static_cast<std::uint32_t>(c.remaining());
    return Proto::None;
}

bool iequal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
    return true;
}

bool is_version(std::string_view v) { return v.size() == 8 && v.substr(0, 7) == "HTTP/1." && v[7] >= '0' && v[7] <= '9'; }

bool is_method(std::string_view m) { return m.size() <= kMaxMethod && is_known_http_method(m); }

struct StartLine {
    bool request = false, response = false;
    std::string_view method, uri, version;  // request
    std::string_view code, phrase;          // response (version shared)
};

StartLine start_line_of(std::string_view line) {
    StartLine s;
    const std::size_t sp1 = line.find(' ');
    if (sp1 == std::string_view::npos) return s;
    const std::string_view first = line.substr(0, sp1), rest = line.substr(sp1 + 1);
    if (is_version(first)) {
        if (rest.size() < 3 || (rest.size() > 3 && rest[3] != ' ')) return s;
        for (std::size_t i = 0; i < 3; ++i)
            if (rest[i] < '0' || rest[i] > '9') return s;
        s.response = true;
        s.version = first;
        s.code = rest.substr(0, 3);
        s.phrase = rest.size() > 4 ? rest.substr(4) : std::string_view{};
        return s;
    }
    if (!is_method(first)) return s;
    const std::size_t sp2 = rest.rfind(' ');
    if (sp2 == std::string_view::npos || !is_version(rest.substr(sp2 + 1))) return s;
    s.request = true;
    s.method = first;
    s.uri = rest.substr(0, sp2);
    s.version = rest.substr(sp2 + 1);
    return s;
}

struct Head {
    StartLine start;
    std::string_view host, user_agent, content_type, content_length, server, authorization_scheme;
    bool has_authorization = false;
    bool complete = false;   // the empty line ending the head is in this segment
    std::size_t body = 0;    // bytes after that empty line
};

std::string_view trimmed(std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    return v;
}

Head head_of(std::string_view seg) {
    Head h;
    TextLines lines(seg);
    std::string_view line;
    if (!lines.next(line)) return h;
    h.start = start_line_of(line);
    if (!h.start.request && !h.start.response) return h;
    std::size_t consumed = 0;
    for (int n = 0; n < kMaxHeaderLines && lines.next(line); ++n) {
        if (line.empty()) {
            // Where the empty line ends: its offset in the segment plus its line end.
            consumed = static_cast<std::size_t>(line.data() - seg.data());
            consumed += seg.substr(consumed, 2) == "\r\n" ? 2 : 1;
            h.complete = consumed <= seg.size();
            h.body = h.complete ? seg.size() - consumed : 0;
            break;
        }
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        const std::string_view name = line.substr(0, colon), value = trimmed(line.substr(colon + 1));
        if (iequal(name, "Host")) h.host = value;
        else if (iequal(name, "User-Agent")) h.user_agent = value;
        else if (iequal(name, "Content-Type")) h.content_type = value;
        else if (iequal(name, "Content-Length")) h.content_length = value;
        else if (iequal(name, "Server")) h.server = value;
        else if (iequal(name, "Authorization") || iequal(name, "Proxy-Authorization")) {
            h.has_authorization = true;
            h.authorization_scheme = value.substr(0, value.find(' '));
        }
    }
    return h;
}

Head head_of(const Packet& pkt, const Layer& l) { return head_of(layer_text(pkt, l)); }

// What tshark's body dissector appends to the info column: most media types
// print as "(type)" without parameters; the image dissectors print their own
// names and the XML one nothing.
struct MediaType {
    char lower[64];
    std::size_t size = 0;
    [[nodiscard]] std::string_view view() const { return {lower, size}; }
};

// The media type of a Content-Type value, lowercased, without parameters.
MediaType media_type_of(std::string_view content_type) {
    std::string_view type = trimmed(content_type.substr(0, content_type.find(';')));
    MediaType m;
    m.size = std::min(type.size(), sizeof m.lower);
    for (std::size_t i = 0; i < m.size; ++i)
        m.lower[i] = (type[i] >= 'A' && type[i] <= 'Z') ? static_cast<char>(type[i] | 0x20) : type[i];
    return m;
}

bool is_xml(std::string_view t) { return t == "text/xml" || t == "application/xml"; }

void append_media_suffix(std::string_view content_type, std::string_view body, fmt::memory_buffer& out) {
    const MediaType m = media_type_of(content_type);
    const std::string_view t = m.view();
    if (t.empty() || is_xml(t)) return;
    if (t == "image/png") return info(out, " (PNG)");
    if (t == "image/jpeg") return info(out, " (JPEG JFIF image)");
    if (t == "image/gif") {
        if (body.substr(0, 6) == "GIF89a" || body.substr(0, 6) == "GIF87a") {
            info(out, " (");
            append_escaped(out, body.substr(0, 6));
            out.push_back(')');
        }
        return;
    }
    info(out, " (");
    append_escaped(out, t);
    out.push_back(')');
}

void http_info(const Packet& pkt, const Layer& l, fmt::memory_buffer& out) {
    const std::string_view seg = layer_text(pkt, l);
    if (!http_start_line_info(seg, out)) return info(out, "Continuation");
    const Head h = head_of(seg);
    if (h.complete && h.body > 0 && !h.content_type.empty())
        append_media_suffix(h.content_type, seg.substr(seg.size() - h.body), out);
}

}  // namespace

bool http_start_line_info(std::string_view msg, fmt::memory_buffer& out) {
    const Head h = head_of(msg);
    if (!h.start.request && !h.start.response) return false;
    if (h.start.request) {
        append_escaped(out, h.start.method);
        out.push_back(' ');
        append_escaped(out, h.start.uri);
        out.push_back(' ');
        append_escaped(out, h.start.version);
    } else {
        append_escaped(out, h.start.version);
        out.push_back(' ');
        append_escaped(out, h.start.code);
        out.push_back(' ');
        append_escaped(out, h.start.phrase);
    }
    out.push_back(' ');
    return true;
}

namespace {

// tshark names the column after the body's dissector when it has one of its
// own: "HTTP/XML", "HTTP/JSON".
std::string_view http_column(const Packet& pkt, const Layer& l) {
    const Head h = head_of(pkt, l);
    if (!h.complete || h.body == 0 || h.content_type.empty()) return "HTTP";
    const MediaType m = media_type_of(h.content_type);
    if (is_xml(m.view())) return "HTTP/XML";
    if (m.view() == "application/json") return "HTTP/JSON";
    if (m.view() == "application/ocsp-request" || m.view() == "application/ocsp-response") return "OCSP";
    return "HTTP";
}

template <std::string_view StartLine::*Part, bool Request>
void f_start(const FieldContext& c, FieldOut& out) {
    const Head h = head_of(c.pkt, *c.layer);
    if (Request ? h.start.request : h.start.response) out.text(h.start.*Part);
}

void f_code(const FieldContext& c, FieldOut& out) {
    const Head h = head_of(c.pkt, *c.layer);
    if (h.start.response)
        out.uint(static_cast<unsigned>((h.start.code[0] - '0') * 100 + (h.start.code[1] - '0') * 10 + (h.start.code[2] - '0')));
}

template <std::string_view Head::*Header>
void f_header(const FieldContext& c, FieldOut& out) {
    const Head h = head_of(c.pkt, *c.layer);
    if (!(h.*Header).empty()) out.text(h.*Header);
}

void f_authorization_scheme(const FieldContext& c, FieldOut& out) {
    const Head h = head_of(c.pkt, *c.layer);
    if (h.has_authorization) out.text(h.authorization_scheme);
}

template <bool Request>
void f_is(const FieldContext& c, FieldOut& out) {
    const Head h = head_of(c.pkt, *c.layer);
    if (Request ? h.start.request : h.start.response) out.boolean(true);
}

const FieldDef kFields[] = {
    {"http.request", "Request", f_is<true>},
    {"http.response", "Response", f_is<false>},
    {"http.request.method", "Request Method", f_start<&StartLine::method, true>},
    {"http.request.uri", "Request URI", f_start<&StartLine::uri, true>},
    {"http.request.version", "Request Version", f_start<&StartLine::version, true>},
    {"http.response.version", "Response Version", f_start<&StartLine::version, false>},
    {"http.response.code", "Status Code", f_code},
    {"http.response.phrase", "Response Phrase", f_start<&StartLine::phrase, false>},
    {"http.host", "Host", f_header<&Head::host>},
    {"http.user_agent", "User-Agent", f_header<&Head::user_agent>},
    {"http.server", "Server", f_header<&Head::server>},
    {"http.content_type", "Content-Type", f_header<&Head::content_type>},
    {"http.content_length_header", "Content-Length", f_header<&Head::content_length>},
    {"netdx.http.authorization_scheme", "Authorization scheme (credentials not shown)", f_authorization_scheme},
};


}  // namespace

const DissectorDef http_dissector = {Proto::Http, "http", "HTTP", decode, http_info, kFields, {}, http_column};

}  // namespace netdx
