#!/usr/bin/env python3
"""Cache clients for captures/lab/caches.sh: speaks Redis (RESP2 and RESP3)
and the memcached text protocol over plain sockets, so a scenario controls
exactly what goes on the wire (pipelined batches, inline commands, commands
that fail). Each step waits for the server's whole answer before the next, except
in pipelined batches, which are sent in one write and read back together.
Usage: cache_client.py SCENARIO HOST PORT [PASSWORD]
"""
import socket
import sys
import time


def resp_cmd(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


class Conn:
    def __init__(self, host, port, src="127.0.0.101"):
        self.s = socket.create_connection((host, port), timeout=5, source_address=(src, 0))
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def fill(self):
        d = self.s.recv(1 << 20)
        if not d:
            raise EOFError("server closed")
        self.buf += d

    def line(self):
        while b"\r\n" not in self.buf:
            self.fill()
        ln, self.buf = self.buf.split(b"\r\n", 1)
        return ln

    def exact(self, n):
        while len(self.buf) < n:
            self.fill()
        d, self.buf = self.buf[:n], self.buf[n:]
        return d

    # One RESP2/RESP3 value.
    def reply(self):
        ln = self.line()
        t, rest = ln[:1], ln[1:]
        if t == b"_":
            return None
        if t in (b"+", b"-", b":", b",", b"#", b"("):
            return ln
        if t in (b"$", b"!", b"="):
            n = int(rest)
            if n < 0:
                return None
            d = self.exact(n)
            self.exact(2)
            return d
        if t in (b"*", b"~", b">"):
            n = int(rest)
            return None if n < 0 else [self.reply() for _ in range(n)]
        if t in (b"%", b"|"):
            return [(self.reply(), self.reply()) for _ in range(int(rest))]
        raise ValueError("bad reply %r" % ln)

    def call(self, *args):
        self.s.sendall(resp_cmd(*args))
        return self.reply()

    def pipeline(self, cmds):
        self.s.sendall(b"".join(resp_cmd(*c) for c in cmds))
        return [self.reply() for _ in cmds]

    def inline(self, text):
        self.s.sendall(text.encode() + b"\r\n")
        return self.reply()

    # memcached text protocol: the reply lines up to a terminal line.
    def mc(self, text, data=None, terminal=(b"END",)):
        out = text.encode() + b"\r\n"
        if data is not None:
            out += data + b"\r\n"
        self.s.sendall(out)
        lines = []
        while True:
            ln = self.line()
            lines.append(ln)
            if ln.startswith(b"VALUE "):
                n = int(ln.split()[3])
                lines.append(self.exact(n))
                self.exact(2)
                continue
            if ln in terminal or not ln.startswith(b"VALUE"):
                return lines

    def close(self):
        self.s.close()


def expect(got, want):
    if got != want:
        raise SystemExit("unexpected reply %r (wanted %r)" % (got, want))


def redis_healthy(host, port, _pw):
    c = Conn(host, port)
    expect(c.call("PING"), b"+PONG")
    expect(c.call("SET", "user:1", "alice"), b"+OK")
    expect(c.call("GET", "user:1"), b"alice")
    # Pipelined: 25 SETs then 25 GETs in one write each.
    rs = c.pipeline([("SET", "item:%d" % i, "value-%d" % i) for i in range(25)])
    expect(rs, [b"+OK"] * 25)
    rs = c.pipeline([("GET", "item:%d" % i) for i in range(25)])
    expect(rs, [b"value-%d" % i for i in range(25)])
    expect(c.call("INCR", "visits"), b":1")
    expect(c.call("INCRBY", "visits", "10"), b":11")
    c.call("DEL", "queue")
    c.pipeline([("RPUSH", "queue", "a", "b", "c"), ("LRANGE", "queue", "0", "-1"), ("LLEN", "queue")])
    expect(c.call("MGET", "user:1", "item:3", "nokey"), [b"alice", b"value-3", None])
    expect(c.call("GET", "session:none"), None)  # one miss
    expect(c.inline("PING"), b"+PONG")  # inline command, as telnet users type
    expect(c.inline("EXISTS user:1"), b":1")
    c.call("EXPIRE", "user:1", "600")
    c.call("TTL", "user:1")
    # A value larger than one segment.
    big = "x" * 100000
    expect(c.call("SET", "blob", big), b"+OK")
    expect(c.call("GET", "blob"), big.encode())
    expect(c.call("QUIT"), b"+OK")
    c.close()
    # RESP3 session: HELLO 3, maps, nulls, doubles, sets.
    c = Conn(host, port)
    c.call("HELLO", "3")
    c.call("HSET", "h:1", "name", "bob", "age", "42")
    c.call("HGETALL", "h:1")
    expect(c.call("GET", "missing:resp3"), None)
    c.call("SADD", "s:1", "x", "y")
    c.call("SMEMBERS", "s:1")
    c.call("INCRBYFLOAT", "f:1", "1.5")
    c.call("ZADD", "z:1", "1.5", "m")
    c.call("ZSCORE", "z:1", "m")
    rs = c.pipeline([("GET", "item:%d" % i) for i in range(10)])
    c.call("QUIT")
    c.close()


def redis_errors(host, port, pw):
    c = Conn(host, port)
    # No AUTH yet: the server refuses everything.
    for k in ("user:1", "user:2", "user:3"):
        r = c.call("GET", k)
        if not r.startswith(b"-NOAUTH"):
            raise SystemExit("wanted NOAUTH, got %r" % r)
    r = c.call("AUTH", "wrong-password")
    if not r.startswith(b"-WRONGPASS"):
        raise SystemExit("wanted WRONGPASS, got %r" % r)
    expect(c.call("AUTH", pw), b"+OK")
    expect(c.call("SET", "greeting", "hello"), b"+OK")
    # Wrong type: a list command on a string key, twice.
    for _ in range(2):
        r = c.call("LPUSH", "greeting", "x")
        if not r.startswith(b"-WRONGTYPE"):
            raise SystemExit("wanted WRONGTYPE, got %r" % r)
    # Unknown commands, one inline.
    for cmd in (("FLUSHEVERYTHING",), ("GETT", "greeting")):
        r = c.call(*cmd)
        if not r.startswith(b"-ERR unknown command"):
            raise SystemExit("wanted unknown command, got %r" % r)
    r = c.inline("HELO there")
    if not r.startswith(b"-ERR unknown command"):
        raise SystemExit("wanted unknown command, got %r" % r)
    # Wrong arity.
    r = c.call("GET")
    if not r.startswith(b"-ERR wrong number"):
        raise SystemExit("wanted arity error, got %r" % r)
    expect(c.call("GET", "greeting"), b"hello")
    c.call("QUIT")
    c.close()
    # A second client that never authenticates.
    c = Conn(host, port)
    for k in ("cart:1", "cart:2"):
        r = c.call("GET", k)
        if not r.startswith(b"-NOAUTH"):
            raise SystemExit("wanted NOAUTH, got %r" % r)
    c.close()


def redis_slow(host, port, _pw):
    c = Conn(host, port)
    for i in range(20):
        expect(c.call("SET", "k:%d" % i, "v"), b"+OK")
        expect(c.call("GET", "k:%d" % i), b"v")
        # Every fifth step the server is busy for 250 ms: DEBUG SLEEP blocks it
        # as a slow Lua script or a KEYS on a big keyspace would.
        if i % 5 == 4:
            expect(c.call("DEBUG", "SLEEP", "0.25"), b"+OK")
    c.call("QUIT")
    c.close()


def memcached_hits(host, port, _pw):
    c = Conn(host, port)
    for i in range(8):
        expect(c.mc("set page:%d 0 300 %d" % (i, len("html-%d" % i)), b"html-%d" % i, (b"STORED",)), [b"STORED"])
    # 30 lookups, 8 keys present: most are misses (a cold or undersized cache).
    for i in range(30):
        c.mc("get page:%d" % i)
    # A multi-get: 2 hits, 2 misses.
    c.mc("get page:1 page:2 page:98 page:99")
    c.mc("gets page:3")
    expect(c.mc("add page:1 0 0 1", b"x", (b"NOT_STORED", b"STORED")), [b"NOT_STORED"])
    expect(c.mc("replace page:77 0 0 1", b"x", (b"NOT_STORED", b"STORED")), [b"NOT_STORED"])
    expect(c.mc("set counter 0 0 1", b"5", (b"STORED",)), [b"STORED"])
    expect(c.mc("incr counter 3", None, ()), [b"8"])
    expect(c.mc("decr counter 2", None, ()), [b"6"])
    expect(c.mc("incr nocounter 1", None, ()), [b"NOT_FOUND"])
    expect(c.mc("delete page:0", None, ()), [b"DELETED"])
    expect(c.mc("delete page:0", None, ()), [b"NOT_FOUND"])
    c.mc("version", None, ())
    c.s.sendall(b"quit\r\n")
    c.close()


def memcached_errors(host, port, _pw):
    c = Conn(host, port)
    expect(c.mc("set ok 0 0 2", b"hi", (b"STORED",)), [b"STORED"])
    expect(c.mc("get ok"), [b"VALUE ok 0 2", b"hi", b"END"])
    # Unknown commands.
    for cmd in ("sett ok 0 0 2", "fetch ok", "hello"):
        r = c.mc(cmd, None, ())
        if r != [b"ERROR"]:
            raise SystemExit("wanted ERROR, got %r" % r)
        if cmd.startswith("sett"):
            pass
    # incr on a value that is not a number.
    r = c.mc("incr ok 1", None, ())
    if not r[0].startswith(b"CLIENT_ERROR"):
        raise SystemExit("wanted CLIENT_ERROR, got %r" % r)
    # A bad command line.
    r = c.mc("set ok 0 0 abc", None, ())
    if not r[0].startswith(b"CLIENT_ERROR"):
        raise SystemExit("wanted CLIENT_ERROR, got %r" % r)
    c.close()
    # Values larger than the item size limit (-I 64k in caches.sh).
    c = Conn(host, port)
    for i in range(3):
        r = c.mc("set big:%d 0 0 100000" % i, b"y" * 100000, ())
        if not r[0].startswith(b"SERVER_ERROR"):
            raise SystemExit("wanted SERVER_ERROR, got %r" % r)
    expect(c.mc("get ok"), [b"VALUE ok 0 2", b"hi", b"END"])
    c.s.sendall(b"quit\r\n")
    c.close()


SCENARIOS = {
    "redis-healthy": redis_healthy,
    "redis-errors": redis_errors,
    "redis-slow": redis_slow,
    "memcached-hits": memcached_hits,
    "memcached-errors": memcached_errors,
}

if __name__ == "__main__":
    name, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    SCENARIOS[name](host, port, sys.argv[4] if len(sys.argv) > 4 else "")
    time.sleep(0.1)
