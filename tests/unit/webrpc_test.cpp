// XML-RPC and JSON-RPC over HTTP: the body parsers (dissectors/webrpc/) over
// whole, cut-at-every-byte and hostile bodies; the HTTP consumer's pairing
// (src/app/webrpc_calls.cpp) with bodies split at every byte, over the cap,
// in batches and in REST JSON that is no RPC; the rules (rules_webrpc.cpp).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "dissectors/webrpc/webrpc_parse.hpp"
#include "events/webrpc_events.hpp"
#include "flow/flow.hpp"
#include "app_test_helpers.hpp"
#include "rules_helpers.hpp"

namespace netdx {
extern const AppProtocol kHttpProtocol;
}

using namespace netdx;
using netdx::test::as_bytes;

namespace {

const std::string kCall =
    "<?xml version='1.0'?>\n<methodCall>\n<methodName>divide</methodName>\n<params>\n<param>\n<value><int>1</int>"
    "</value>\n</param>\n</params>\n</methodCall>\n";
const std::string kFault =
    "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n"
    "<value><int>1</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>&lt;class "
    "'ZeroDivisionError'&gt;:division by zero</string></value>\n</member>\n</struct></value>\n</fault>\n"
    "</methodResponse>\n";
const std::string kParams =
    "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><int>5</int></value>\n</param>\n</params>\n"
    "</methodResponse>\n";

}  // namespace

TEST_CASE("xmlrpc parse: method name, fault code and string, params") {
    const WebRpcBody call = parse_xmlrpc(kCall, false, true);
    REQUIRE(call.problem == nullptr);
    REQUIRE(call.messages.size() == 1);
    CHECK(call.messages[0].method == "divide");

    const WebRpcBody fault = parse_xmlrpc(kFault, false, false);
    REQUIRE(fault.problem == nullptr);
    REQUIRE(fault.messages.size() == 1);
    CHECK(fault.messages[0].fault);
    CHECK(!fault.messages[0].result);
    CHECK(fault.messages[0].has_code);
    CHECK(fault.messages[0].code == 1);
    CHECK(fault.messages[0].message == "<class 'ZeroDivisionError'>:division by zero");

    const WebRpcBody ok = parse_xmlrpc(kParams, false, false);
    REQUIRE(ok.messages.size() == 1);
    CHECK(ok.messages[0].result);
    CHECK(!ok.messages[0].fault);

    // <i4> and an untyped <value> (a string by the spec), members in either order.
    const WebRpcBody other = parse_xmlrpc(
        "<methodResponse><fault><value><struct><member><name>faultString</name><value>Bad params</value></member>"
        "<member><name>faultCode</name><value><i4> -32602 </i4></value></member></struct></value></fault>"
        "</methodResponse>",
        false, false);
    REQUIRE(other.messages.size() == 1);
    CHECK(other.messages[0].code == -32602);
    CHECK(other.messages[0].message == "Bad params");
}

TEST_CASE("xmlrpc parse: a body cut at every byte reports what came before the cut, never a wrong value") {
    for (std::size_t n = 0; n < kFault.size(); ++n) {
        const WebRpcBody b = parse_xmlrpc(std::string_view(kFault).substr(0, n), true, false);
        CAPTURE(n);
        if (b.messages.empty()) {
            CHECK(std::string_view(b.problem) == "cut before the root element");
            continue;
        }
        CHECK(b.problem == nullptr);
        const std::size_t root_end = kFault.find("</methodResponse>") + 17;
        CHECK(b.messages[0].partial == (n < root_end));
        if (b.messages[0].has_code) CHECK(b.messages[0].code == 1);
        // faultString is taken only once its member ends: never a prefix of it.
        if (!b.messages[0].message.empty()) CHECK(b.messages[0].message == "<class 'ZeroDivisionError'>:division by zero");
    }
    for (std::size_t n = kCall.find("</methodName>") + 13; n < kCall.size(); ++n)
        CHECK(parse_xmlrpc(std::string_view(kCall).substr(0, n), true, true).messages.at(0).method == "divide");
    // The same prefix said to be whole is malformed.
    CHECK(parse_xmlrpc(std::string_view(kFault).substr(0, 60), false, false).problem != nullptr);
}

