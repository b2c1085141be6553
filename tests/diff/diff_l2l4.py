#!/usr/bin/env python3
"""Differential test: netdx's L2-L4 decode against tshark, packet by packet.

For every capture in $CAPTURES and $CORPUS (tests/corpus/public), both
tools print the same -T fields columns; a packet agrees when every compared
column is equal. frame.protocols is compared only up to the first protocol that
is not an L2-L4 protocol (L2L4_PROTOCOLS below), since application dissectors
are judged elsewhere; fields are compared only for the layers inside that
prefix (an ip.src of an IP header tunnelled inside VXLAN is out of scope).

Fails when fewer than 99% of all packets agree. Usage:
  diff_l2l4.py [-v] [-j N] [FILE...]   (no FILE: the folders above)
Exit 77 (skipped) when tshark is missing or there is no capture to compare.
"""
import argparse
import collections
import concurrent.futures
import os
import shutil
import subprocess
import sys

from diff_common import default_captures

# Protocols (tshark's frame.protocols names) whose decode this test judges.
L2L4_PROTOCOLS = {
    "eth", "ethertype", "vlan", "sll", "null", "raw", "llc",
    "arp", "ip", "ipv6", "ipv6.hopopts", "ipv6.routing", "ipv6.fraghdr",
    "ipv6.dstopts", "icmp", "icmpv6", "udp", "tcp",
    "ppp", "mpls", "nflog",
}

FIELDS = [
    "frame.number", "frame.protocols",
    "eth.src", "eth.dst", "eth.type", "vlan.id", "vlan.etype",
    "arp.opcode", "arp.src.proto_ipv4", "arp.dst.proto_ipv4",
    "ip.src", "ip.dst", "ip.proto", "ip.ttl", "ip.len", "ip.id", "ip.frag_offset", "ip.flags.mf",
    "ipv6.src", "ipv6.dst", "ipv6.nxt", "ipv6.plen", "ipv6.hlim",
    "tcp.srcport", "tcp.dstport", "tcp.flags", "tcp.len", "tcp.seq_raw", "tcp.ack_raw",
    "tcp.hdr_len", "tcp.window_size_value",
    "udp.srcport", "udp.dstport", "udp.length",
    "icmp.type", "icmp.code", "icmpv6.type", "icmpv6.code",
    "ppp.protocol", "mpls.label", "mpls.bottom", "nflog.family",
]

# Protocols whose one frame.protocols layer repeats its fields (tshark shows a
# whole MPLS label stack as one "mpls" with one mpls.label per entry).
MULTI_VALUE_LAYER = {"mpls"}

THRESHOLD = 99.0
CAPTURE_EXT = (".pcap", ".pcapng", ".cap", ".pcap.gz", ".pcapng.gz")


def field_proto(name):
    """The frame.protocols name a field belongs to (the part before the first dot)."""
    return name.split(".", 1)[0]


def cut_stack(protocols):
    out = []
    for p in protocols.split(":") if protocols else []:
        if p not in L2L4_PROTOCOLS:
            break
        out.append(p)
    return out


def normalise(row):
    """Per-packet tuple of compared values: cut stack, then each field limited to
    as many occurrences as its protocol has layers in the cut stack."""
    values = dict(zip(FIELDS, row + [""] * (len(FIELDS) - len(row))))
    stack = cut_stack(values["frame.protocols"])
    counts = collections.Counter(stack)
    out = {"frame.protocols": ":".join(stack)}
    for f in FIELDS[2:]:
        n = counts.get(field_proto(f), 0)
        occ = values[f].split(",") if values[f] else []
        if field_proto(f) in MULTI_VALUE_LAYER and n > 0:
            n = len(occ)
        out[f] = ",".join(occ[:n])
    return out


def run(cmd, cache=None):
    """Rows by frame number. `cache`: a file outside the repo keeping tshark's
    output between runs while iterating on netdx (opt-in, --tshark-cache)."""
    if cache and os.path.exists(cache):
        with open(cache, "rb") as f:
            out, rc, err = f.read(), 0, b""
    else:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, rc, err = p.stdout, p.returncode, p.stderr
        if cache:
            with open(cache, "wb") as f:
                f.write(out)
    rows = {}
    for line in out.decode("utf-8", "replace").splitlines():
        cols = line.split("\t")
        if cols and cols[0].isdigit():
            rows[int(cols[0])] = cols
    return rows, rc, err.decode("utf-8", "replace").strip().splitlines()


