#!/usr/bin/env python3
"""Differential test: netdx's Redis (resp) and memcached (memcache) packet view
against tshark 4.0, with TCP reassembly on both sides (tshark's default).

Frames compared: every frame either tool dissects as resp or memcache in the
captures given (default: captures/redis-*.pcap and captures/memcached-*.pcap).
A frame agrees when both show the protocol on it and these fields are equal
(all occurrences, in order):
  resp:     resp.string resp.error resp.integer resp.bulk_string.length resp.array.length
  memcache: memcache.command memcache.key memcache.response
Frames where tshark 4.0 cannot be right are counted apart, by reason, and
printed (not hidden):
  - resp3: netdx read a RESP3 value (netdx.resp.type one of _ , # ! = ( % ~ > |);
    tshark 4.0's RESP dissector knows RESP2 only and mis-parses those frames;
  - memcache-unparsed: tshark shows "MEMCACHE Continuation" with no field (its
    text parser does not know ERROR, CLIENT_ERROR, SERVER_ERROR, numeric incr/decr
    replies or unknown commands) while netdx gives command or response.
Fails when fewer than THRESHOLD % of the other frames agree, or when no frame
is compared. Usage: diff_cache.py [-v] [FILE...].
"""
import os
import sys

from diff_common import diff_args, netdx_binary, project_captures, require_tshark, rows, verdict

THRESHOLD = 99.0
RESP = ["resp.string", "resp.error", "resp.integer", "resp.bulk_string.length", "resp.array.length"]
MC = ["memcache.command", "memcache.key", "memcache.response"]
RESP3_TYPES = set("_,#!=(%~>|")


def fields_cmd(tool, path, names):
    args = ["-r", path, "-T", "fields", "-E", "occurrence=a", "-E", "separator=/t", "-e", "frame.number",
            "-e", "frame.protocols"]
    for n in names:
        args += ["-e", n]
    return [tool, "packets"] + args if tool != "tshark" else ["tshark"] + args


def main():
    args = diff_args()
    require_tshark()
    netdx = netdx_binary()
    files = args.files or project_captures("redis-*.pcap", "memcached-*.pcap")
    names = RESP + MC
    total = agree = 0
    apart = {"resp3": 0, "memcache-unparsed": 0}
    for path in files:
        t = rows(fields_cmd("tshark", path, names))
        n = rows(fields_cmd(netdx, path, names + ["netdx.resp.type"]))
        ok = cnt = 0
        for f in sorted(set(t) | set(n), key=int):
            tr, nr = t.get(f, [""] * (len(names) + 1)), n.get(f, [""] * (len(names) + 2))
            tp, np_ = tr[0].split(":"), nr[0].split(":")
            proto = next((p for p in ("resp", "memcache") if p in tp or p in np_), None)
            if not proto:
                continue
            cols = range(1, 1 + len(RESP)) if proto == "resp" else range(1 + len(RESP), 1 + len(names))
            same = (proto in tp) == (proto in np_) and all(tr[i] == nr[i] for i in cols)
            if not same and proto == "resp" and RESP3_TYPES & set(nr[-1].replace(",", "")):
                apart["resp3"] += 1
                if args.v:
                    print(f"  {os.path.basename(path)} #{f}: resp3 (netdx types {nr[-1]})")
                continue
            if not same and proto == "memcache" and not any(tr[i] for i in cols) and any(nr[i] for i in cols):
                apart["memcache-unparsed"] += 1
                if args.v:
                    print(f"  {os.path.basename(path)} #{f}: tshark no fields | netdx {[nr[i] for i in cols]}")
                continue
            cnt += 1
            if same:
                ok += 1
            else:
                print(f"  DIFF {os.path.basename(path)} #{f}: tshark {[tr[0]] + [tr[i][:60] for i in cols]} | "
                      f"netdx {[nr[0]] + [nr[i][:60] for i in cols]}")
        print(f"{os.path.basename(path):<28} {ok}/{cnt} frames agree")
        total += cnt
        agree += ok
    print(f"counted apart (tshark 4.0 limits): {apart}")
    return verdict(agree, total, THRESHOLD, "resp/memcache")


if __name__ == "__main__":
    sys.exit(main())
