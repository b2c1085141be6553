// HTTP/1.x over reassembled TCP: frames each direction into header blocks and
// bodies (Content-Length, chunked, until close; none for HEAD, 1xx, 204, 304),
// pairs responses with requests in order (pipelining) and emits one
// HttpTransaction per response and per request left unanswered (the
// XML-RPC/JSON-RPC calls in the bodies are webrpc_calls.hpp's). A gap inside
// a body of known length is skipped; any other gap, or a message that does
// not parse, ends the reading of the flow (reported once): which response
// answers which request can no longer be known.
#include <deque>
#include <string>

#include "app/app_stream.hpp"
#include "app/webrpc_calls.hpp"
#include "dissectors/http/http_stream.hpp"
#include "core/escape.hpp"
#include "events/http_events.hpp"
#include "flow/flow.hpp"

namespace netdx {

namespace {

struct Request {
    FrameRef frame;
    double ts = 0;
    std::string method, uri, host, user_agent;
    std::uint8_t minor = 1;
    std::uint32_t interim = 0;
};

std::string capped_escaped(std::string_view s, std::size_t cap) {
    return escaped(s.substr(0, std::min(s.size(), cap)));
}

// The framing is HttpStream's (dissectors/http/http_stream.hpp, shared with
// the packet view); this consumer pairs the heads it reports.
class HttpConsumer final : public StreamConsumer, public HttpStreamEvents {
public:
    HttpConsumer(const AppEndpoints& ep, AppContext ctx)
        : ep_(ep), ctx_(ctx), stream_(ep.client_dir, *this), rpc_(ep, ctx) {}

    void on_data(int dir, Bytes data) override {
        stream_.feed(dir, std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
    }
    void on_gap(int dir, std::uint64_t len) override {
        rpc_.gap(dir);
        stream_.gap(dir, len);
    }

    void on_close(EndReason why) override {
        stream_.close();
        rpc_.close(why == EndReason::Open);
        for (Request& r : pending_) emit_request_only(r, HttpEnd::Unanswered, why == EndReason::Open);
        pending_.clear();
    }

private:
    void request(const HttpHead& h) override {
        if (pending_.size() >= HttpStream::kMaxPending) {
            emit_request_only(pending_.front(), HttpEnd::Evicted, false);
            pending_.pop_front();
        }
        Request& r = pending_.emplace_back();
        r.frame = ctx_.clock.where;
        r.ts = ctx_.clock.ts;
        r.method = capped_escaped(h.method, kHttpFieldCap);
        r.uri = capped_escaped(h.uri, kHttpUriCap);
        r.host = capped_escaped(h.host, kHttpFieldCap);
        r.user_agent = capped_escaped(h.user_agent, kHttpUserAgentCap);
        r.minor = h.version_minor;
        rpc_.request(h);
    }

    void body(int dir, std::string_view data) override { rpc_.body(dir, data); }
    void message_end(int dir, std::size_t /*at*/) override { rpc_.message_end(dir); }

    void response(const HttpHead& h) override {
        if (h.status < 200 && h.status != 101) {  // interim: the final response follows
            if (!pending_.empty()) ++pending_.front().interim;
            return;
        }
        rpc_.response(h);
        HttpTransaction t = base();
        t.where = ctx_.clock.where;
        t.ts = ctx_.clock.ts;
        t.has_response = true;
        t.response_frame = ctx_.clock.where;
        t.response_ts = ctx_.clock.ts;
        t.status = h.status;
        t.reason = capped_escaped(h.reason, kHttpFieldCap);
        if (pending_.empty()) {
            t.end = HttpEnd::Orphan;
        } else {
            Request& r = pending_.front();
            fill_request(t, r);
            t.latency = ctx_.clock.ts - r.ts;
            pending_.pop_front();
        }
        ctx_.bus.publish(t);
    }

    // Which response answers which request is unknown from here: report it
    // once (the stream reads no more of this flow; the waiting requests are
    // not reported as unanswered: their responses may be in what was missed).
    void problem(HttpEnd why, const char* what) override {
        HttpTransaction t = base();
        t.end = why;
        t.where = ctx_.clock.where;
        t.ts = ctx_.clock.ts;
        t.problem = fmt::format("{} ({} request(s) were waiting)", what, pending_.size());
        pending_.clear();
        rpc_.stop();
        ctx_.bus.publish(t);
    }

    HttpTransaction base() const {
        HttpTransaction t;
        set_endpoints(t, ep_);
        return t;
    }

    static void fill_request(HttpTransaction& t, const Request& r) {
        t.has_request = true;
        t.request_frame = r.frame;
        t.request_ts = r.ts;
        t.method = r.method;
        t.uri = r.uri;
        t.host = r.host;
        t.user_agent = r.user_agent;
        t.version_minor = r.minor;
        t.interim = r.interim;
    }

    void emit_request_only(const Request& r, HttpEnd end, bool at_capture_end) {
        HttpTransaction t = base();
        t.end = end;
        fill_request(t, r);
        t.where = r.frame;
        t.ts = r.ts;
        t.at_capture_end = at_capture_end;
        if (end == HttpEnd::Evicted) t.problem = "more than 64 requests waiting for a response";
        ctx_.bus.publish(t);
    }

    AppEndpoints ep_;
    AppContext ctx_;
    HttpStream stream_;
    std::deque<Request> pending_;
    WebRpcCalls rpc_;
};

std::unique_ptr<StreamConsumer> make_http(const AppEndpoints& ep, AppContext ctx) {
    return std::make_unique<HttpConsumer>(ep, ctx);
}

bool probe_http(Bytes first) {
    return http_starts_message(std::string_view(reinterpret_cast<const char*>(first.data()), first.size()));
}

}  // namespace

extern const AppProtocol kHttpProtocol{"http", make_http, probe_http};

}  // namespace netdx
