#!/usr/bin/env python3
"""Differential test: netdx's HTTP and TLS packet view against tshark 4.0.

For every capture in $CAPTURES and $CORPUS (tests/corpus/public), the
frames either tool shows as HTTP or TLS are compared on the Protocol column,
the Info column and the fields below (-T fields, all occurrences).

Both protocols are compared with tshark's default settings (TCP reassembly
on): netdx shows an HTTP message (head and body) or a TLS record on the frame
that completes it, cut by the same stream parser the analysis uses, and the
frames carrying its earlier bytes as TCP. Frames on ports netdx does not bind
(STARTTLS, tshark's TLS heuristic) are counted apart ("other port"); HTTP is
found on any port by its first line, as tshark's heuristic finds it.
tshark's TCP analysis prefixes ("[TCP Previous segment not captured] ") are
removed from its Info column: `netdx packets` does not print them.

The HTTP frames are also compared with tshark without reassembly, for
information only. Fails when fewer than THRESHOLD_HTTP / THRESHOLD_TLS % of a
protocol's compared frames agree. Usage: diff_http_tls.py [-v] [FILE...]
Exit 77 (skipped) when tshark is missing or there is no capture.
"""
import argparse
import collections
import os
import re
import shutil
import subprocess
import sys

from diff_common import default_captures

HTTP_FIELDS = ["http.request.method", "http.request.uri", "http.request.version", "http.host", "http.user_agent",
               "http.response.code", "http.response.phrase", "http.response.version", "http.content_type",
               "http.content_length_header", "http.server", "http.request", "http.response"]
TLS_FIELDS = ["tls.record.content_type", "tls.record.opaque_type", "tls.record.version", "tls.record.length", "tls.handshake.type",
              "tls.handshake.version", "tls.handshake.extensions_server_name", "tls.alert_message.level",
              "tls.alert_message.desc", "tls.handshake.ciphersuite"]
FIELDS = ["frame.number"] + HTTP_FIELDS + TLS_FIELDS
TSHARK_ONLY = ["tcp.segment.count", "tcp.srcport", "tcp.dstport"]
# The TLS ports of src/app/protocol_list.cpp (HTTP: any port, by content).
PORTS = {"tls": {443, 465, 636, 853, 993, 995, 2443, 5061, 5671, 8443, 8883}}
# Measured on captures/ + the bundled corpus: see README. Each threshold sits
# just under the measured figure so that a regression fails it.
THRESHOLD_HTTP = 76.0
THRESHOLD_TLS = 89.0
CAPTURE_EXT = (".pcap", ".pcapng", ".cap")
TCP_PREFIX = re.compile(r"^(\[TCP [^\]]*\] )+")
SUMMARY = re.compile(r"^\s*(\d+) .*? → (\S*)\s+(\S+)\s+(\d+) (.*)$")


def tshark_rows(path, reassemble):
    cmd = ["tshark", "-n", "-r", path]
    if not reassemble:
        cmd += ["-o", "tcp.desegment_tcp_streams:FALSE"]
    cmd += ["-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,", "-e", "_ws.col.Protocol", "-e",
            "_ws.col.Info"] + [a for f in FIELDS + TSHARK_ONLY for a in ("-e", f)]
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    rows = {}
    for line in out.decode("utf-8", "replace").splitlines():
        cols = line.split("\t")
        if len(cols) < 3 or not cols[2].isdigit():
            continue
        info = TCP_PREFIX.sub("", cols[1]).replace("[BoundErrorUnreassembled Packet]", "")
        row = {"protocol": cols[0], "info": info}
        row.update(zip(FIELDS[1:] + TSHARK_ONLY, cols[3:] + [""] * (len(FIELDS) + len(TSHARK_ONLY))))
        rows[int(cols[2])] = row
    return rows


