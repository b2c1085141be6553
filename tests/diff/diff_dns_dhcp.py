#!/usr/bin/env python3
"""Differential test: netdx's DNS and DHCP fields against tshark, per packet.

For every capture in $CAPTURES and $CORPUS (tests/corpus/public), the
packets tshark dissects as DNS (dns, mdns, llmnr) or DHCP are compared on the
fields below (-T fields, all occurrences). DNS over TCP is compared too, both
whole length-prefixed messages in a segment and messages reassembled from
several segments (shown on the frame completing them; the "reasm" column
counts those frames).

Prints one row per file with DNS/DHCP packets; fails when fewer than 99% of
the compared packets agree. Usage: diff_dns_dhcp.py [-v] [FILE...]
Exit 77 (skipped) when tshark is missing or there is no capture.
"""
import argparse
import collections
import os
import shutil
import subprocess
import sys

from diff_common import default_captures

DNS_FIELDS = ["dns.id", "dns.flags.response", "dns.qry.name", "dns.qry.type", "dns.flags.rcode",
              "dns.a", "dns.aaaa", "dns.cname", "dns.count.answers"]
DHCP_FIELDS = ["dhcp.option.dhcp", "dhcp.id", "dhcp.ip.your", "dhcp.option.requested_ip_address"]
FIELDS = ["frame.number", "frame.protocols"] + DNS_FIELDS + DHCP_FIELDS
# tshark only: set when the frame's PDU was reassembled from several segments.
TSHARK_FIELDS = FIELDS + ["tcp.segment.count"]
DNS_PROTOS = {"dns", "mdns", "llmnr"}
THRESHOLD = 99.0
CAPTURE_EXT = (".pcap", ".pcapng", ".cap")


def run(cmd, names):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    rows = {}
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        cols = line.split("\t")
        if cols and cols[0].isdigit():
            rows[int(cols[0])] = dict(zip(names, cols + [""] * (len(names) - len(cols))))
    return rows, p.returncode


def compare_file(path, netdx, verbose):
    efields = [a for f in FIELDS for a in ("-e", f)]
    tfields = [a for f in TSHARK_FIELDS for a in ("-e", f)]
    opts = ["-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,"]
    # `netdx packets` is port-based (DNS on other ports only in `netdx dns`/`analyze`):
    # tshark's DNS-over-UDP heuristic, on by default, is turned off to compare alike.
    ts, _ = run(["tshark", "-n", "--disable-heuristic", "dns_udp", "-r", path] + opts + tfields, TSHARK_FIELDS)
    nd, rc = run([netdx, "packets", "-r", path] + opts + efields, FIELDS)
    res = {"path": path, "packets": 0, "agree": 0, "tcp": 0, "first": None, "extra": 0,
           "by_field": collections.Counter(), "compared": collections.Counter(), "same": collections.Counter(),
           "rc": rc}
    # Frames netdx calls DNS/DHCP that tshark does not: counted as misses too.
    for num, n in nd.items():
        protos = set(n["frame.protocols"].split(":"))
        t = ts.get(num)
        if (protos & DNS_PROTOS or "dhcp" in protos) and t is not None:
            tprotos = set(t["frame.protocols"].split(":"))
            if not (tprotos & DNS_PROTOS or "dhcp" in tprotos):
                res["extra"] += 1
    for num, t in sorted(ts.items()):
        protos = t["frame.protocols"].split(":")
        is_dns = any(p in DNS_PROTOS for p in protos)
        is_dhcp = "dhcp" in protos
        if not (is_dns or is_dhcp):
            continue
        if is_dns and "tcp" in protos and t["tcp.segment.count"]:
            res["tcp"] += 1
        res["packets"] += 1
        n = nd.get(num)
        fields = (DNS_FIELDS if is_dns else []) + (DHCP_FIELDS if is_dhcp else [])
        bad = [f for f in fields if n is None or t[f] != n[f]]
        for f in fields:
            res["compared"][f] += 1
            if f not in bad:
                res["same"][f] += 1
        if not bad:
            res["agree"] += 1
            continue
        res["by_field"][bad[0]] += 1
        if res["first"] is None or verbose:
            detail = (num, bad[0], t[bad[0]], n[bad[0]] if n else "(no row)")
            if res["first"] is None:
                res["first"] = detail
            if verbose:
                print(f"  {os.path.basename(path)} #{detail[0]} {detail[1]}: {detail[2]!r} | {detail[3]!r}")
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    if shutil.which("tshark") is None:
        print("SKIP: tshark is not installed")
        return 77
    netdx = os.environ.get("NETDX", "netdx")
    files = args.files or default_captures(CAPTURE_EXT)
    if not files:
        print("SKIP: no capture to compare")
        return 77
    results = [compare_file(f, netdx, args.verbose) for f in files]
    results = [r for r in results if r["packets"] or r["tcp"]]
    if not results:
        print("SKIP: no DNS or DHCP packets in the captures")
        return 77
    width = min(70, max(len(os.path.basename(r["path"])) for r in results))
    print(f"{'file':<{width}} {'packets':>7} {'agree':>7} {'%':>7} {'reasm':>7}  first disagreement (frame field: tshark | netdx)")
    total = agree = tcp = extra = 0
    fields = collections.Counter()
    compared = collections.Counter()
    same = collections.Counter()
    for r in results:
        total += r["packets"]
        agree += r["agree"]
        tcp += r["tcp"]
        extra += r["extra"]
        fields.update(r["by_field"])
        compared.update(r["compared"])
        same.update(r["same"])
        pct = 100.0 * r["agree"] / r["packets"] if r["packets"] else 100.0
        first = ""
        if r["first"]:
            num, f, tv, nv = r["first"]
            first = f"#{num} {f}: {tv!r} | {nv!r}"
        if r["rc"] != 0:
            first += f" [netdx exit {r['rc']}]"
        if r["extra"]:
            first += f" [{r['extra']} frame(s) DNS/DHCP in netdx only]"
        print(f"{os.path.basename(r['path'])[:width]:<{width}} {r['packets']:>7} {r['agree']:>7} {pct:>6.2f}% {r['tcp']:>7}  {first}")
    print("per field (packets where the field is compared: agree / compared):")
    for f in DNS_FIELDS + DHCP_FIELDS:
        if compared[f]:
            print(f"  {f:<36} {same[f]:>6} / {compared[f]:<6} {100.0 * same[f] / compared[f]:7.2f}%")
    total += extra  # a frame only netdx dissects is a disagreement too
    overall = 100.0 * agree / total if total else 100.0
    print(f"OVERALL: {len(results)} files, {total} DNS/DHCP packets compared, {agree} agree ({overall:.2f}%); "
          f"{tcp} of them DNS over TCP reassembled from several segments; "
          f"{extra} frames DNS/DHCP in netdx only")
    if fields:
        print("disagreements by first differing field: " + ", ".join(f"{k}: {v}" for k, v in fields.most_common()))
    if overall < THRESHOLD:
        print(f"FAIL: agreement {overall:.2f}% < {THRESHOLD:.0f}%")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