TEST_CASE("xmlrpc parse: other documents, DOCTYPEs and deep nesting are refused") {
    CHECK(std::string_view(parse_xmlrpc("<html><body/></html>", false, true).problem) == "not an XML-RPC document");
    CHECK(parse_xmlrpc(kFault, false, true).problem != nullptr);  // a response where a call belongs
    const WebRpcBody lol = parse_xmlrpc(
        "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;\">]>"
        "<methodCall><methodName>&lol2;</methodName></methodCall>",
        false, true);
    CHECK(std::string_view(lol.problem) == "a DOCTYPE (XML-RPC has none)");
    CHECK(lol.messages.empty());
    std::string deep = "<methodResponse>";
    for (int i = 0; i < 300; ++i) deep += "<a>";
    CHECK(std::string_view(parse_xmlrpc(deep, true, false).problem) == "XML nested deeper than 256 elements");
    // A method name longer than the cap is kept capped.
    const std::string longname(5000, 'm');
    const WebRpcBody lng = parse_xmlrpc("<methodCall><methodName>" + longname + "</methodName></methodCall>", false, true);
    CHECK(lng.messages.at(0).method.size() == kWebRpcTextCap);
}

TEST_CASE("jsonrpc parse: calls, results, errors, 1.0 and 2.0, batches") {
    const WebRpcBody c = parse_jsonrpc(R"({"jsonrpc":"2.0","method":"add","params":{"a":[1,{"b":2}]},"id":7})", false);
    REQUIRE(c.problem == nullptr);
    REQUIRE(c.messages.size() == 1);
    CHECK(c.messages[0].method == "add");
    CHECK(c.messages[0].id == "7");
    CHECK(!c.batch);

    const WebRpcBody e = parse_jsonrpc(
        R"({"jsonrpc":"2.0","error":{"code":-32601,"data":{"code":5,"message":"inner"},"message":"Method not found"},"id":"x"})",
        false);
    REQUIRE(e.messages.size() == 1);
    CHECK(e.messages[0].fault);
    CHECK(e.messages[0].code == -32601);  // not the nested data's
    CHECK(e.messages[0].message == "Method not found");
    CHECK(e.messages[0].id == "\"x\"");

    // JSON-RPC 1.0: result and error both present, one of them null.
    const WebRpcBody ok10 = parse_jsonrpc(R"({"result":[1,2],"error":null,"id":1})", false);
    CHECK(ok10.messages.at(0).result);
    CHECK(!ok10.messages.at(0).fault);
    const WebRpcBody err10 = parse_jsonrpc(R"({"result":null,"error":"no such method","id":1})", false);
    CHECK(err10.messages.at(0).fault);
    CHECK(!err10.messages.at(0).result);
    CHECK(err10.messages.at(0).message == "no such method");

    const WebRpcBody b = parse_jsonrpc(
        R"([{"jsonrpc":"2.0","method":"a","id":1},{"jsonrpc":"2.0","method":"n"},{"jsonrpc":"2.0","method":"b","id":null}])",
        false);
    CHECK(b.batch);
    REQUIRE(b.messages.size() == 3);
    CHECK(b.messages[1].method == "n");
    CHECK(!b.messages[1].has_id);
    CHECK(b.messages[2].id == "null");
}

TEST_CASE("jsonrpc parse: cut at every byte keeps the completed elements; REST JSON and junk are no RPC") {
    const std::string batch =
        R"([{"jsonrpc":"2.0","result":3,"id":10},{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":11},{"jsonrpc":"2.0","result":5,"id":12}])";
    const std::size_t second_end = batch.find("},{\"jsonrpc\":\"2.0\",\"result\":5") + 1;
    for (std::size_t n = 0; n < batch.size(); ++n) {
        CAPTURE(n);
        const WebRpcBody b = parse_jsonrpc(std::string_view(batch).substr(0, n), true);
        if (b.messages.empty()) CHECK(std::string_view(b.problem) == "cut before a JSON-RPC member");
        else CHECK(b.problem == nullptr);
        for (const WebRpcMessage& m : b.messages) {
            if (m.fault && m.has_code) CHECK(m.code == -32601);
            if (!m.partial) CHECK((m.id == "10" || m.id == "11" || m.id == "12"));
        }
        if (n >= second_end) {
            REQUIRE(b.messages.size() >= 2);
            CHECK(b.messages[1].fault);
            CHECK(b.messages[1].message == "Method not found");
        }
    }
    CHECK(std::string_view(parse_jsonrpc(batch.substr(0, 50), false).problem) == "malformed JSON");
    CHECK(std::string_view(parse_jsonrpc(R"({"name":"x","tags":[1]})", false).problem) == "no JSON-RPC member");
    CHECK(std::string_view(parse_jsonrpc("42", false).problem) == "not a JSON object or array");
    std::string deep(300, '[');
    CHECK(std::string_view(parse_jsonrpc(deep, true).problem) == "JSON nested deeper than 256 levels");
    std::string many = "[";
    for (int i = 0; i < 100; ++i) many += std::string(i ? "," : "") + R"({"method":"m","id":)" + std::to_string(i) + "}";
    many += "]";
    const WebRpcBody m = parse_jsonrpc(many, false);
    CHECK(m.messages.size() == kWebRpcBatchCap);
    CHECK(m.dropped == 100 - kWebRpcBatchCap);
}

