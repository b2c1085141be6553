#!/usr/bin/env python3
"""Times netdx against tshark, tcpdump and a bare libpcap loop on one capture.

Each row runs several times (best run kept); CPU time (user+sys of the child)
is the primary figure because the build machine is shared and wall time swings
with its load. Peak RSS (ru_maxrss of the child, the largest of the runs) is
printed too. Adding a row is one line in ROWS.
"""
import argparse
import os
import shlex
import subprocess
import sys
import time

FIELDS = ["frame.number", "frame.time_relative", "ip.src", "ip.dst", "ip.proto",
          "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport", "frame.len"]
E_ARGS = " ".join(f"-e {f}" for f in FIELDS)
Y_FILTER = "tcp.analysis.retransmission || dns.flags.rcode != 0"

# (label, command, compared with): {netdx} {tshark} {tcpdump} {loop} {file} {fields}
# are filled in; the ratio printed is (this row's time) / (the named row's time).
ROWS = [
    ("libpcap loop", "{loop} {file}", None),
    ("netdx packets", "{netdx} packets -r {file}", None),
    ("tshark", "{tshark} -r {file}", "netdx packets"),
    ("tcpdump -nn", "{tcpdump} -nn -r {file}", "netdx packets"),
    ("netdx -T fields", "{netdx} packets -r {file} -T fields {fields}", None),
    ("tshark -T fields", "{tshark} -r {file} -T fields {fields}", "netdx -T fields"),
    ("netdx flows", "{netdx} flows -r {file}", None),
    ("tshark -z conv,tcp", "{tshark} -q -r {file} -z conv,tcp", "netdx flows"),
    # Display filters: the filter (few packets match, so less is printed),
    # and its negation (almost every packet is printed: the filter's own cost).
    ("netdx packets -Y", "{netdx} packets -r {file} -Y '" + Y_FILTER + "'", "netdx packets"),
    ("netdx packets -Y not", "{netdx} packets -r {file} -Y '!(" + Y_FILTER + ")'", "netdx packets"),
    ("tshark -Y", "{tshark} -r {file} -Y '" + Y_FILTER + "'", "netdx packets -Y"),
    ("netdx analyze", "{netdx} analyze {file}", None),
    ("tshark -z expert", "{tshark} -q -r {file} -z expert", "netdx analyze"),
]


def run_once(argv):
    """Runs argv with stdout to /dev/null; returns (wall s, cpu s, peak RSS MB, rc, stderr)."""
    with open(os.devnull, "wb") as null:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=null, stderr=subprocess.PIPE)
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return (wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode,
            err.decode(errors="replace"))


def count_packets(loop, path):
    out = subprocess.run([loop, path], check=True, capture_output=True, text=True).stdout
    return int(out.split()[0])


def parse_only(text):
    """Labels named in --only. Labels may hold commas ("tshark -z conv,tcp"), so
    comma-separated pieces are joined until they spell a known label."""
    labels = {r[0] for r in ROWS}
    chosen, cur = set(), ""
    for piece in text.split(","):
        cur = f"{cur},{piece}" if cur else piece.strip()
        if cur.strip() in labels:
            chosen.add(cur.strip())
            cur = ""
    if cur.strip():
        sys.exit(f"bench: unknown row in --only: {cur.strip()}")
    return chosen


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("file")
    ap.add_argument("--netdx", required=True)
    ap.add_argument("--loop", required=True, help="the pcap_loop bench executable")
    ap.add_argument("--tshark", default="tshark")
    ap.add_argument("--tcpdump", default="tcpdump")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default="", help="comma-separated labels to run (default: all)")
    a = ap.parse_args()

    subst = {"netdx": a.netdx, "tshark": a.tshark, "tcpdump": a.tcpdump, "loop": a.loop,
             "file": shlex.quote(a.file), "fields": E_ARGS}
    only = parse_only(a.only)
    rows = [r for r in ROWS if not only or r[0] in only]
    packets = count_packets(a.loop, a.file)
    print(f"capture: {a.file}: {packets} packets, {os.path.getsize(a.file) / 1e6:.0f} MB; best of {a.runs} runs")
    print(f"{'command':<18} {'cpu s':>8} {'wall s':>8} {'RSS MB':>7} {'pkt/s (cpu)':>13}  {'ratio cpu':>9} {'ratio wall':>10}")

    best = {}
    failed = False
    for label, template, versus in rows:
        argv = shlex.split(template.format(**subst))
        runs = []
        for _ in range(a.runs):
            wall, cpu, rss, rc, err = run_once(argv)
            if rc != 0:
                print(f"{label}: exit code {rc}: {err.strip().splitlines()[-1:] }", file=sys.stderr)
                failed = True
                break
            runs.append((wall, cpu, rss))
        if not runs:
            continue
        wall = min(r[0] for r in runs)
        cpu = min(r[1] for r in runs)
        rss = max(r[2] for r in runs)
        best[label] = (wall, cpu)
        ratio = ""
        if versus in best:
            ratio = f"{cpu / best[versus][1]:>8.1f}x {wall / best[versus][0]:>9.1f}x  ({label} / {versus})"
        print(f"{label:<18} {cpu:>8.2f} {wall:>8.2f} {rss:>7.0f} {packets / cpu:>13,.0f}  {ratio}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