def compare_file(path, netdx, cache_dir=None):
    efields = [a for f in FIELDS for a in ("-e", f)]
    tshark_cmd = ["tshark", "-n", "-r", path, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,"] + efields
    netdx_cmd = [netdx, "packets", "-r", path, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,"] + efields
    cache = os.path.join(cache_dir, os.path.basename(path) + ".tsv") if cache_dir else None
    ts_rows, _, _ = run(tshark_cmd, cache)
    if netdx is None:
        return None
    nd_rows, nd_rc, nd_err = run(netdx_cmd)
    result = {"path": path, "packets": 0, "agree": 0, "first": None, "by_field": collections.Counter(),
              "netdx_rc": nd_rc, "netdx_err": nd_err[-1] if nd_err else ""}
    for num in sorted(set(ts_rows) | set(nd_rows)):
        result["packets"] += 1
        if num not in ts_rows or num not in nd_rows:
            who = "tshark" if num not in ts_rows else "netdx"
            result["by_field"][f"missing in {who}"] += 1
            if result["first"] is None:
                result["first"] = (num, "packet", "(absent)" if who == "tshark" else "present",
                                   "(absent)" if who == "netdx" else "present")
            continue
        t = normalise(ts_rows[num])
        n = normalise(nd_rows[num])
        bad = [f for f in t if t[f] != n[f]]
        if not bad:
            result["agree"] += 1
            continue
        # A stack difference explains the rest: count it alone.
        key = "frame.protocols" if "frame.protocols" in bad else bad[0]
        result["by_field"][key] += 1
        if result["first"] is None:
            result["first"] = (num, key, t[key], n[key])
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-v", "--verbose", action="store_true", help="print disagreement counts per field")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--tshark-cache", metavar="DIR", help="keep tshark output in DIR (outside the repo)")
    ap.add_argument("--tshark-only", action="store_true", help="only fill --tshark-cache")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()

    netdx = os.environ.get("NETDX", "netdx")
    files = args.files or default_captures(CAPTURE_EXT)
    if shutil.which("tshark") is None:
        print("SKIP: tshark is not installed")
        return 77
    if not files:
        print("SKIP: no capture to compare")
        return 77

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda f: compare_file(f, None if args.tshark_only else netdx,
                                                       args.tshark_cache), files))
    if args.tshark_only:
        return 0

    total = sum(r["packets"] for r in results)
    agree = sum(r["agree"] for r in results)
    by_field = collections.Counter()
    width = max(len(os.path.basename(r["path"])) for r in results)
    width = min(width, 70)
    print(f"{'file':<{width}} {'packets':>7} {'agree':>7} {'%':>7}  first disagreement (frame field: tshark | netdx)")
    below = []
    for r in results:
        by_field.update(r["by_field"])
        pct = 100.0 * r["agree"] / r["packets"] if r["packets"] else 100.0
        if pct < THRESHOLD:
            below.append((pct, r))
        first = ""
        if r["first"]:
            num, f, tv, nv = r["first"]
            first = f"#{num} {f}: {tv!r} | {nv!r}"
        if r["netdx_rc"] not in (0,):
            first += f"  [netdx exit {r['netdx_rc']}: {r['netdx_err']}]"
        print(f"{os.path.basename(r['path'])[:width]:<{width}} {r['packets']:>7} {r['agree']:>7} {pct:>6.2f}%  {first}")
    overall = 100.0 * agree / total if total else 100.0
    print(f"OVERALL: {len(results)} files, {total} packets, {agree} agree ({overall:.2f}%), "
          f"{len(below)} files under {THRESHOLD:.0f}%")
    for pct, r in sorted(below, key=lambda x: x[0]):
        print(f"  under {THRESHOLD:.0f}%: {os.path.basename(r['path'])} {pct:.2f}% {dict(r['by_field'])}")
    if args.verbose or overall < THRESHOLD:
        print("disagreements by first differing field:")
        for f, n in by_field.most_common():
            print(f"  {f}: {n}")
    if overall < THRESHOLD:
        print(f"FAIL: agreement {overall:.2f}% < {THRESHOLD:.0f}%")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