TEST_CASE("webrpc content types") {
    WebRpcKind k{};
    CHECK(webrpc_kind_for_content_type("text/xml", k));
    CHECK(k == WebRpcKind::XmlRpc);
    CHECK(webrpc_kind_for_content_type(" Application/JSON ; charset=utf-8", k));
    CHECK(k == WebRpcKind::JsonRpc);
    CHECK(!webrpc_kind_for_content_type("text/html", k));
    CHECK(!webrpc_kind_for_content_type("application/jsonx", k));
}

namespace {

struct Recorder {
    EventBus bus;
    Recorder() { bus.subscribe<&Recorder::on_call>(this); }
    std::vector<WebRpcCall> calls;
    void on_call(const WebRpcCall& c) { calls.push_back(c); }
};

struct Http {
    Recorder sink;
    AppClock clock;
    std::unique_ptr<StreamConsumer> c = kHttpProtocol.make(netdx::test::endpoints(8000), AppContext{sink.bus, clock});
    std::uint64_t frame = 0;
    void send(int dir, std::string_view s) {
        clock = AppClock{FrameRef{0, ++frame}, static_cast<double>(frame)};
        c->on_data(dir, as_bytes(s));
    }
    void bytewise(int dir, std::string_view s) {
        for (char ch : s) send(dir, std::string_view(&ch, 1));
    }
};

std::string post(std::string_view type, std::string_view body) {
    return "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Type: " + std::string(type) +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}
std::string reply(std::string_view type, std::string_view body, int status = 200) {
    return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: " + std::string(type) +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

}  // namespace

TEST_CASE("webrpc consumer: an XML-RPC fault split at every byte, then a result on the same connection") {
    Http h;
    h.bytewise(0, post("text/xml", kCall));
    h.bytewise(1, reply("text/xml", kFault));
    h.send(0, post("text/xml", kCall));
    h.send(1, reply("text/xml", kParams));
    REQUIRE(h.sink.calls.size() == 2);
    const WebRpcCall& f = h.sink.calls[0];
    CHECK(f.kind == WebRpcKind::XmlRpc);
    CHECK(f.outcome == WebRpcOutcome::Fault);
    CHECK(f.method == "divide");
    CHECK(f.code == 1);
    CHECK(f.message == "<class 'ZeroDivisionError'>:division by zero");
    CHECK(f.http_status == 200);
    CHECK(!f.cut);
    CHECK(f.latency > 0);
    CHECK(f.request_frame.frame < f.where.frame);
    CHECK(h.sink.calls[1].outcome == WebRpcOutcome::Result);
}

TEST_CASE("webrpc consumer: bodies over the cap keep the method; a gap cuts; HTTP errors; unanswered") {
    {
        Http h;
        const std::string big = "<methodCall><methodName>echo</methodName><params><param><value><string>" +
                                std::string(40000, 'x') + "</string></value></param></params></methodCall>";
        h.send(0, post("text/xml", big));
        h.send(1, reply("text/xml", "<methodResponse><params><param><value><string>" + std::string(40000, 'x') +
                                        "</string></value></param></params></methodResponse>"));
        REQUIRE(h.sink.calls.size() == 1);
        CHECK(h.sink.calls[0].method == "echo");
        CHECK(h.sink.calls[0].outcome == WebRpcOutcome::Result);
        CHECK(h.sink.calls[0].cut);
    }
    {
        Http h;
        const std::string p = post("text/xml", kCall);
        const std::string r = reply("text/xml", kFault);
        h.send(0, p);
        const std::size_t head = r.find("\r\n\r\n") + 4;
        h.send(1, std::string_view(r).substr(0, head + 100));
        h.c->on_gap(1, 20);  // inside the fault struct: no code can be read
        h.send(1, std::string_view(r).substr(head + 120));
        h.send(0, p);
        h.send(1, reply("text/html", "<html>oops</html>", 500));
        h.send(0, p);
        h.c->on_close(EndReason::Fin);
        REQUIRE(h.sink.calls.size() == 3);
        CHECK(h.sink.calls[0].cut);
        CHECK(h.sink.calls[0].outcome == WebRpcOutcome::Fault);
        CHECK(!h.sink.calls[0].has_code);
        CHECK(h.sink.calls[1].outcome == WebRpcOutcome::HttpError);
        CHECK(h.sink.calls[1].http_status == 500);
        CHECK(h.sink.calls[2].outcome == WebRpcOutcome::Unanswered);
        CHECK(h.sink.calls[2].method == "divide");
    }
}

TEST_CASE("webrpc consumer: a JSON-RPC batch pairs by id in any order; notifications; REST JSON is no RPC") {
    Http h;
    h.send(0, post("application/json",
                   R"([{"jsonrpc":"2.0","method":"add","id":1},{"jsonrpc":"2.0","method":"nosuch","id":2},)"
                   R"({"jsonrpc":"2.0","method":"log"},"junk"])"));
    h.bytewise(1, reply("application/json",
                        R"([{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":2},)"
                        R"({"jsonrpc":"2.0","result":3,"id":1},)"
                        R"({"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request"},"id":null}])"));
    REQUIRE(h.sink.calls.size() == 4);
    CHECK(h.sink.calls[0].method == "add");
    CHECK(h.sink.calls[0].outcome == WebRpcOutcome::Result);
    CHECK(h.sink.calls[1].method == "nosuch");
    CHECK(h.sink.calls[1].outcome == WebRpcOutcome::Fault);
    CHECK(h.sink.calls[1].code == -32601);
    CHECK(h.sink.calls[1].id == "2");
    CHECK(h.sink.calls[2].outcome == WebRpcOutcome::NoReply);  // the notification
    CHECK(h.sink.calls[3].method.empty());                     // the error for "junk"
    CHECK(h.sink.calls[3].code == -32600);
    for (const WebRpcCall& c : h.sink.calls) CHECK(c.batch);

    Http rest;
    rest.send(0, post("application/json", R"({"name":"x","id":5})"));
    rest.send(1, reply("application/json", R"({"id":5,"error":"taken"})", 409));
    rest.send(0, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
    rest.send(1, reply("application/json", R"({"jsonrpc":"2.0","error":{"code":1,"message":"m"},"id":1})"));
    CHECK(rest.sink.calls.empty());
}

