#!/usr/bin/env python3
"""`netdx servers` against tshark 4.0 on the bundled captures.

For every server the per-server view lists, the figures tshark can count
independently must agree:
- HTTP (http-5xx, slow-dns, service-down): requests = frames with
  http.request to the server; 4xx/5xx = responses with those codes; clients =
  distinct request sources; p50 latency within a histogram bin (+1 ms) of the
  median of tshark's http.time.
- DNS over UDP (dns-lookups, slow-dns, dns-problems): requests = first
  transmissions of queries (not dns.retransmission); each rcode other than
  NOERROR = first responses with that rcode.
- SMTP (smtp-rejected): requests = client commands (smtp.req.command), 5xx =
  replies with a 5xx code to them.
- Redis (redis-errors): requests = responses tshark shows (no pipelining in
  that capture), error kinds = the first word after "Error:" in its Info column.
- Every TCP server: connections = SYN/ACKs it sent; bytes each way = the sum
  of frame.len towards and from it.
Then: -T json is one object per line; the text table has a row per server;
--max-servers 1 keeps one server and says how many were left out.

Last, server.overloaded on a capture built here: three web servers get the
same traffic (a connection with three requests each second, eight at once
every fourth second); one answers in 400 ms when eight are open and in 10 ms
otherwise, the two others always in 10 ms. `netdx analyze` must name that one
server and no other; with the slow server as fast as its peers, nothing.
"""
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcp_pcap import Pcap  # noqa: E402

NETDX = os.environ.get("NETDX", "netdx")
CAPTURES = os.environ.get("CAPTURES", "captures")
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def tshark(path, flt, *fields):
    cmd = ["tshark", "-n", "-r", path, "-Y", flt]
    if fields:
        cmd += ["-T", "fields", "-E", "occurrence=f"]
        for f in fields:
            cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return [line.split("\t") if fields else line for line in out.splitlines() if line.strip()]


def servers(path, *extra):
    r = subprocess.run([NETDX, "servers", "-r", path, "-T", "json", *extra], capture_output=True, text=True)
    check(r.returncode == 0, f"netdx servers {os.path.basename(path)} exits 0 ({r.stderr.strip()})")
    return [json.loads(line) for line in r.stdout.splitlines()], r.stderr


