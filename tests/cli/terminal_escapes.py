#!/usr/bin/env python3
"""Wire bytes carrying terminal control sequences never reach the terminal.
A capture built here puts ESC sequences (clear screen, set title, OSC 8,
cursor moves), BEL, a C1 CSI (0x9b as UTF-8 and raw), and a right-to-left
override into DNS names (query and NXDOMAIN response) and HTTP request headers.
Every reading command's output (packets summary, -V, -T fields, -T json;
analyze text, json and ndjson, with colour forced; dns) is checked to hold none of those
bytes raw, and the escaped forms (\\x1b) to be there, so the test fails if
the text were dropped instead of escaped."""
import os
import re
import struct
import subprocess
import sys
import tempfile

NETDX = os.environ.get("NETDX", "build/netdx")
EVIL = [b"\x1b[2J", b"\x1b]0;owned\x07", b"\x1b]8;;http://x/\x1b\\", b"\xc2\x9b6n", b"\x9b", b"\xe2\x80\xae"]
RAW_BAD = [b"\x1b", b"\x07", b"\xc2\x9b", b"\xe2\x80\xae"]


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip(src, dst, proto, payload, ident):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, 64, proto, 0, bytes(src), bytes(dst))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def eth(p):
    return bytes.fromhex("020000000002020000000001") + b"\x08\x00" + p


C, S = [10, 0, 0, 1], [10, 0, 0, 53]


def dns(qid, name_labels, response):
    q = b"".join(bytes([len(l)]) + l for l in name_labels) + b"\0" + struct.pack("!HH", 1, 1)
    flags = 0x8183 if response else 0x0100
    return struct.pack("!HHHHHH", qid, flags, 1, 0, 0, 0) + q


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def tcp(sport, dport, seq, ack, flags, payload=b""):
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload


def build(path):
    frames = []
    labels = [b"a" + EVIL[0] + b"b", b"t" + EVIL[1], EVIL[2] + b"l", b"c1" + EVIL[3], b"r" + EVIL[5] + b"txt", b"example"]
    frames.append(eth(ip(C, S, 17, udp(40000, 53, dns(0x1234, labels, False)), 1)))
    frames.append(eth(ip(S, C, 17, udp(53, 40000, dns(0x1234, labels, True)), 2)))
    req = (b"GET /" + EVIL[0] + b" HTTP/1.1\r\nHost: h" + EVIL[1] + b"\r\nUser-Agent: u" + EVIL[4] + EVIL[5]
           + b"x\r\n\r\n")
    W = [10, 0, 0, 80]
    frames.append(eth(ip(C, W, 6, tcp(40001, 80, 1000, 0, 0x02), 3)))
    frames.append(eth(ip(W, C, 6, tcp(80, 40001, 5000, 1001, 0x12), 4)))
    frames.append(eth(ip(C, W, 6, tcp(40001, 80, 1001, 5001, 0x10), 5)))
    frames.append(eth(ip(C, W, 6, tcp(40001, 80, 1001, 5001, 0x18, req), 6)))
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000, 1000 * i, len(fr), len(fr)) + fr)


def main():
    tmp = tempfile.mkdtemp(prefix="netdx-esc-")
    cap = os.path.join(tmp, "evil.pcap")
    build(cap)
    runs = {
        "packets": ["packets", "-r", cap],
        "packets -V": ["packets", "-r", cap, "-V"],
        "packets -T fields": ["packets", "-r", cap, "-T", "fields", "-e", "dns.qry.name", "-e", "http.host",
                              "-e", "http.user_agent", "-e", "http.request.uri"],
        "packets -T json": ["packets", "-r", cap, "-T", "json"],
        "analyze": ["analyze", "--color", "never", cap],
        "analyze --color always": ["analyze", "--color", "always", cap],
        "analyze -T json": ["analyze", "-T", "json", cap],
        "analyze -T ndjson": ["analyze", "-T", "ndjson", cap],
        "dns": ["dns", "-r", cap],
    }
    fails = 0
    for label, args in runs.items():
        p = subprocess.run([NETDX] + args, capture_output=True, timeout=60)
        out = p.stdout + p.stderr
        if label == "analyze --color always":
            # The report's own colours are SGR sequences (ESC [ digits m); nothing else may remain.
            out = re.sub(rb"\x1b\[[0-9;]*m", b"", out)
        bad = [b for b in RAW_BAD if b in out]
        escaped = b"\\x1b" in out or b"\\u001b" in out or b"\\\\x1b" in out
        if p.returncode not in (0, 20):
            print(f"FAIL {label}: exit {p.returncode}: {p.stderr[:300]!r}")
            fails += 1
        elif bad:
            print(f"FAIL {label}: raw control bytes {bad} reach the output")
            fails += 1
        elif not escaped:
            print(f"FAIL {label}: the wire text (escaped \\x1b) is not in the output at all")
            fails += 1
        else:
            print(f"ok {label}: {len(out)} bytes, wire controls escaped")
    print(f"{len(runs)} outputs, {fails} failures")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
