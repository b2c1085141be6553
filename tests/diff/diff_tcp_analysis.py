#!/usr/bin/env python3
"""Differential test: netdx's TCP analysis flags and TCP conversations vs tshark.

For the captures of diff_common.default_captures (captures/ and the
reference corpus, every NETDX_CORPUS_STEP-th corpus file):
  * per tcp.analysis.* flag, the number of frames tshark marks (single pass,
    as `tshark -r F -Y tcp.analysis.X` counts them) against netdx
    (`netdx packets -T fields -e tcp.analysis.X`);
  * the TCP conversations of `tshark -q -z conv,tcp` (endpoints, frames and
    bytes each way) against `netdx flows -T json --proto tcp`.
Prints a per-flag agreement table. Fails when fewer than 95% of the
(file, flag) pairs match exactly, when any flag's total over the corpus
differs by more than 2%, or when fewer than 95% of conversations match.
Fails when tshark is missing (it is the reference); exit 77 (skip) when there is no
capture at all.
"""
import concurrent.futures
import json
import os
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from diff_common import default_captures, netdx_binary, require_tshark  # noqa: E402

FLAGS = [
    "retransmission", "fast_retransmission", "spurious_retransmission", "out_of_order",
    "lost_segment", "ack_lost_segment", "duplicate_ack", "zero_window", "zero_window_probe",
    "zero_window_probe_ack", "window_full", "keep_alive", "keep_alive_ack", "window_update",
    "reused_ports",
]
FIELDS = ["tcp.analysis." + f for f in FLAGS]
VERBOSE = os.environ.get("VERBOSE") == "1"
CAPTURE_EXT = (".pcap", ".pcapng", ".cap")


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=600)


def count_flags(out, frames_out):
    counts = [0] * len(FLAGS)
    for line in out.splitlines():
        cols = line.split("\t")
        if len(cols) < len(FLAGS) + 1:
            continue
        for i, v in enumerate(cols[1:len(FLAGS) + 1]):
            if v.strip():
                counts[i] += 1
                frames_out.setdefault(FLAGS[i], set()).add(cols[0])
    return counts


UNITS = {"bytes": 1, "kB": 1000, "MB": 1000**2, "GB": 1000**3}
CONV_RE = re.compile(
    r"^(\S+)\s+<->\s+(\S+)\s+(\d+)\s+(\d+)\s+(bytes|kB|MB|GB)\s+(\d+)\s+(\d+)\s+(bytes|kB|MB|GB)\s+(\d+)\s+(\d+)\s+(bytes|kB|MB|GB)")


def split_ep(ep):
    ep = ep.replace("[", "").replace("]", "")
    addr, _, port = ep.rpartition(":")
    return addr, port


def tshark_convs(path):
    """{frozenset(endpoints): {endpoint: (frames_sent, bytes_sent, unit)}} summed over reuse."""
    out = run(["tshark", "-n", "-r", str(path), "-q", "-z", "conv,tcp"]).stdout
    convs = {}
    for line in out.splitlines():
        m = CONV_RE.match(line.strip())
        if not m:
            continue
        a, b = split_ep(m.group(1)), split_ep(m.group(2))
        # "<-" is what B sent to A, "->" what A sent to B.
        b_frames, b_bytes, b_unit = int(m.group(3)), int(m.group(4)), m.group(5)
        a_frames, a_bytes, a_unit = int(m.group(6)), int(m.group(7)), m.group(8)
        key = frozenset([a, b])
        e = convs.setdefault(key, {a: [0, 0, "bytes"], b: [0, 0, "bytes"]})
        e[a][0] += a_frames; e[a][1] += a_bytes * UNITS[a_unit]; e[a][2] = a_unit if a_unit != "bytes" else e[a][2]
        e[b][0] += b_frames; e[b][1] += b_bytes * UNITS[b_unit]; e[b][2] = b_unit if b_unit != "bytes" else e[b][2]
    return convs


def netdx_convs(netdx, path):
    res = run([netdx, "flows", "-r", str(path), "-T", "json", "--proto", "tcp"])
    if res.returncode not in (0, 5):
        return None
    doc = json.loads(res.stdout)
    convs = {}
    for f in doc["flows"]:
        o, r = split_ep(f["originator"]), split_ep(f["responder"])
        key = frozenset([o, r])
        e = convs.setdefault(key, {o: [0, 0], r: [0, 0]})
        e[o][0] += f["orig"]["packets"]; e[o][1] += f["orig"]["bytes"]
        e[r][0] += f["resp"]["packets"]; e[r][1] += f["resp"]["bytes"]
    return convs


