#!/usr/bin/env python3
"""HTTP messages and TLS records split across TCP segments are shown as
tshark 4.0 shows them with its default reassembly: on the frame that
completes them, the frames before as "[TCP segment of a reassembled PDU]".

Builds a capture (tests/cli/tcp_pcap.py) with: a request head split in
three segments; a response whose head and Content-Length body span segments;
a chunked response over several segments; two pipelined requests in one
segment; a TLS exchange on 443 with a record over three segments whose last segment
also carries a whole record. Every frame's Protocol and
Info columns and the HTTP/TLS fields must equal tshark's.
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcp_pcap import Pcap  # noqa: E402

NETDX = os.environ.get("NETDX", "netdx")
SUMMARY = re.compile(r"^\s*(\d+) .*? → (\S*)\s+(\S+)\s+(\d+) (.*)$")
FIELDS = ["http.request.method", "http.request.uri", "http.host", "http.response.code", "http.content_type",
          "tls.record.content_type", "tls.handshake.type", "tls.record.length"]


def rows(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    res = {}
    for line in out.splitlines():
        c = line.split("\t")
        if c and c[0].isdigit():
            res[int(c[0])] = c[1:]
    return res


def tls_record(ctype, body):
    return struct.pack("!BHH", ctype, 0x0303, len(body)) + body


def handshake(htype, body):
    return struct.pack("!B", htype) + len(body).to_bytes(3, "big") + body


def main():
    if shutil.which("tshark") is None:
        print("FAIL: tshark is not installed (scripts/packages.txt)")
        return 1
    tmp = tempfile.mkdtemp(prefix="app_pdus.")
    path = os.path.join(tmp, "split.pcap")
    p = Pcap()
    body = b"x" * 3000
    p.conversation("198.51.100.7", "192.0.2.80", 40001, 80, [
        (True, b"GET /split/head HTTP/1.1\r\nHo"), (True, b"st: example.test\r\nUser-Agent: t"), (True, b"est\r\n\r\n"),
        (False, b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"),
        (False, b"Content-Length: 3000\r\n\r\n" + body[:1000]), (False, body[1000:2500]), (False, body[2500:]),
        (True, b"GET /a HTTP/1.1\r\nHost: example.test\r\n\r\nGET /b HTTP/1.1\r\nHost: example.test\r\n\r\n"),
        (False, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n5\r\nhel"),
        (False, b"lo\r\n6\r\n world\r\n"), (False, b"0\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno"),
    ])
    hello = handshake(1, b"\x03\x03" + b"\x11" * 32 + b"\x00" + b"\x00\x02\x00\x2f" + b"\x01\x00")
    server_hello = handshake(2, b"\x03\x03" + b"\x22" * 32 + b"\x00" + b"\x00\x2f" + b"\x00")
    cert = handshake(11, b"\x00\x00\x00")  # an empty chain keeps the record simple
    cert_rec = tls_record(22, server_hello + cert + b"\x00" * 0)
    big = tls_record(23, b"\x33" * 2500)  # an application data record over three segments
    done = tls_record(21, b"\x02\x28")  # then a whole alert record
    p.conversation("198.51.100.7", "192.0.2.43", 40002, 443, [
        (True, tls_record(22, hello)), (False, cert_rec + big[:1000]), (False, big[1000:2000]),
        (False, big[2000:] + done),
    ])
    p.write(path)
    fields = [a for f in FIELDS for a in ("-e", f)]
    ts = rows(["tshark", "-n", "-r", path, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,",
               "-e", "frame.number", "-e", "_ws.col.Protocol", "-e", "_ws.col.Info"] + fields)
    nd = rows([NETDX, "packets", "-r", path, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,",
               "-e", "frame.number"] + fields)
    summary = subprocess.run([NETDX, "packets", "-r", path], capture_output=True, text=True, check=True).stdout
    for line in summary.splitlines():
        m = SUMMARY.match(line)
        if m and int(m.group(1)) in nd:
            nd[int(m.group(1))] = [m.group(3), m.group(5)] + nd[int(m.group(1))]
    bad = 0
    reassembled = 0
    for n in sorted(ts):
        t = [re.sub(r"\s+$", "", v) for v in ts[n]]
        d = [re.sub(r"\s+$", "", v) for v in nd.get(n, [])]
        if "reassembled PDU" in t[1]:
            reassembled += 1
        if t != d:
            bad += 1
            print(f"FAIL #{n}\n  tshark {t}\n  netdx  {d}")
    print(f"{len(ts) - bad} of {len(ts)} frames equal; {reassembled} shown by tshark as segments of a reassembled PDU")
    shutil.rmtree(tmp)
    if reassembled < 6:
        print("FAIL: the capture no longer exercises reassembly")
        return 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
