#!/usr/bin/python3
"""XML-RPC and JSON-RPC over HTTP for captures/lab/webrpc.sh.

  webrpc_peer.py xmlrpc-serve ADDR PORT   Python's own xmlrpc.server
                                          (SimpleXMLRPCServer) with add, echo,
                                          divide, sleep and system.listMethods
  webrpc_peer.py jsonrpc-serve ADDR PORT  a JSON-RPC 2.0 server on
                                          http.server (the standard library
                                          has none): add, subtract, batches,
                                          notifications, -32601, -32602, -32700
  webrpc_peer.py clients ADDR XPORT JPORT the calls below, in order
  webrpc_peer.py slow-clients ADDR XPORT JPORT  fast calls, and calls to
                                          sleep(S) that keep the server busy
  webrpc_peer.py bench ADDR XPORT JPORT N N XML-RPC calls (one connection
                                          each, as xmlrpc.client makes them)
                                          and N JSON-RPC calls on 10
                                          keep-alive connections, one in ten
                                          failing, for timing netdx
"""
import http.client
import http.server
import json
import sys
import time
import xmlrpc.client
import xmlrpc.server


def xmlrpc_serve(addr, port):
    server = xmlrpc.server.SimpleXMLRPCServer((addr, port), logRequests=False)
    server.register_introspection_functions()
    server.register_function(lambda a, b: a + b, "add")
    server.register_function(lambda s: s, "echo")
    server.register_function(lambda a, b: a / b, "divide")  # divide(1, 0) raises: a fault
    server.register_function(slow, "sleep")
    print("serving", flush=True)
    server.serve_forever()


def slow(seconds):
    """A method whose backend takes this long (rpc.slow_calls' test)."""
    time.sleep(seconds)
    return seconds


METHODS = {
    "add": lambda a, b: a + b,
    "subtract": lambda a, b: a - b,
    "sleep": slow,
}


def jsonrpc_answer(msg):
    """The reply to one request object, or None for a notification."""
    if not isinstance(msg, dict) or not isinstance(msg.get("method"), str):
        return {"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": None}
    reply = {"jsonrpc": "2.0", "id": msg.get("id")}
    fn = METHODS.get(msg["method"])
    if fn is None:
        reply["error"] = {"code": -32601, "message": "Method not found"}
    else:
        try:
            reply["result"] = fn(*msg.get("params", []))
        except TypeError as e:
            reply["error"] = {"code": -32602, "message": "Invalid params", "data": str(e)}
    return reply if "id" in msg else None


class JsonRpcHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: several calls per connection

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            msg = json.loads(body)
        except ValueError:
            out = {"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}, "id": None}
        else:
            if isinstance(msg, list):
                out = [r for r in map(jsonrpc_answer, msg) if r is not None] or None
            else:
                out = jsonrpc_answer(msg)
        if out is None:  # notifications only: nothing to say
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = json.dumps(out).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def jsonrpc_serve(addr, port):
    # Threads: a keep-alive connection holds its handler until it closes.
    server = http.server.ThreadingHTTPServer((addr, port), JsonRpcHandler)
    print("serving", flush=True)
    server.serve_forever()


def expect_fault(call, quiet=False):
    try:
        call()
    except xmlrpc.client.Fault as f:
        if not quiet:
            print("fault", f.faultCode, f.faultString, flush=True)
        return
    raise SystemExit("no fault")


def clients(addr, xport, jport):
    # XML-RPC: xmlrpc.client, one connection per ServerProxy.
    proxy = xmlrpc.client.ServerProxy(f"http://{addr}:{xport}/RPC2")
    assert proxy.add(2, 3) == 5
    assert proxy.echo("hello") == "hello"
    assert "add" in proxy.system.listMethods()
    # 20,000 bytes each way: over the 16 KiB netdx keeps of a body.
    assert proxy.echo("x" * 20000) == "x" * 20000
    expect_fault(lambda: proxy.nosuch())            # missing method: fault 1
    expect_fault(lambda: proxy.divide(1, 0))        # ZeroDivisionError: fault 1
    expect_fault(lambda: proxy.divide(2, 0))

    # JSON-RPC 2.0: one keep-alive connection, several POSTs.
    conn = http.client.HTTPConnection(addr, jport)

    def post(obj):
        conn.request("POST", "/jsonrpc", json.dumps(obj), {"Content-Type": "application/json"})
        resp = conn.getresponse()
        data = resp.read()
        print(resp.status, data.decode(), flush=True)
        return json.loads(data) if data else None

    assert post({"jsonrpc": "2.0", "method": "add", "params": [2, 3], "id": 1})["result"] == 5
    assert post({"jsonrpc": "2.0", "method": "nosuch", "params": [], "id": 2})["error"]["code"] == -32601
    assert post({"jsonrpc": "2.0", "method": "add", "params": [1], "id": "three"})["error"]["code"] == -32602
    batch = post([
        {"jsonrpc": "2.0", "method": "add", "params": [1, 2], "id": 10},
        {"jsonrpc": "2.0", "method": "nosuch", "id": 11},
        {"jsonrpc": "2.0", "method": "subtract", "params": [9, 4]},  # a notification: no reply
        {"jsonrpc": "2.0", "method": "subtract", "params": [9, 4], "id": 12},
    ])
    assert sorted(r["id"] for r in batch) == [10, 11, 12]
    assert post({"jsonrpc": "2.0", "method": "add", "params": [4, 4]}) is None  # notification: 204
    conn.close()


def slow_clients(addr, xport, jport):
    # XML-RPC: fast calls give the server's round trip; sleep(0.4) three of
    # five times is rpc.slow_calls' case; add, always fast, raises nothing.
    proxy = xmlrpc.client.ServerProxy(f"http://{addr}:{xport}/RPC2")
    for i in range(3):
        assert proxy.add(i, 1) == i + 1
    for s in (0.01, 0.4, 0.01, 0.4, 0.4):
        assert proxy.sleep(s) == s
    # JSON-RPC on one keep-alive connection: three sleep(0.3) among adds.
    conn = http.client.HTTPConnection(addr, jport)
    for i, (method, params) in enumerate([("add", [1, 2]), ("sleep", [0.3]), ("add", [3, 4]), ("sleep", [0.3]),
                                          ("sleep", [0.3]), ("add", [5, 6])]):
        body = json.dumps({"jsonrpc": "2.0", "method": method, "params": params, "id": i})
        conn.request("POST", "/jsonrpc", body, {"Content-Type": "application/json"})
        assert "result" in json.loads(conn.getresponse().read())
    conn.close()


def bench(addr, xport, jport, n):
    proxy = xmlrpc.client.ServerProxy(f"http://{addr}:{xport}/RPC2")
    for i in range(n):
        if i % 10 == 9:
            expect_fault(lambda: proxy.divide(i, 0), quiet=True)
        else:
            assert proxy.add(i, 1) == i + 1
    conns = [http.client.HTTPConnection(addr, jport) for _ in range(10)]
    for i in range(n):
        method = "nosuch" if i % 10 == 9 else "add"
        conn = conns[i % 10]
        body = json.dumps({"jsonrpc": "2.0", "method": method, "params": [i, 1], "id": i})
        conn.request("POST", "/jsonrpc", body, {"Content-Type": "application/json"})
        conn.getresponse().read()
    for conn in conns:
        conn.close()


def main():
    mode = sys.argv[1]
    if mode == "xmlrpc-serve":
        xmlrpc_serve(sys.argv[2], int(sys.argv[3]))
    elif mode == "jsonrpc-serve":
        jsonrpc_serve(sys.argv[2], int(sys.argv[3]))
    elif mode == "clients":
        clients(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif mode == "slow-clients":
        slow_clients(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif mode == "bench":
        bench(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