TEST_CASE("webrpc rules: one finding per server, method and code; results and other outcomes raise nothing") {
    // A fault to server 10.9.0.9:8000, its request in `frame` and its reply next.
    auto fault = [](WebRpcKind kind, std::string method, std::int64_t code, std::uint64_t frame, unsigned client) {
        WebRpcCall c;
        c.kind = kind;
        c.outcome = WebRpcOutcome::Fault;
        c.client = rt::lan(client);
        c.server = rt::lan(9);
        c.server_port = 8000;
        c.method = std::move(method);
        c.has_code = true;
        c.code = code;
        c.message = "boom";
        c.ts = static_cast<double>(frame);
        c.request_frame = {0, frame};
        c.where = {0, frame + 1};
        return c;
    };
    rt::Run run;
    run->publish(fault(WebRpcKind::XmlRpc, "divide", 1, 10, 2));
    run->publish(fault(WebRpcKind::XmlRpc, "divide", 1, 20, 3));
    run->publish(fault(WebRpcKind::XmlRpc, "nosuch", 1, 30, 2));
    run->publish(fault(WebRpcKind::JsonRpc, "nosuch", -32601, 40, 2));
    run->publish(fault(WebRpcKind::JsonRpc, "add", -32602, 50, 2));
    for (WebRpcOutcome o : {WebRpcOutcome::Result, WebRpcOutcome::HttpError, WebRpcOutcome::NoReply,
                            WebRpcOutcome::Unreadable, WebRpcOutcome::Unanswered}) {
        WebRpcCall c = fault(WebRpcKind::JsonRpc, "other", 7, 60, 2);
        c.outcome = o;
        run->publish(c);
    }
    const auto fs = run.finish();
    CHECK(rt::count(fs, "xmlrpc.fault") == 2);
    CHECK(rt::count(fs, "jsonrpc.error") == 2);
    for (const Finding& f : fs) {
        if (f.def->id != "xmlrpc.fault" || f.title.find("divide") == std::string::npos) continue;
        CHECK(f.figures.at(0).value == 2);
        CHECK(f.evidence.total == 4);  // both calls and both replies
        CHECK(rt::has_host(f, "10.9.0.3"));
    }
}
