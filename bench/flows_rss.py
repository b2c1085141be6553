#!/usr/bin/env python3
"""Peak memory of `netdx flows` on a capture of N distinct SYNs (one flow each).

Generates bench/out/syn-N.pcap once (bench/gen_syn_flood.py), then runs netdx
flows with several option sets and prints peak RSS (ru_maxrss of the child)
with the flow counters netdx reports. The live flow table is capped by
--max-flows; the rows of the printed table are one per flow unless --top keeps
only the best N, so `--top` runs show the bound of the whole command.
Usage: bench/flows_rss.py --netdx build/netdx [-n 1000000]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def peak_rss(argv):
    """Peak RSS in MB, CPU s, exit code and the last lines of stdout. Output goes
    to a file and only its tail is read: Linux carries the parent's RSS high
    mark across fork+exec into the child's ru_maxrss, so the parent stays small."""
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        out.seek(0, os.SEEK_END)
        out.seek(max(0, out.tell() - 4096))
        tail = out.read().decode(errors="replace")
    return usage.ru_maxrss / 1024.0, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status), tail


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--netdx", required=True)
    ap.add_argument("-n", type=int, default=1000000)
    a = ap.parse_args()
    pcap = HERE / "out" / f"syn-{a.n}.pcap"
    if not pcap.exists():
        pcap.parent.mkdir(exist_ok=True)
        print(f"generating {pcap}", file=sys.stderr)
        subprocess.run([sys.executable, str(HERE / "gen_syn_flood.py"), "-n", str(a.n), "-o", str(pcap) + ".tmp"],
                       check=True)
        os.rename(str(pcap) + ".tmp", pcap)
    runs = [
        ("default (--max-flows 262144)", []),
        ("--max-flows 10000", ["--max-flows", "10000"]),
        ("--top 20", ["--top", "20"]),
        ("--max-flows 10000 --top 20", ["--max-flows", "10000", "--top", "20"]),
    ]
    print(f"capture: {pcap.name}: {a.n} distinct SYNs")
    print(f"{'netdx flows options':<30} {'peak RSS MB':>11} {'cpu s':>7}  counters")
    for label, opts in runs:
        rss, cpu, rc, out = peak_rss([a.netdx, "flows", "-r", str(pcap)] + opts)
        m = re.search(r"^(\d+ flows .*)$", out, re.M)
        print(f"{label:<30} {rss:>11.1f} {cpu:>7.2f}  {m.group(1) if m else f'exit {rc}'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
