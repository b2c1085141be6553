#!/usr/bin/env python3
"""Differential test: netdx's AMQP 0-9-1 packet view against tshark 4.0, with
TCP reassembly on both sides (tshark's default).

Frames compared: every frame either tool shows as AMQP (amqp in
frame.protocols, or AMQP in the Protocol column: tshark writes the columns of
a protocol header frame without an amqp tree) in the captures given (default:
captures/amqp-*.pcap). A frame agrees when the Protocol and Info columns are
equal, frame.protocols agree on amqp, and so are FIELDS (all occurrences, in
order: every frame of a segment). Every difference is printed. Fails when
fewer than THRESHOLD % agree, or when no frame is compared.
Usage: diff_amqp.py [-v] [FILE...].
"""
import os
import re
import subprocess
import sys

from diff_common import diff_args, netdx_binary, project_captures, require_tshark

THRESHOLD = 99.0
FIELDS = ["amqp.type", "amqp.channel", "amqp.length", "amqp.method.class", "amqp.method.method",
          "amqp.method.arguments.version_major", "amqp.method.arguments.version_minor",
          "amqp.method.arguments.mechanism", "amqp.method.arguments.channel_max",
          "amqp.method.arguments.frame_max", "amqp.method.arguments.heartbeat",
          "amqp.method.arguments.virtual_host", "amqp.method.arguments.reply_code",
          "amqp.method.arguments.reply_text", "amqp.method.arguments.class_id",
          "amqp.method.arguments.method_id", "amqp.method.arguments.exchange", "amqp.method.arguments.type",
          "amqp.method.arguments.routing_key", "amqp.method.arguments.queue",
          "amqp.method.arguments.consumer_tag", "amqp.method.arguments.delivery_tag",
          "amqp.method.arguments.multiple", "amqp.method.arguments.requeue",
          "amqp.method.arguments.message_count", "amqp.method.arguments.consumer_count",
          "amqp.method.arguments.prefetch_count", "amqp.header.class", "amqp.header.weight",
          "amqp.header.body-size", "amqp.header.property-flags", "amqp.method.properties.content_type",
          "amqp.method.properties.delivery_mode"]
HEAD = ["frame.number", "frame.protocols", "_ws.col.Protocol", "_ws.col.Info"]
TCP_PREFIX = re.compile(r"^(\[TCP [^\]]*\] )+")
# netdx's summary line: number, time, source → destination, Protocol, length, Info.
SUMMARY = re.compile(r"^\s*(\d+) .*? → (\S*)\s+(\S+)\s+(\d+) (.*)$")


def rows(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True, errors="replace", check=True).stdout
    return {line.split("\t")[0]: line.split("\t")[1:] for line in out.splitlines()}


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


def is_amqp(row):
    return "amqp" in row[0].split(":") or row[1] == "AMQP"


def main():
    args = diff_args()
    require_tshark()
    netdx = netdx_binary()
    files = args.files or project_captures("amqp-*.pcap")
    names = ["Protocol", "Info"] + FIELDS
    total = agree = 0
    for path in files:
        t, n = rows(fields_cmd("tshark", path)), netdx_rows(netdx, path)
        for r in t.values():
            r[2] = TCP_PREFIX.sub("", r[2])
        ok = cnt = 0
        blank = [""] * (len(names) + 1)
        for f in sorted(set(t) | set(n), key=int):
            tr, nr = t.get(f, blank), n.get(f, blank)
            if not is_amqp(tr) and not is_amqp(nr):
                continue
            cnt += 1
            diffs = [(names[i - 1], tr[i], nr[i]) for i in range(1, len(names) + 1) if tr[i] != nr[i]]
            if ("amqp" in tr[0].split(":")) != ("amqp" in nr[0].split(":")):
                diffs.insert(0, ("frame.protocols", tr[0], nr[0]))
            if not diffs:
                ok += 1
                if args.v:
                    print(f"  same {os.path.basename(path)} #{f}: {nr[2]}")
                continue
            print(f"  DIFF {os.path.basename(path)} #{f}: " +
                  "; ".join(f"{k}: tshark {a[:90]!r} netdx {b[:90]!r}" for k, a, b in diffs))
        print(f"{os.path.basename(path):<28} {ok}/{cnt} frames agree")
        total += cnt
        agree += ok
    if not total:
        print("no amqp frame compared")
        return 1
    share = 100.0 * agree / total
    print(f"total: {agree}/{total} frames agree ({share:.2f}%), threshold {THRESHOLD}%")
    return 0 if share >= THRESHOLD else 1


if __name__ == "__main__":
    sys.exit(main())