def nearest_rank(values, q):
    values = sorted(values)
    k = max(1, -(-len(values) * q // 1))
    return values[int(k) - 1]


def ip_filter(s):
    return ("ipv6" if ":" in s["server"] else "ip") + f'.%s=={s["server"]}'


def check_bytes_and_conns(path, s, name):
    proto = s["transport"]
    to_srv = ip_filter(s) % "dst" + f' && {proto}.dstport=={s["port"]}'
    from_srv = ip_filter(s) % "src" + f' && {proto}.srcport=={s["port"]}'
    b_in = sum(int(r[0]) for r in tshark(path, to_srv, "frame.len"))
    b_out = sum(int(r[0]) for r in tshark(path, from_srv, "frame.len"))
    check(s["bytes_to_server"] == b_in, f"{name}: bytes to server {s['bytes_to_server']} == tshark {b_in}")
    check(s["bytes_from_server"] == b_out, f"{name}: bytes from server {s['bytes_from_server']} == tshark {b_out}")
    if proto == "tcp":
        synack = {r[0] for r in tshark(path, from_srv + " && tcp.flags.syn==1 && tcp.flags.ack==1", "tcp.stream")}
        check(s["connections"] == len(synack), f"{name}: connections {s['connections']} == SYN/ACKs {len(synack)}")
        check(0 <= s["peak_concurrency"] <= max(1, s["connections"]), f"{name}: peak concurrency within connections")


def listed_servers(path, service, transport="tcp", exactly_one=False, with_requests=False):
    """The servers of one service netdx lists in path, each with its name and the
    tshark filters for traffic to it and from it (the same for every check).
    with_requests leaves out servers that only saw connections (an HTTP port
    probed or refused has no request to compare with tshark's)."""
    got, _ = servers(path)
    chosen = [s for s in got if s["service"] == service and s["transport"] == transport
              and (s["requests"] or not with_requests)]
    if exactly_one:
        check(len(chosen) == 1, f"{os.path.basename(path)}: one {service} server")
    else:
        check(len(chosen) > 0, f"{os.path.basename(path)}: a {service} server is listed")
    for s in chosen:
        name = f'{os.path.basename(path)} {s["server"]}:{s["port"]}/{transport}'
        to_srv = ip_filter(s) % "dst" + f' && {transport}.dstport=={s["port"]}'
        from_srv = ip_filter(s) % "src" + f' && {transport}.srcport=={s["port"]}'
        yield s, name, to_srv, from_srv
        check_bytes_and_conns(path, s, name)


def check_http(path):
    for s, name, to_srv, from_srv in listed_servers(path, "http", with_requests=True):
        reqs = tshark(path, to_srv + " && http.request", "ip.src")
        check(s["requests"] == len(reqs), f"{name}: requests {s['requests']} == tshark {len(reqs)}")
        check(s["clients"] == len({r[0] for r in reqs}), f"{name}: clients {s['clients']}")
        codes = [int(r[0]) for r in tshark(path, from_srv + " && http.response.code", "http.response.code")]
        for cls in (4, 5):
            n = sum(1 for c in codes if c // 100 == cls)
            check(s["errors"].get(f"{cls}xx", 0) == n, f"{name}: {cls}xx {s['errors'].get(f'{cls}xx', 0)} == tshark {n}")
        times = [float(r[0]) for r in tshark(path, from_srv + " && http.time", "http.time")]
        if times:
            want = nearest_rank(times, 0.5) * 1e3
            p50 = s["latency_ms"]["p50"]
            check(abs(p50 - want) <= want * 0.1 + 1.0, f"{name}: p50 {p50:.3f} ms ~ tshark median {want:.3f} ms")


def check_dns(path):
    for s, name, to_srv, from_srv in listed_servers(path, "dns", "udp"):
        queries = tshark(path, to_srv + " && dns.flags.response==0 && !dns.retransmission", "dns.id")
        check(s["requests"] == len(queries), f"{name}: requests {s['requests']} == tshark queries {len(queries)}")
        rcodes = collections.Counter(
            r[0] for r in tshark(path, from_srv + " && dns.flags.response==1 && !dns.retransmission && "
                                 "dns.flags.rcode!=0", "dns.flags.rcode"))
        names = {"1": "FORMERR", "2": "SERVFAIL", "3": "NXDOMAIN", "4": "NOTIMP", "5": "REFUSED"}
        for code, n in rcodes.items():
            kind = names.get(code, "RCODE-other")
            check(s["errors"].get(kind, 0) == n, f"{name}: {kind} {s['errors'].get(kind, 0)} == tshark {n}")
        listed = sum(v for k, v in s["errors"].items() if k in names.values())
        check(listed == sum(rcodes.values()), f"{name}: no rcode error tshark does not see")


def check_smtp(path):
    for s, name, to_srv, from_srv in listed_servers(path, "smtp", exactly_one=True):
        cmds = tshark(path, to_srv + " && smtp.req.command", "smtp.req.command")
        check(s["requests"] == len(cmds), f"{name}: requests {s['requests']} == tshark commands {len(cmds)}")
        codes = [int(r[0]) for r in tshark(path, from_srv + " && smtp.response.code", "smtp.response.code")]
        n5 = sum(1 for c in codes if c // 100 == 5)
        check(s["errors"].get("5xx", 0) == n5, f"{name}: 5xx {s['errors'].get('5xx', 0)} == tshark {n5}")


def check_redis(path):
    for s, name, _, from_srv in listed_servers(path, "redis", exactly_one=True):
        info = [r[0] for r in tshark(path, from_srv + " && resp", "_ws.col.Info")]
        responses = [i for i in info if i.startswith("Response:")]
        check(s["responses"] == len(responses), f"{name}: responses {s['responses']} == tshark {len(responses)}")
        kinds = collections.Counter(i.split("Error: ", 1)[1].split()[0] for i in responses if "Error: " in i)
        got_kinds = {k: v for k, v in s["errors"].items() if k not in ("reset", "refused", "unanswered")}
        check(got_kinds == dict(kinds), f"{name}: error kinds {got_kinds} == tshark {dict(kinds)}")


def check_output_forms(path):
    got, _ = servers(path)
    r = subprocess.run([NETDX, "servers", "-r", path], capture_output=True, text=True, check=True)
    lines = r.stdout.splitlines()
    check(lines[0].split()[:3] == ["SERVER", "SERVICE", "CLIENTS"], "text: header first")
    rows = [line for line in lines[1:] if not line.startswith("#")]
    listed = [s for s in got if s["requests"] or s["connections"]]
    check(len(rows) == len(listed), f"text: one row per server ({len(rows)} == {len(listed)})")
    check(lines[-1].startswith(f"# {len(got)} server(s)"), "text: the summary line counts the servers")
    if len(got) >= 2:
        capped, err = servers(path, "--max-servers", "1")
        check(len(capped) == 1, "--max-servers 1 keeps one server")
        check("left out" in err, f"--max-servers 1 says servers were left out ({err.strip()})")


def web_farm(path, slow_busy_latency):
    """Three servers, 120 s; packets timed explicitly, then sorted."""
    p = Pcap()

    def at(t, *args):
        p.t = t - 0.001  # Pcap.packet steps its clock by 1 ms before stamping
        p.packet(*args)

    t0 = 1_700_000_000.0
    port = 40000
    for n, server in enumerate(["192.0.2.1", "192.0.2.2", "192.0.2.3"]):
        for sec in range(120):
            busy = sec % 4 == 0
            for c in range(8 if busy else 1):
                port += 1
                client = f"198.51.100.{10 + c}"
                latency = slow_busy_latency if (n == 0 and busy) else 0.010
                t = t0 + sec + c * 0.002
                cseq, sseq = 1000, 5000
                at(t, client, server, port, 80, cseq, 0, 0x02)
                at(t + 0.0005, server, client, 80, port, sseq, cseq + 1, 0x12)
                cseq, sseq = cseq + 1, sseq + 1
                at(t + 0.001, client, server, port, 80, cseq, sseq, 0x10)
                t += 0.001
                for k in range(3):
                    req = f"GET /item/{k} HTTP/1.1\r\nHost: {server}\r\n\r\n".encode()
                    resp = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                    at(t + 0.001, client, server, port, 80, cseq, sseq, 0x18, req)
                    cseq += len(req)
                    at(t + 0.001 + latency, server, client, 80, port, sseq, cseq, 0x18, resp)
                    sseq += len(resp)
                    t += 0.002 + latency
                at(t + 0.001, client, server, port, 80, cseq, sseq, 0x11)
                at(t + 0.0015, server, client, 80, port, sseq, cseq + 1, 0x11)
                at(t + 0.002, client, server, port, 80, cseq + 1, sseq + 1, 0x10)
    p.records.sort(key=lambda r: r[0])
    p.write(path)


def check_overloaded():
    tmp = tempfile.mkdtemp(prefix="servers_cli.")
    farm = os.path.join(tmp, "web-farm.pcap")
    web_farm(farm, 0.400)
    got, _ = servers(farm)
    by_ip = {s["server"]: s for s in got}
    check(all(by_ip[ip]["requests"] == 30 * 24 + 90 * 3 for ip in ("192.0.2.1", "192.0.2.2", "192.0.2.3")),
          "web farm: 990 requests per server")
    check(abs(by_ip["192.0.2.1"]["latency_ms"]["p95"] - 400) < 40, "web farm: the slow server's p95 is ~400 ms")
    # Peak concurrency is the busiest slice's mean: eight connections of
    # 3 x (2 ms + 400 ms) + 3 ms each, inside one slice of the timeline.
    slow = by_ip["192.0.2.1"]
    want = 8 * (3 * 0.402 + 0.003) / slow["timeline"]["slice_s"]
    check(abs(slow["peak_concurrency"] - want) <= 0.05 * want,
          f"web farm: the slow server's peak concurrency {slow['peak_concurrency']} ~ {want:.2f}")
    r = subprocess.run([NETDX, "analyze", "-T", "json", farm], capture_output=True, text=True)
    found = [f for f in json.loads(r.stdout)["findings"] if f["id"] == "server.overloaded"]
    check(len(found) == 1 and found[0]["hosts"][0] == "192.0.2.1",
          f"web farm: server.overloaded names 192.0.2.1 only ({[f['title'] for f in found]})")
    even = os.path.join(tmp, "web-farm-even.pcap")
    web_farm(even, 0.010)
    r = subprocess.run([NETDX, "analyze", "-T", "json", even], capture_output=True, text=True)
    found = [f for f in json.loads(r.stdout)["findings"] if f["id"] == "server.overloaded"]
    check(not found, f"web farm, every server fast: no server.overloaded ({[f['title'] for f in found]})")
    shutil.rmtree(tmp)


def main():
    if shutil.which("tshark") is None:
        print("FAIL: tshark is not installed (scripts/packages.txt)")
        return 1
    cap = lambda n: os.path.join(CAPTURES, n)  # noqa: E731
    for n in ("http-5xx.pcap", "slow-dns.pcap", "service-down.pcap"):
        check_http(cap(n))
    for n in ("dns-lookups.pcap", "slow-dns.pcap", "dns-problems.pcap"):
        check_dns(cap(n))
    check_smtp(cap("smtp-rejected.pcap"))
    check_redis(cap("redis-errors.pcap"))
    check_output_forms(cap("service-down.pcap"))
    check_overloaded()
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
