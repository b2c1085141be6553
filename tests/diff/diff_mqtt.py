#!/usr/bin/env python3
"""Differential test: netdx's MQTT packet view against tshark 4.0, with TCP
reassembly on both sides (tshark's default).

Frames compared: every frame either tool dissects as mqtt in the captures
given (default: captures/mqtt-*.pcap). A frame agrees when both show MQTT on
it, the Protocol and Info columns are equal, and so are these fields (all
occurrences, in order): FIELDS below (message type, header flags, length,
packet id, topic, CONNECT's protocol/version/keepalive/client id/user name,
CONNACK's flags and 3.1.1 return code or 5 reason code, SUBSCRIBE's requested
QoS, SUBACK's granted QoS or 5 reason code, 5 PUB*/DISCONNECT reason codes).
Every difference is printed. Fails when fewer than THRESHOLD % agree, or when
no frame is compared. Usage: diff_mqtt.py [-v] [FILE...].
"""
import os
import re
import subprocess
import sys

from diff_common import diff_args, netdx_binary, project_captures, require_tshark

THRESHOLD = 99.0
FIELDS = ["mqtt.msgtype", "mqtt.hdrflags", "mqtt.len", "mqtt.msgid", "mqtt.topic", "mqtt.qos",
          "mqtt.proto_len", "mqtt.protoname", "mqtt.ver", "mqtt.conflags", "mqtt.kalive", "mqtt.clientid",
          "mqtt.username", "mqtt.conack.flags", "mqtt.conack.val", "mqtt.connack.reason_code", "mqtt.sub.qos",
          "mqtt.suback.qos", "mqtt.suback.reason_code", "mqtt.unsuback.reason_code", "mqtt.puback.reason_code",
          "mqtt.pubrec.reason_code", "mqtt.pubcomp.reason_code", "mqtt.disconnect.reason_code"]
HEAD = ["frame.number", "frame.protocols", "_ws.col.Protocol", "_ws.col.Info"]


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


def main():
    args = diff_args()
    require_tshark()
    netdx = netdx_binary()
    files = args.files or project_captures("mqtt-*.pcap")
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
            if "mqtt" not in tr[0].split(":") and "mqtt" not in nr[0].split(":"):
                continue
            cnt += 1
            diffs = [(names[i - 1], tr[i], nr[i]) for i in range(1, len(names) + 1) if tr[i] != nr[i]]
            if ("mqtt" in tr[0].split(":")) != ("mqtt" in nr[0].split(":")):
                diffs.insert(0, ("frame.protocols", tr[0], nr[0]))
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
        print("no mqtt frame compared")
        return 1
    share = 100.0 * agree / total
    print(f"total: {agree}/{total} frames agree ({share:.2f}%), threshold {THRESHOLD}%")
    return 0 if share >= THRESHOLD else 1


if __name__ == "__main__":
    sys.exit(main())
