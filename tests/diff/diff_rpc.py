#!/usr/bin/env python3
"""Differential test: netdx's ONC RPC packet view against tshark 4.0, with TCP
reassembly on both sides (tshark's default).

Frames compared: every frame either tool dissects as rpc in the captures
given (default: captures/rpc-*.pcap). A frame agrees when both show RPC on
it, the Protocol column is equal, tshark's Info column starts with netdx's
(netdx writes "V3 NULL Call" / "V3 NULL Reply (Call In 12)"; tshark adds the
program's own details, e.g. "Port:2049", which netdx does not read), and so
are these fields (all occurrences, in order): FIELDS below. tshark repeats
rpc.programversion when the program's dissector adds its own copy; repeated
values in a row count once on both sides. Exact Info equality is counted
apart. Every difference is printed. Fails when fewer than THRESHOLD % agree,
or when no frame is compared. Usage: diff_rpc.py [-v] [FILE...].
"""
import os
import re
import subprocess
import sys

from diff_common import diff_args, netdx_binary, project_captures, require_tshark

THRESHOLD = 99.0
FIELDS = ["rpc.xid", "rpc.msgtyp", "rpc.version", "rpc.program", "rpc.programversion", "rpc.procedure",
          "rpc.repframe", "rpc.replystat", "rpc.state_accept", "rpc.state_reject", "rpc.state_auth",
          "rpc.programversion.min", "rpc.programversion.max", "rpc.version.min", "rpc.version.max",
          "rpc.auth.flavor"]
HEAD = ["frame.number", "frame.protocols", "_ws.col.Protocol", "_ws.col.Info"]
COLLAPSE = {"rpc.programversion"}


def rows(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True, errors="replace", check=True).stdout
    return {line.split("\t")[0]: line.split("\t")[1:] for line in out.splitlines()}


TCP_PREFIX = re.compile(r"^(\[TCP [^\]]*\] )+")
SUMMARY = re.compile(r"^\s*(\d+) .*? → (\S*)\s+(\S+)\s+(\d+) (.*)$")


def fields_cmd(tool, path):
    head = HEAD if tool == "tshark" else HEAD[:2]  # netdx: the columns from its summary lines
    args = ["-r", path, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,", "-E", "separator=/t"]
    for n in head + FIELDS:
        args += ["-e", n]
    return ["tshark"] + args if tool == "tshark" else [tool, "packets"] + args


def netdx_rows(netdx, path):
    table = rows(fields_cmd(netdx, path))
    out = subprocess.run([netdx, "packets", "-r", path], capture_output=True, text=True, errors="replace").stdout
    cols = {}
    for line in out.splitlines():
        m = SUMMARY.match(line)
        if m:
            cols[m.group(1)] = [m.group(3), m.group(5)]
    return {f: r[:1] + cols.get(f, ["", ""]) + r[1:] for f, r in table.items()}


def collapse(value):
    out = []
    for v in value.split(","):
        if not out or out[-1] != v:
            out.append(v)
    return ",".join(out)


def is_rpc(row):
    return "rpc" in row[0].split(":")


def main():
    args = diff_args()
    require_tshark()
    netdx = netdx_binary()
    files = args.files or project_captures("rpc-*.pcap")
    names = ["Protocol", "Info"] + FIELDS
    total = agree = exact_info = 0
    for path in files:
        t, n = rows(fields_cmd("tshark", path)), netdx_rows(netdx, path)
        for r in t.values():
            r[2] = TCP_PREFIX.sub("", r[2])
        ok = cnt = 0
        blank = [""] * (len(names) + 1)
        for f in sorted(set(t) | set(n), key=int):
            tr, nr = t.get(f, blank), n.get(f, blank)
            if not is_rpc(tr) and not is_rpc(nr):
                continue
            cnt += 1
            diffs = []
            for i, name in enumerate(names, start=1):
                a, b = tr[i], nr[i]
                if name in COLLAPSE:
                    a, b = collapse(a), collapse(b)
                same = a.startswith(b) and b != "" if name == "Info" else a == b
                if not same:
                    diffs.append((name, tr[i], nr[i]))
            if is_rpc(tr) != is_rpc(nr):
                diffs.insert(0, ("frame.protocols", tr[0], nr[0]))
            if tr[2] == nr[2]:
                exact_info += 1
            if not diffs:
                ok += 1
                if args.v:
                    print(f"  same {os.path.basename(path)} #{f}: {nr[2]}")
                continue
            print(f"  DIFF {os.path.basename(path)} #{f}: " +
                  "; ".join(f"{k}: tshark {a[:70]!r} netdx {b[:70]!r}" for k, a, b in diffs))
        print(f"{os.path.basename(path):<28} {ok}/{cnt} frames agree")
        total += cnt
        agree += ok
    if not total:
        print("no rpc frame compared")
        return 1
    share = 100.0 * agree / total
    print(f"total: {agree}/{total} frames agree ({share:.2f}%), threshold {THRESHOLD}%; "
          f"Info identical on {exact_info}/{total}")
    return 0 if share >= THRESHOLD else 1


if __name__ == "__main__":
    sys.exit(main())