def netdx_rows(netdx, path):
    summary = subprocess.run([netdx, "packets", "-r", path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    fields = subprocess.run([netdx, "packets", "-r", path, "-T", "fields", "-E", "occurrence=a", "-E",
                             "aggregator=,"] + [a for f in FIELDS for a in ("-e", f)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    rows = {}
    for line in summary.stdout.decode("utf-8", "replace").splitlines():
        m = SUMMARY.match(line)
        if m:
            rows[int(m.group(1))] = {"protocol": m.group(3), "info": m.group(5)}
    for line in fields.stdout.decode("utf-8", "replace").splitlines():
        cols = line.split("\t")
        if cols and cols[0].isdigit() and int(cols[0]) in rows:
            rows[int(cols[0])].update(zip(FIELDS[1:], cols[1:] + [""] * len(FIELDS)))
    return rows, summary.returncode


def kind(protocol):
    if protocol.startswith("HTTP"):
        return "http"
    if protocol.startswith("TLS") or protocol == "SSLv3":
        return "tls"
    return None


def on_port(t, proto):
    if proto not in PORTS:
        return True
    ports = {int(p) for p in (t.get("tcp.srcport", ""), t.get("tcp.dstport", "")) if p.isdigit()}
    return bool(ports & PORTS[proto])


def compare(t, n, names):
    """The first differing column, or None."""
    for c in ["protocol", "info"] + names:
        if t.get(c, "") != n.get(c, ""):
            return c
    return None


def compare_file(path, netdx):
    plain = tshark_rows(path, reassemble=False)
    reasm = tshark_rows(path, reassemble=True)
    nd, rc = netdx_rows(netdx, path)
    res = {"path": path, "rc": rc, "n": collections.Counter(), "agree": collections.Counter(),
           "by_col": collections.Counter(), "first": None}
    for num in sorted(set(nd) | set(plain)):
        n = nd.get(num, {"protocol": "(absent)", "info": ""})
        for proto, ref, names in (("http", reasm, HTTP_FIELDS), ("tls", reasm, TLS_FIELDS),
                                  ("http-plain", plain, HTTP_FIELDS)):
            base = proto.split("-")[0]
            t = ref.get(num, {"protocol": "(absent)", "info": ""})
            if kind(t["protocol"]) != base and kind(n["protocol"]) != base:
                continue
            if "tcp.srcport" in t and not on_port(t, base):
                res["n"][f"{base} other port"] += 1
                continue
            if t.get("tcp.segment.count"):
                res["n"][f"{proto} reassembled"] += 1  # of which: PDUs tshark built from several segments
            res["n"][proto] += 1
            bad = compare(t, n, names)
            if bad is None:
                res["agree"][proto] += 1
                if t.get("tcp.segment.count"):
                    res["agree"][f"{proto} reassembled"] += 1
            elif proto != "http-plain":
                res["by_col"][f"{proto} {bad}"] += 1
                if res["first"] is None:
                    res["first"] = (num, bad, t.get(bad, ""), n.get(bad, ""))
    return res


def pct(a, n):
    return 100.0 * a / n if n else 100.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    netdx = os.environ.get("NETDX", "netdx")
    if shutil.which("tshark") is None:
        print("SKIP: tshark is not installed")
        return 77
    files = args.files or default_captures(CAPTURE_EXT)
    if not files:
        print("SKIP: no capture to compare")
        return 77
    total_n, total_a, by_col = collections.Counter(), collections.Counter(), collections.Counter()
    print(f"{'file':<55} {'http':>11} {'tls':>11}  first disagreement (frame column: tshark | netdx)")
    for path in files:
        r = compare_file(path, netdx)
        if not r["n"]:
            continue
        total_n.update(r["n"])
        total_a.update(r["agree"])
        by_col.update(r["by_col"])
        first = ""
        if r["first"]:
            num, col, tv, nv = r["first"]
            first = f"#{num} {col}: {tv!r} | {nv!r}"
        if r["rc"] != 0:
            first += f" [netdx exit {r['rc']}]"
        cells = [f"{r['agree'][p]}/{r['n'][p]}" for p in ("http", "tls")]
        print(f"{os.path.basename(path)[:55]:<55} {cells[0]:>11} {cells[1]:>11}  {first}")
    judged_n = total_n["http"] + total_n["tls"]
    judged_a = total_a["http"] + total_a["tls"]
    overall = pct(judged_a, judged_n)
    http_pct, tls_pct = pct(total_a["http"], total_n["http"]), pct(total_a["tls"], total_n["tls"])
    print(f"not judged, tls other port: {total_n['tls other port']} frames")
    for p in ("http", "tls", "http reassembled", "tls reassembled", "http-plain"):
        print(f"{p}: {total_a[p]}/{total_n[p]} frames agree ({pct(total_a[p], total_n[p]):.2f}%)")
    print(f"OVERALL (tshark default, reassembly on): {judged_a}/{judged_n} ({overall:.2f}%)")
    failed = http_pct < THRESHOLD_HTTP or tls_pct < THRESHOLD_TLS
    if args.verbose or failed:
        for c, k in by_col.most_common():
            print(f"  {c}: {k}")
    if judged_n == 0:
        print("SKIP: no HTTP or TLS frame in the captures")
        return 77
    if failed:
        print(f"FAIL: agreement HTTP {http_pct:.2f}% (threshold {THRESHOLD_HTTP}%), "
              f"TLS {tls_pct:.2f}% (threshold {THRESHOLD_TLS}%)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
