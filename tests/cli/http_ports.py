#!/usr/bin/env python3
"""One port list for the packet view and the analysis, plus tshark's -d.

Builds two captures (tests/cli/tcp_pcap.py) and checks:
1. Seven HTTP servers on ports 80, 3132, 5985, 8088, 11371 (tshark's default
   HTTP ports), 8000 and 9999 (found by content, as tshark's heuristic does),
   each answering five requests with 500: `netdx packets` shows HTTP on the
   same frames as tshark, and `netdx analyze` names all seven servers in
   http.server_errors.
2. SMTP on port 2626, which no declaration names and no probe finds: without
   -d neither tool shows SMTP; with `-d tcp.port==2626,smtp` netdx shows the
   frames tshark shows with the same -d, with the same Info column, and
   analyze raises smtp.rcpt_rejected (without -d it does not).
3. A bad -d is a usage error (exit 2).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcp_pcap import Pcap  # noqa: E402

NETDX = os.environ.get("NETDX", "netdx")
HTTP_PORTS = [80, 3132, 5985, 8088, 11371, 8000, 9999]
SUMMARY = re.compile(r"^\s*(\d+) .*? → (\S*)\s+(\S+)\s+(\d+) (.*)$")
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def netdx_cols(path, *extra):
    out = subprocess.run([NETDX, "packets", "-r", path, *extra], capture_output=True, text=True, check=True).stdout
    rows = {}
    for line in out.splitlines():
        m = SUMMARY.match(line)
        if m:
            rows[int(m.group(1))] = (m.group(3), m.group(5).strip())
    return rows


def tshark_cols(path, *extra):
    out = subprocess.run(["tshark", "-n", "-r", path, *extra, "-T", "fields", "-e", "frame.number", "-e",
                          "_ws.col.Protocol", "-e", "_ws.col.Info"], capture_output=True, text=True, check=True).stdout
    rows = {}
    for line in out.splitlines():
        c = line.split("\t")
        if len(c) >= 3 and c[0].isdigit():
            rows[int(c[0])] = (c[1], c[2].strip())
    return rows


def frames_of(rows, proto):
    return {n for n, (p, _) in rows.items() if p == proto}


def findings(path, *extra):
    r = subprocess.run([NETDX, "analyze", "-T", "json", *extra, path], capture_output=True, text=True)
    return json.loads(r.stdout)["findings"]


def main():
    if shutil.which("tshark") is None:
        print("FAIL: tshark is not installed (scripts/packages.txt)")
        return 1
    tmp = tempfile.mkdtemp(prefix="http_ports.")
    web = os.path.join(tmp, "seven-ports.pcap")
    p = Pcap()
    for i, port in enumerate(HTTP_PORTS):
        server = f"192.0.2.{10 + i}"
        for k in range(5):
            req = f"GET /item/{k} HTTP/1.1\r\nHost: {server}:{port}\r\nUser-Agent: test\r\n\r\n".encode()
            resp = b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nerror"
            p.conversation("198.51.100.7", server, 40000 + i * 10 + k, port, [(True, req), (False, resp)])
    p.write(web)

    nd, ts = netdx_cols(web), tshark_cols(web)
    check(len(frames_of(ts, "HTTP")) == 70, f"tshark shows 70 HTTP frames (got {len(frames_of(ts, 'HTTP'))})")
    check(frames_of(nd, "HTTP") == frames_of(ts, "HTTP"),
          f"netdx shows HTTP on tshark's frames (only netdx: {sorted(frames_of(nd, 'HTTP') - frames_of(ts, 'HTTP'))[:5]},"
          f" only tshark: {sorted(frames_of(ts, 'HTTP') - frames_of(nd, 'HTTP'))[:5]})")
    same_info = [n for n in frames_of(ts, "HTTP") if nd.get(n, ("", ""))[1] == ts[n][1]]
    check(len(same_info) == 70, f"same Info column on the HTTP frames ({len(same_info)} of 70)")
    named = set()
    for f in findings(web):
        if f["id"] == "http.server_errors":
            named.update(h for h in f["hosts"] if h.startswith("192.0.2."))
    check(len(named) == 7, f"analyze names all 7 servers in http.server_errors (got {sorted(named)})")

    mail = os.path.join(tmp, "smtp-2626.pcap")
    p = Pcap()
    for k in range(2):
        p.conversation("198.51.100.8", "192.0.2.50", 41000 + k, 2626, [
            (False, b"220 mx.example ESMTP\r\n"), (True, b"EHLO client.example\r\n"), (False, b"250 mx.example\r\n"),
            (True, b"MAIL FROM:<a@example.org>\r\n"), (False, b"250 2.1.0 Ok\r\n"),
            (True, b"RCPT TO:<nobody@example.net>\r\n"), (False, b"550 5.1.1 <nobody@example.net>: user unknown\r\n"),
            (True, b"QUIT\r\n"), (False, b"221 2.0.0 Bye\r\n")])
    p.write(mail)
    d = ["-d", "tcp.port==2626,smtp"]
    check(not frames_of(netdx_cols(mail), "SMTP") and not frames_of(tshark_cols(mail), "SMTP"),
          "without -d neither tool shows SMTP on port 2626")
    nd, ts = netdx_cols(mail, *d), tshark_cols(mail, *d)
    smtp = frames_of(ts, "SMTP")
    check(len(smtp) == 18 and frames_of(nd, "SMTP") == smtp, f"with -d both show the same {len(smtp)} SMTP frames")
    check(all(nd.get(n) == ts[n] for n in smtp),
          "same Info column with -d: " + "; ".join(f"#{n} {ts[n][1]!r} | {nd.get(n)!r}" for n in sorted(smtp)
                                                   if nd.get(n) != ts[n])[:300])
    ids = lambda fs: {f["id"] for f in fs}  # noqa: E731
    check("smtp.rcpt_rejected" not in ids(findings(mail)), "analyze without -d: no smtp.rcpt_rejected")
    check("smtp.rcpt_rejected" in ids(findings(mail, *d)), "analyze -d tcp.port==2626,smtp: smtp.rcpt_rejected")
    check(frames_of(netdx_cols(mail, "-d", "tcp.port==2620-2630,smtp"), "SMTP") == smtp, "-d with a port range")

    for bad in ["tcp.port==99999,http", "tcp.port=80,http", "tcp.port==80,nosuchproto", "tcp.port==80"]:
        r = subprocess.run([NETDX, "packets", "-r", mail, "-d", bad], capture_output=True, text=True)
        check(r.returncode == 2, f"-d {bad!r} is a usage error (exit {r.returncode})")
    shutil.rmtree(tmp)
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
