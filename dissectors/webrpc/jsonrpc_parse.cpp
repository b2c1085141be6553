// JSON-RPC 1.0 and 2.0 with nlohmann::json's SAX interface (the JSON library
// netdx already uses): no document tree is built, only the members a
// diagnosis reads (method, id, result, error.code, error.message) are kept,
// and a body cut at the kept prefix still yields the messages completed
// before the cut (the parser's error at the cut ends the reading, nothing
// more). Its parser keeps its own stack, so deep nesting does not recurse;
// kMaxDepth stops it anyway.
#include <nlohmann/json.hpp>

#include <cctype>

#include "dissectors/webrpc/webrpc_parse.hpp"

namespace netdx {

namespace {

constexpr int kMaxDepth = 256;

using json = nlohmann::json;

class JsonRpcReader {
public:
    explicit JsonRpcReader(WebRpcBody& out) : out_(out) {}

    bool null() { return scalar("null", Scalar::Null); }
    bool boolean(bool v) { return scalar(v ? "true" : "false", Scalar::Other); }
    bool number_integer(json::number_integer_t v) { return integer(v, std::to_string(v)); }
    bool number_unsigned(json::number_unsigned_t v) {
        return v <= static_cast<json::number_unsigned_t>(INT64_MAX) ? integer(static_cast<std::int64_t>(v), std::to_string(v))
                                                                     : scalar(std::to_string(v), Scalar::Other);
    }
    bool number_float(json::number_float_t, const json::string_t& text) { return scalar(text, Scalar::Other); }
    bool string(json::string_t& v) { return scalar(v, Scalar::String); }
    bool binary(json::binary_t&) { return true; }  // not produced by the JSON reader

    bool start_object(std::size_t) {
        if (depth_ == 0) msg_level_ = 1;
        if (depth_ + 1 == msg_level_) begin_message();
        else if (in_message() && depth_ == msg_level_) container_value(true);
        return push();
    }
    bool end_object() {
        if (in_message() && depth_ == msg_level_ + 1) error_ = false;
        if (depth_ == msg_level_) end_message();
        --depth_;
        return true;
    }
    bool start_array(std::size_t) {
        if (depth_ == 0) {
            msg_level_ = 2;
            out_.batch = true;
        } else if (in_message() && depth_ == msg_level_) {
            container_value(false);
        }
        return push();
    }
    bool end_array() {
        --depth_;
        return true;
    }
    bool key(json::string_t& k) {
        if (!in_message()) return true;
        if (depth_ == msg_level_) key_.assign(k);
        else if (error_ && depth_ == msg_level_ + 1) error_key_.assign(k);
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
        broken_ = true;
        return false;
    }

    void finish(bool cut) {
        if (broken_ && !cut && !out_.problem) out_.problem = "malformed JSON";
        if (cur_ >= 0 && cut) out_.messages[static_cast<std::size_t>(cur_)].partial = true;
        if (cur_ >= 0 && !looks_rpc_) out_.messages.pop_back();
        if (!out_.problem && out_.messages.empty() && out_.dropped == 0)
            out_.problem = cut ? "cut before a JSON-RPC member" : msg_level_ == 0 ? "not a JSON object or array"
                                                                                 : "no JSON-RPC member";
    }

private:
    enum class Scalar : std::uint8_t { Null, String, Other };

    [[nodiscard]] bool in_message() const { return cur_ >= 0 && depth_ >= msg_level_; }
    WebRpcMessage& msg() { return out_.messages[static_cast<std::size_t>(cur_)]; }

    bool push() {
        if (++depth_ > kMaxDepth) {
            out_.problem = "JSON nested deeper than 256 levels";
            return false;
        }
        return true;
    }

    void begin_message() {
        key_.clear();
        error_ = false;
        looks_rpc_ = false;
        if (out_.messages.size() >= kWebRpcBatchCap) {
            ++out_.dropped;
            cur_ = -1;
            return;
        }
        out_.messages.emplace_back();
        cur_ = static_cast<int>(out_.messages.size()) - 1;
    }

    void end_message() {
        if (cur_ < 0) return;
        WebRpcMessage& m = msg();
        if (m.fault) m.result = false;  // JSON-RPC 1.0 sends "result": null beside its error
        if (!looks_rpc_) out_.messages.pop_back();
        cur_ = -1;
    }

    // An object or array as the value of a message member.
    void container_value(bool object) {
        if (key_ == "error") {
            looks_rpc_ = true;
            msg().fault = true;
            error_ = object;
            if (!object) msg().message = "[...]";
        } else if (key_ == "result") {
            looks_rpc_ = true;
            msg().result = true;
        } else if (key_ == "params") {
            looks_rpc_ = true;
        }
    }

    bool integer(std::int64_t v, std::string text) {
        if (in_message() && error_ && depth_ == msg_level_ + 1 && error_key_ == "code") {
            msg().code = v;
            msg().has_code = true;
            return true;
        }
        return scalar(text, Scalar::Other);
    }

    bool scalar(std::string_view v, Scalar kind) {
        if (depth_ == 0) {
            out_.problem = "not a JSON object or array";
            return false;
        }
        if (!in_message()) return true;
        WebRpcMessage& m = msg();
        if (error_ && depth_ == msg_level_ + 1) {
            if (error_key_ == "message" && kind == Scalar::String) m.message.assign(v.substr(0, kWebRpcTextCap));
            return true;
        }
        if (depth_ != msg_level_) return true;
        if (key_ == "method" && kind == Scalar::String) {
            looks_rpc_ = true;
            m.method.assign(v.substr(0, kWebRpcTextCap));
        } else if (key_ == "id") {
            looks_rpc_ = true;
            m.has_id = true;
            m.id = kind == Scalar::String ? "\"" + std::string(v.substr(0, kWebRpcTextCap)) + "\"" : std::string(v);
        } else if (key_ == "result") {
            looks_rpc_ = true;
            m.result = true;
        } else if (key_ == "error") {
            looks_rpc_ = true;
            if (kind != Scalar::Null) {  // JSON-RPC 1.0: any non-null error is one
                m.fault = true;
                m.message.assign(v.substr(0, kWebRpcTextCap));
            }
        } else if (key_ == "jsonrpc") {
            looks_rpc_ = true;
        }
        return true;
    }

    WebRpcBody& out_;
    int depth_ = 0;
    int msg_level_ = 0;  // depth inside a message object: 1 single, 2 in a batch
    int cur_ = -1;       // the message being read, -1 none (or past the batch cap)
    bool error_ = false;  // inside the message's "error" object
    bool looks_rpc_ = false;
    bool broken_ = false;
    std::string key_, error_key_;
};

}  // namespace

WebRpcBody parse_jsonrpc(std::string_view body, bool cut) {
    // A number or literal running to the cut may be cut itself (-32601 read
    // as -326): the parser would take it as whole, so it is left out.
    if (cut) {
        while (!body.empty() && (std::isalnum(static_cast<unsigned char>(body.back())) || body.back() == '-' ||
                                 body.back() == '+' || body.back() == '.'))
            body.remove_suffix(1);
    }
    WebRpcBody out;
    JsonRpcReader reader(out);
    json::sax_parse(body.begin(), body.end(), &reader, json::input_format_t::json, true);
    reader.finish(cut);
    return out;
}

}  // namespace netdx
