#!/usr/bin/env python3
"""Differential test: netdx's SSH packet view against tshark 4.0.

Every frame either tool shows as SSH, in $CAPTURES and (when present)
$CORPUS (tests/corpus/public), is compared on the Protocol and Info columns. Known
differences, by design of a per-segment view (dissectors/ssh.cpp): tshark
reassembles packets split over segments, knows from the stream which bytes are
encrypted and names key-exchange messages after the negotiated method, and
shows some encrypted packets with an empty info column.
Fails when fewer than THRESHOLD % of the compared frames agree.
Usage: diff_ssh.py [-v] [FILE...]. Exit 77 when tshark is missing or no capture
has SSH.
"""
import os
import sys

from diff_common import default_captures, diff_args, netdx_binary, require_tshark
from diff_mail_access import netdx_rows, tshark_rows

THRESHOLD = 45.0  # 49.7% on 2026-12-04 (791/1592 frames of captures/ and the corpus); 48.1% on 2026-12-06 (803/1670: busy-lan16 adds 78, 12 equal)


def main():
    args = diff_args()
    require_tshark()
    netdx = netdx_binary()
    files = args.files or default_captures((".pcap", ".pcapng"))
    total = agree = 0
    for path in files:
        t, n = tshark_rows(path), netdx_rows(netdx, path)
        frames = [f for f in sorted(set(t) | set(n))
                  if t.get(f, ("", ""))[0].startswith("SSH") or n.get(f, ("", ""))[0].startswith("SSH")]
        if not frames:
            continue
        ok = 0
        for f in frames:
            tr, nr = t.get(f, ("", "")), n.get(f, ("", ""))
            if tr == nr:
                ok += 1
            elif args.v:
                print(f"  {os.path.basename(path)} #{f}: {tr[0]} {tr[1][:90]!r} | {nr[0]} {nr[1][:90]!r}")
        print(f"{os.path.basename(path):<55} {ok}/{len(frames)} equal")
        total += len(frames)
        agree += ok
    if not total:
        print("no SSH frames in the captures")
        return 77
    share = 100.0 * agree / total
    print(f"total: {agree}/{total} frames equal ({share:.1f}%)")
    return 0 if share >= THRESHOLD else 1


if __name__ == "__main__":
    sys.exit(main())
