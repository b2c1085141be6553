#include "app/webrpc_calls.hpp"

#include <vector>

#include "core/escape.hpp"
#include "core/inflate.hpp"
#include "dissectors/http/http_stream.hpp"

namespace netdx {

namespace {

bool token_is(std::string_view v, std::string_view want) {
    return v.size() == want.size() &&
           std::equal(v.begin(), v.end(), want.begin(), [](char a, char b) { return (a | 0x20) == b; });
}

}  // namespace

// Which RPC a message's head announces, and its content coding; false when
// its body is not worth keeping (another type, or a coding zlib cannot
// undo). Python's xmlrpc.server gzips any reply over 1,400 bytes to a client
// that accepts it, as xmlrpc.client does.
bool WebRpcCalls::rpc_body(const HttpHead& h, Body& b) {
    const std::string_view enc = h.content_encoding;
    if (enc.empty() || token_is(enc, "identity")) b.coding = Coding::Identity;
    else if (token_is(enc, "gzip") || token_is(enc, "x-gzip")) b.coding = Coding::Gzip;
    else if (token_is(enc, "deflate")) b.coding = Coding::Deflate;
    else return false;
    return webrpc_kind_for_content_type(h.content_type, b.kind);
}

namespace {

// A JSON-RPC call that expects no reply: 2.0 without id, 1.0 with id null.
bool notification(const WebRpcMessage& m) { return !m.has_id || m.id == "null"; }

}  // namespace

WebRpcBody WebRpcCalls::Body::parse(bool call) {
    if (coding != Coding::Identity) {
        Inflated plain = inflate_bounded(bytes, false, kWebRpcBodyCap);
        // "deflate" is sometimes sent without its zlib header (tshark tries both too).
        if (plain.broken && coding == Coding::Deflate) plain = inflate_bounded(bytes, true, kWebRpcBodyCap);
        if (!plain.complete) cut = true;
        bytes = std::move(plain.out);
    }
    return kind == WebRpcKind::XmlRpc ? parse_xmlrpc(bytes, cut, call) : parse_jsonrpc(bytes, cut);
}

void WebRpcCalls::Body::add(std::string_view data) {
    if (!keep || cut) return;
    const std::size_t room = kWebRpcBodyCap - bytes.size();
    if (data.size() > room) cut = true;
    bytes.append(data.substr(0, room));
}

void WebRpcCalls::request(const HttpHead& h) {
    if (pending_.size() >= HttpStream::kMaxPending) pending_.pop_front();  // HttpStream drops it too
    Request& r = pending_.emplace_back();
    r.frame = ctx_.clock.where;
    r.ts = ctx_.clock.ts;
    // Both RPCs are POSTed (XML-RPC's spec says so; JSON-RPC over GET is rare).
    r.body.keep = h.method == "POST" && rpc_body(h, r.body) && ctx_.bus.wanted<WebRpcCall>();
}

void WebRpcCalls::response(const HttpHead& h) {
    if (answer_) {  // its end was never seen (a gap at its last bytes): what was kept is all there is
        answer_->body.cut = true;
        publish(answer_->req, &*answer_);
        answer_.reset();
    }
    if (pending_.empty()) return;
    Request r = std::move(pending_.front());
    pending_.pop_front();
    if (!r.body.keep) return;
    if (!r.complete) {  // answered before its body ended (or its end was lost)
        r.body.cut = true;
        parse_request(r);
    }
    if (r.parsed.messages.empty()) return;
    Response& a = answer_.emplace();
    a.req = std::move(r);
    a.status = h.status;
    a.ts = ctx_.clock.ts;
    a.body.keep = rpc_body(h, a.body) && a.body.kind == a.req.body.kind;
}

void WebRpcCalls::body(int dir, std::string_view data) {
    if (dir == ep_.client_dir) {
        if (!pending_.empty() && !pending_.back().complete) pending_.back().body.add(data);
    } else if (answer_) {
        answer_->body.add(data);
    }
}

void WebRpcCalls::message_end(int dir) {
    if (dir == ep_.client_dir) {
        if (pending_.empty() || pending_.back().complete) return;
        Request& r = pending_.back();
        r.frame = ctx_.clock.where;  // the frame that completed it: where the method name is
        parse_request(r);
    } else if (answer_) {
        publish(answer_->req, &*answer_);
        answer_.reset();
    }
}

void WebRpcCalls::gap(int dir) {
    if (dir == ep_.client_dir) {
        if (!pending_.empty() && !pending_.back().complete) pending_.back().body.cut = true;
    } else if (answer_) {
        answer_->body.cut = true;
    }
}

void WebRpcCalls::stop() {
    pending_.clear();
    answer_.reset();
}

void WebRpcCalls::close(bool at_capture_end) {
    if (answer_) {  // a body read until the close, or cut by the capture's end
        if (at_capture_end) answer_->body.cut = true;
        publish(answer_->req, &*answer_);
        answer_.reset();
    }
    for (Request& r : pending_) {
        if (!r.body.keep) continue;
        if (!r.complete) {
            r.body.cut = true;
            parse_request(r);
        }
        publish(r, nullptr);
    }
    pending_.clear();
}

void WebRpcCalls::parse_request(Request& r) const {
    r.complete = true;
    WebRpcBody parsed = r.body.parse(true);
    // Only calls matter; a body with none (a REST API's JSON) is no RPC.
    std::erase_if(parsed.messages, [](const WebRpcMessage& m) { return m.method.empty(); });
    r.parsed = std::move(parsed);
    std::string().swap(r.body.bytes);  // the calls are read: give the bytes back
}

WebRpcCall WebRpcCalls::base(const Request& r, const Response* resp) const {
    WebRpcCall c;
    set_endpoints(c, ep_);
    c.kind = r.body.kind;
    c.batch = r.parsed.batch;
    c.request_frame = r.frame;
    c.request_ts = r.ts;
    c.where = ctx_.clock.where;
    c.ts = ctx_.clock.ts;
    c.cut = r.body.cut;
    if (resp) {
        c.http_status = resp->status;
        c.latency = resp->ts - r.ts;
        c.cut = c.cut || resp->body.cut;
    } else {
        c.outcome = WebRpcOutcome::Unanswered;
        c.where = r.frame;
        c.ts = r.ts;
    }
    return c;
}

void WebRpcCalls::publish(const Request& r, Response* resp) {
    WebRpcBody reply;
    if (resp && resp->body.keep) reply = resp->body.parse(false);
    std::erase_if(reply.messages, [](const WebRpcMessage& m) { return !m.method.empty(); });
    std::vector<bool> used(reply.messages.size(), false);
    const bool json = r.body.kind == WebRpcKind::JsonRpc;

    for (const WebRpcMessage& call : r.parsed.messages) {
        WebRpcCall c = base(r, resp);
        c.method = escaped(call.method);
        if (call.has_id) c.id = escaped(call.id);
        if (!resp) {
            ctx_.bus.publish(c);
            continue;
        }
        const WebRpcMessage* match = nullptr;
        for (std::size_t i = 0; i < reply.messages.size() && !match; ++i) {
            if (used[i]) continue;
            // XML-RPC: one call, one reply. JSON-RPC: the same id; a lone reply
            // to a lone call whatever its id (-32700 and -32600 carry null).
            if (!json || (call.has_id && reply.messages[i].id == call.id) ||
                (!r.parsed.batch && !reply.batch && !notification(call))) {
                used[i] = true;
                match = &reply.messages[i];
            }
        }
        if (match) {
            c.outcome = match->fault ? WebRpcOutcome::Fault : match->result ? WebRpcOutcome::Result
                                                                             : WebRpcOutcome::Unreadable;
            c.has_code = match->has_code;
            c.code = match->code;
            c.message = escaped(match->message);
        } else if (json && notification(call)) {
            c.outcome = WebRpcOutcome::NoReply;
        } else if (resp->status / 100 != 2) {
            c.outcome = WebRpcOutcome::HttpError;
        } else {
            c.outcome = reply.messages.empty() ? WebRpcOutcome::Unreadable : WebRpcOutcome::NoReply;
        }
        ctx_.bus.publish(c);
    }
    // Errors that answer no call read (a batch element the server could not
    // parse gets id null): reported without a method.
    for (std::size_t i = 0; i < reply.messages.size(); ++i) {
        if (used[i] || !reply.messages[i].fault) continue;
        WebRpcCall c = base(r, resp);
        c.outcome = WebRpcOutcome::Fault;
        c.id = escaped(reply.messages[i].id);
        c.has_code = reply.messages[i].has_code;
        c.code = reply.messages[i].code;
        c.message = escaped(reply.messages[i].message);
        ctx_.bus.publish(c);
    }
}

}  // namespace netdx
