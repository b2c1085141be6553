#!/usr/bin/env python3
"""`analyze -T json`/`ndjson` findings name their flows by the uid of `netdx log`.

On a TCP capture (SMTP rejections), a UDP one (DNS problems) and an HTTP one:
- every uid of a finding is a line of `netdx log conn -T json` on the same capture;
- each evidence frame with TCP/UDP ports (read here from the pcap itself, not
  from netdx) falls in exactly one conn line: same transport and endpoints
  either way round, its time within the line's [ts, ts + duration];
- a finding's uids are exactly those lines' uids, once each, in the order of
  the evidence frames (the list would be wrong, short or reordered otherwise);
- NDJSON carries the same uids as JSON; the text report has none to carry.
"""
import json
import os
import socket
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "diff"))
from diff_common import netdx_binary, project_captures  # noqa: E402

failures = []


def check(ok, what):
    """Prints the check; a failed one is kept for the exit code."""
    failures.extend([] if ok else [what])
    print("ok  " if ok else "FAIL", what)


def run(*args):
    return subprocess.run([netdx_binary(), *args], capture_output=True, text=True, check=True).stdout


def frames_of(path):
    """frame number -> (proto, (src, sport), (dst, dport), ts) for Ethernet IPv4/IPv6 TCP/UDP frames."""
    out = {}
    with open(path, "rb") as fh:
        data = fh.read()
    magic = struct.unpack("<I", data[:4])[0]
    scale = 1e-9 if magic == 0xA1B23C4D else 1e-6
    assert struct.unpack("<I", data[20:24])[0] == 1, "Ethernet captures only"
    off, n = 24, 0
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack("<IIII", data[off:off + 16])
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        n += 1
        eth, l3 = struct.unpack("!H", pkt[12:14])[0], 14
        while eth in (0x8100, 0x88A8):
            eth, l3 = struct.unpack("!H", pkt[l3 + 2:l3 + 4])[0], l3 + 4
        if eth == 0x0800:
            ihl, proto = (pkt[l3] & 15) * 4, pkt[l3 + 9]
            if struct.unpack("!H", pkt[l3 + 6:l3 + 8])[0] & 0x1FFF:
                continue  # a later fragment: no ports
            src, dst = socket.inet_ntop(socket.AF_INET, pkt[l3 + 12:l3 + 16]), socket.inet_ntop(socket.AF_INET, pkt[l3 + 16:l3 + 20])
            l4 = l3 + ihl
        elif eth == 0x86DD:
            proto = pkt[l3 + 6]
            src, dst = socket.inet_ntop(socket.AF_INET6, pkt[l3 + 8:l3 + 24]), socket.inet_ntop(socket.AF_INET6, pkt[l3 + 24:l3 + 40])
            l4 = l3 + 40
        else:
            continue
        if proto not in (6, 17) or len(pkt) < l4 + 4:
            continue
        sport, dport = struct.unpack("!HH", pkt[l4:l4 + 4])
        out[n] = ("tcp" if proto == 6 else "udp", (src, sport), (dst, dport), sec + frac * scale)
    return out


def conn_of(frame, conns):
    """The conn lines a frame belongs to."""
    proto, a, b, ts = frame
    found = []
    for c in conns:
        ends = {(c["id.orig_h"], c["id.orig_p"]), (c["id.resp_h"], c["id.resp_p"])}
        if c["proto"] != proto or {a, b} != ends:
            continue
        if c["ts"] - 1e-6 <= ts <= c["ts"] + c.get("duration", 0) + 1e-6:
            found.append(c["uid"])
    return found


def main():
    caps = project_captures("smtp-rejected.pcap", "dns-problems.pcap", "http-5xx.pcap")
    check(len(caps) == 3, "the three captures are there")
    for cap in caps:
        name = os.path.basename(cap)
        conns = [json.loads(line) for line in run("log", "conn", "-T", "json", "-r", cap).splitlines()]
        uids = {c["uid"] for c in conns}
        frames = frames_of(cap)
        report = json.loads(run("analyze", "-T", "json", cap))
        findings = report["findings"]
        with_flow = [f for f in findings if any(n in frames for n in f["evidence"]["frames"])]
        check(bool(with_flow), f"{name}: findings with TCP/UDP evidence ({len(with_flow)})")
        for f in findings:
            what = f"{name}: {f['id']} {f['title'][:50]}"
            got = f.get("uids")
            check(isinstance(got, list), f"{what}: has a uids list")
            if not isinstance(got, list):
                continue
            check(all(u in uids for u in got), f"{what}: every uid {got} is a conn line")
            expect = []
            for n in f["evidence"]["frames"]:
                if n not in frames:
                    continue
                owners = conn_of(frames[n], conns)
                check(len(owners) == 1, f"{what}: frame {n} is in one conn line ({owners})")
                if owners and owners[0] not in expect:
                    expect.append(owners[0])
            check(got == expect, f"{what}: uids {got} are the evidence frames' conns {expect}, in order")
        ndjson = [json.loads(line) for line in run("analyze", "-T", "ndjson", cap).splitlines()]
        nd = [j.get("uids") for j in ndjson if j.get("type") == "finding"]
        check(nd == [f.get("uids") for f in findings], f"{name}: NDJSON carries the same uids as JSON")
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
