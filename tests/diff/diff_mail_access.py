#!/usr/bin/env python3
"""Differential test: netdx's POP3 and IMAP packet view against tshark 4.0.

Every frame either tool shows as POP or IMAP, in $CAPTURES and (when present)
$CORPUS (tests/corpus/public), is compared on the Protocol and Info columns. A frame
whose password netdx masks on purpose (PASS, LOGIN) is counted apart, not as
agreement. Known differences, by design of a per-segment view: tshark
reassembles POP3 bodies and IMAP literals and names them by their mail headers.
Fails when fewer than THRESHOLD % of the compared frames agree.
With --fields, the command and reply fields the line protocols' one parser
gives (FIELDS below) are compared instead, on every frame either tool fills
one of them in (a measure for README; the threshold applies to the columns).
Usage: diff_mail_access.py [-v] [--protocols POP,IMAP,SMTP,FTP] [--fields] [FILE...]. Exit 77 when tshark is missing or no
capture has POP3/IMAP.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

from diff_common import default_captures

THRESHOLD = 55.0  # 62.3% (132 of 212) on 2026-12-04: the rest is TLS after STLS/STARTTLS and reassembled bodies
# --protocols SMTP,FTP measures the other line protocols the same way (no threshold
# is asserted for them: README quotes the figures).
ALL_KINDS = {"POP": "pop", "IMAP": "imap", "SMTP": "smtp", "FTP": "ftp"}
FIELDS = {"SMTP": ["smtp.req.command", "smtp.response.code"],
          "FTP": ["ftp.request.command", "ftp.response.code"],
          "POP": ["pop.request.command", "pop.response.indicator"],
          "IMAP": ["imap.request.command", "imap.response.status"]}
SUMMARY = re.compile(r"^\s*(\d+)\s+\S+\s+(.*?)\s+(\S+)\s+(\d+) (.*)$")
MASK = re.compile(r"\*\*\* \(\d+ characters?\)")
TCP_PREFIX = re.compile(r"^(\[TCP [^\]]*\] )+")


def tshark_rows(path):
    out = subprocess.run(["tshark", "-n", "-r", path, "-T", "fields", "-e", "frame.number", "-e",
                          "_ws.col.Protocol", "-e", "_ws.col.Info"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    rows = {}
    for line in out.decode("utf-8", "replace").splitlines():
        cols = line.split("\t")
        if len(cols) >= 3 and cols[0].isdigit():
            rows[int(cols[0])] = (cols[1], TCP_PREFIX.sub("", cols[2]))
    return rows


def netdx_rows(netdx, path):
    out = subprocess.run([netdx, "packets", "-r", path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    rows = {}
    for line in out.decode("utf-8", "replace").splitlines():
        m = SUMMARY.match(line)
        if m:
            rows[int(m.group(1))] = (m.group(3), m.group(5))
    return rows


def field_rows(cmd, fields):
    out = subprocess.run(cmd + ["-T", "fields", "-e", "frame.number"] + sum([["-e", f] for f in fields], []),
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    rows = {}
    for line in out.decode("utf-8", "replace").splitlines():
        cols = line.split("\t")
        if len(cols) == len(fields) + 1 and cols[0].isdigit() and any(cols[1:]):
            rows[int(cols[0])] = tuple(cols[1:])
    return rows


def compare_fields(netdx, files, kinds, verbose):
    fields = sum([FIELDS[k] for k in kinds], [])
    total = agree = 0
    for path in files:
        t = field_rows(["tshark", "-n", "-r", path], fields)
        n = field_rows([netdx, "packets", "-r", path], fields)
        frames = sorted(set(t) | set(n))
        if not frames:
            continue
        ok = sum(1 for f in frames if t.get(f) == n.get(f))
        if verbose:
            for f in frames:
                if t.get(f) != n.get(f):
                    print(f"  {os.path.basename(path)} #{f}: tshark {t.get(f)} | netdx {n.get(f)}")
        print(f"{os.path.basename(path):<55} {ok}/{len(frames)} equal")
        total += len(frames)
        agree += ok
    if not total:
        print("no frames with these fields")
        return 77
    print(f"total: {agree}/{total} frames with equal {', '.join(fields)} ({100.0 * agree / total:.1f}%)")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-v", action="store_true")
    ap.add_argument("--protocols", default="POP,IMAP", help="Protocol column values compared (POP,IMAP,SMTP,FTP)")
    ap.add_argument("--fields", action="store_true", help="compare the command and reply fields, not the columns")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    kinds = {k: ALL_KINDS[k] for k in args.protocols.split(",")}
    if not shutil.which("tshark"):
        print("tshark not found")
        return 77
    netdx = os.environ.get("NETDX", "netdx")
    files = args.files or default_captures((".pcap", ".pcapng"))
    if args.fields:
        return compare_fields(netdx, files, kinds, args.v)
    total = agree = masked = 0
    for path in files:
        t, n = tshark_rows(path), netdx_rows(netdx, path)
        frames = [f for f in sorted(set(t) | set(n))
                  if t.get(f, ("", ""))[0] in kinds or n.get(f, ("", ""))[0] in kinds]
        if not frames:
            continue
        ok = hidden = 0
        for f in frames:
            tr, nr = t.get(f, ("", "")), n.get(f, ("", ""))
            if tr == nr:
                ok += 1
            elif tr[0] == nr[0] and MASK.search(nr[1]):
                hidden += 1
            elif args.v:
                print(f"  {os.path.basename(path)} #{f}: {tr[0]} {tr[1][:90]!r} | {nr[0]} {nr[1][:90]!r}")
        print(f"{os.path.basename(path):<55} {ok}/{len(frames)} equal, {hidden} password masked")
        total += len(frames)
        agree += ok
        masked += hidden
    if not total:
        print("no POP3/IMAP frames in the captures")
        return 77
    compared = total - masked
    share = 100.0 * agree / compared if compared else 100.0
    print(f"total: {agree}/{compared} frames equal ({share:.1f}%), {masked} more differ only by the masked password")
    return 0 if share >= THRESHOLD else 1


if __name__ == "__main__":
    sys.exit(main())