def bytes_close(ours, theirs, unit):
    # tshark rounds to whole units (kB, MB): accept anything that rounds alike.
    if unit == "bytes":
        return ours == theirs
    scale = UNITS[unit]
    return abs(ours - theirs) <= scale


def one_file(netdx, path):
    t = run(["tshark", "-n", "-r", str(path), "-T", "fields", "-e", "frame.number"] +
            sum([["-e", f] for f in FIELDS], []))
    n = run([netdx, "packets", "-r", str(path), "-T", "fields", "-e", "frame.number"] +
            sum([["-e", f] for f in FIELDS], []))
    tframes, nframes = {}, {}
    tc = count_flags(t.stdout, tframes)
    nc = count_flags(n.stdout, nframes)
    conv_t = tshark_convs(path)
    conv_n = netdx_convs(netdx, path)
    conv_total = len(conv_t)
    conv_ok = 0
    conv_bad = []
    for key, te in conv_t.items():
        ne = (conv_n or {}).get(key)
        good = ne is not None and all(
            ne.get(ep, [0, 0])[0] == te[ep][0] and bytes_close(ne.get(ep, [0, 0])[1], te[ep][1], te[ep][2])
            for ep in te)
        conv_ok += good
        if not good:
            conv_bad.append((sorted(key), te, ne))
    diffs = {f: (sorted(tframes.get(f, set()) - nframes.get(f, set()), key=int)[:8],
                 sorted(nframes.get(f, set()) - tframes.get(f, set()), key=int)[:8])
             for f in FLAGS if tframes.get(f, set()) != nframes.get(f, set())}
    return path.name, tc, nc, conv_total, conv_ok, conv_bad[:3], diffs


def main():
    require_tshark()
    netdx = netdx_binary()
    files = [Path(f) for f in default_captures(CAPTURE_EXT)]
    if not files:
        print("skip: no captures")
        return 77
    print(f"{len(files)} captures")

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
        results = list(ex.map(lambda p: one_file(netdx, p), files))

    pairs = pairs_ok = 0
    per_flag = {f: [0, 0, 0, 0] for f in FLAGS}  # files matching, files, tshark total, netdx total
    conv_total = conv_ok = 0
    for name, tc, nc, ct, co, bad, diffs in results:
        conv_total += ct
        conv_ok += co
        for i, f in enumerate(FLAGS):
            pairs += 1
            same = tc[i] == nc[i]
            pairs_ok += same
            per_flag[f][0] += same
            per_flag[f][1] += 1
            per_flag[f][2] += tc[i]
            per_flag[f][3] += nc[i]
            if not same:
                print(f"  {name}: {f} tshark={tc[i]} netdx={nc[i]}"
                      + (f" only-tshark={diffs[f][0]} only-netdx={diffs[f][1]}" if f in diffs else ""))
        if VERBOSE:
            for b in bad:
                print(f"  {name}: conversation {b[0]} tshark={b[1]} netdx={b[2]}")

    print(f"\n{'flag':<26} {'files equal':>12} {'tshark total':>13} {'netdx total':>12}")
    failed_totals = []
    for f in FLAGS:
        eq, nfiles, tt, nt = per_flag[f]
        print(f"{f:<26} {eq:>5}/{nfiles:<6} {tt:>13} {nt:>12}")
        if abs(nt - tt) > 0.02 * tt:
            failed_totals.append(f)
    pct = 100.0 * pairs_ok / pairs
    conv_pct = 100.0 * conv_ok / conv_total if conv_total else 100.0
    print(f"\n(file, flag) pairs equal: {pairs_ok}/{pairs} = {pct:.2f}% (need >= 95%)")
    print(f"flags whose corpus total differs by > 2%: {', '.join(failed_totals) or 'none'}")
    print(f"TCP conversations equal (frames and bytes each way): {conv_ok}/{conv_total} = {conv_pct:.2f}% (need >= 95%)")
    ok = pct >= 95.0 and not failed_totals and conv_pct >= 95.0
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
