// XML-RPC (xmlrpc.com spec) with expat: a streaming parser, so a body cut at
// the kept prefix is fed as "not final" and everything before the cut is
// reported; only the few elements a diagnosis needs are followed (the method
// name, <params> or <fault> with its faultCode/faultString members), the rest
// is skipped. A DOCTYPE stops the parse: XML-RPC has none, and refusing it
// keeps entity expansion out whatever expat's own limits are.
#include <expat.h>

#include <array>
#include <charconv>

#include "dissectors/webrpc/webrpc_parse.hpp"

namespace netdx {

namespace {

constexpr int kMaxDepth = 256;  // deeper is no XML-RPC a server sends; stop rather than recurse on

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

class XmlRpcReader {
public:
    XmlRpcReader(bool call, WebRpcBody& out) : call_(call), out_(out) {}

    void start(std::string_view name) {
        if (stopped_) return;
        ++depth_;
        if (depth_ > kMaxDepth) return stop("XML nested deeper than 256 elements");
        if (depth_ <= static_cast<int>(path_.size())) path_[depth_ - 1] = name;
        if (depth_ == 1) {
            if (name != (call_ ? "methodCall" : "methodResponse")) return stop("not an XML-RPC document");
            out_.messages.emplace_back();
            return;
        }
        if (call_) {
            capture_ = depth_ == 2 && name == "methodName";
            if (capture_) text_.clear();
            return;
        }
        WebRpcMessage& m = out_.messages.back();
        if (depth_ == 2) {
            if (name == "params") m.result = true;
            if (name == "fault") m.fault = true;
            return;
        }
        if (!in_fault_member()) return;
        if (depth_ == 6 && name == "name") {
            capture_ = true;
            text_.clear();
        } else if (depth_ == 6 && name == "value") {
            capture_ = true;
            value_.clear();
        } else if (depth_ == 7 && path_[5] == "value") {
            value_.clear();  // <value><int>: the typed element's text, not the blanks before it
        }
    }

    void end() {
        if (depth_ <= 0 || stopped_) return;
        if (!out_.messages.empty() && depth_ <= static_cast<int>(path_.size())) {
            WebRpcMessage& m = out_.messages.back();
            if (call_ && depth_ == 2 && path_[1] == "methodName") {
                m.method.assign(trim(text_));
                capture_ = false;
            } else if (!call_ && in_fault_member()) {
                if (depth_ == 6 && path_[5] == "name") {
                    member_.assign(trim(text_));
                    capture_ = false;
                } else if (depth_ == 6 && path_[5] == "value") {
                    capture_ = false;
                } else if (depth_ == 5) {
                    fault_member(m);
                }
            }
        }
        --depth_;
    }

    void text(std::string_view s) {
        if (!capture_ || stopped_) return;
        std::string& to = depth_ >= 6 && path_[5] == "value" ? value_ : text_;
        to.append(s.substr(0, std::min(s.size(), kWebRpcTextCap - std::min(kWebRpcTextCap, to.size()))));
    }

    void set_parser(XML_Parser p) { parser_ = p; }
    [[nodiscard]] bool stopped() const { return stopped_; }
    [[nodiscard]] int depth() const { return depth_; }

    void stop(const char* why) {
        if (!out_.problem) out_.problem = why;
        stopped_ = true;
        XML_StopParser(parser_, XML_FALSE);
    }

private:
    // methodResponse > fault > value > struct > member (depth 5) and below.
    [[nodiscard]] bool in_fault_member() const {
        return depth_ >= 5 && path_[1] == "fault" && path_[2] == "value" && path_[3] == "struct" &&
               path_[4] == "member";
    }

    void fault_member(WebRpcMessage& m) {
        const std::string_view v = trim(value_);
        if (member_ == "faultCode") {
            std::int64_t code = 0;
            const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), code);
            if (ec == std::errc() && p == v.data() + v.size()) {
                m.code = code;
                m.has_code = true;
            }
        } else if (member_ == "faultString") {
            m.message.assign(value_);  // the text as sent: a multi-line traceback keeps its shape
        }
        member_.clear();
        value_.clear();
    }

    bool call_;
    WebRpcBody& out_;
    XML_Parser parser_ = nullptr;
    int depth_ = 0;
    std::array<std::string, 7> path_;  // element names of the levels a diagnosis reads
    bool capture_ = false, stopped_ = false;
    std::string text_, value_, member_;
};

void XMLCALL on_start(void* u, const XML_Char* name, const XML_Char** /*attrs*/) {
    static_cast<XmlRpcReader*>(u)->start(name);
}
void XMLCALL on_end(void* u, const XML_Char* /*name*/) { static_cast<XmlRpcReader*>(u)->end(); }
void XMLCALL on_text(void* u, const XML_Char* s, int len) {
    static_cast<XmlRpcReader*>(u)->text(std::string_view(s, static_cast<std::size_t>(len)));
}
void XMLCALL on_doctype(void* u, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    static_cast<XmlRpcReader*>(u)->stop("a DOCTYPE (XML-RPC has none)");
}

}  // namespace

WebRpcBody parse_xmlrpc(std::string_view body, bool cut, bool call) {
    WebRpcBody out;
    XML_Parser p = XML_ParserCreate(nullptr);
    if (!p) {
        out.problem = "out of memory";
        return out;
    }
    XmlRpcReader reader(call, out);
    reader.set_parser(p);
    XML_SetUserData(p, &reader);
    XML_SetElementHandler(p, on_start, on_end);
    XML_SetCharacterDataHandler(p, on_text);
    XML_SetStartDoctypeDeclHandler(p, on_doctype);
    // A cut body is a prefix: not final, so expat reports what is complete
    // and waits for the rest instead of calling the end an error.
    const XML_Status st = XML_Parse(p, body.data(), static_cast<int>(body.size()), cut ? XML_FALSE : XML_TRUE);
    if (st == XML_STATUS_ERROR && !reader.stopped() && !out.problem) out.problem = "malformed XML";
    if (cut && !out.messages.empty() && reader.depth() > 0) out.messages.back().partial = true;
    if (!out.problem && out.messages.empty()) out.problem = cut ? "cut before the root element" : "no root element";
    XML_ParserFree(p);
    return out;
}

}  // namespace netdx
