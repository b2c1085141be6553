#!/usr/bin/env python3
"""`netdx packets --export-objects http,DIR` against tshark 4.0's.

For each capture below (six lab captures, two public ones with gzip bodies), both tools export into fresh directories; the file
names must be the same set and each file byte-identical. A difference is shown
(names only on one side, first differing offset of a shared name). Then the
bad inputs: a directory that cannot be created exits ExportFailed, a protocol
other than http exits Usage, each with one line on stderr."""
import os
import subprocess
import sys
import tempfile

from exit_codes import exit_code

NETDX = os.environ.get("NETDX", "build/netdx")
CAPTURES = os.environ.get("CAPTURES", "captures")
# Lab captures with HTTP bodies (404/5xx pages, chunked and sized, repeated
# URIs that need tshark's "(N)" names).
CASES = ["http-5xx", "busy-lan16", "healthy-office", "slow-dns", "single-host-netmask", "service-down"]
# Public captures with gzip bodies (chunked and sized), which tshark saves decoded.
CORPUS = os.path.join(os.environ.get("SOURCE_ROOT", "."), "tests/corpus/public")
PUBLIC = ["chrissanders__packets__arppoison.pcapng", "chrissanders__packets__http_espn.pcapng"]
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def files(d):
    out = {}
    for name in os.listdir(d):
        with open(os.path.join(d, name), "rb") as f:
            out[name] = f.read()
    return out


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


same = total = 0
with tempfile.TemporaryDirectory() as tmp:
    for name, path in [(c, os.path.join(CAPTURES, c + ".pcap")) for c in CASES] + \
            [(p, os.path.join(CORPUS, p)) for p in PUBLIC]:
        theirs_dir, ours_dir = os.path.join(tmp, name + ".tshark"), os.path.join(tmp, name + ".netdx")
        subprocess.run(["tshark", "-q", "-r", path, "--export-objects", "http," + theirs_dir],
                       capture_output=True, check=True)
        r = subprocess.run([NETDX, "packets", "-q", "-r", path, "--export-objects", "http," + ours_dir],
                           capture_output=True, text=True)
        check(r.returncode == 0 and r.stderr == "", f"{name}: netdx exits 0 quietly ({r.returncode}: {r.stderr.strip()})")
        theirs = files(theirs_dir) if os.path.isdir(theirs_dir) else {}
        ours = files(ours_dir)
        total += len(theirs)
        check(len(theirs) > 0, f"{name}: tshark exports objects")
        only_t, only_o = sorted(set(theirs) - set(ours)), sorted(set(ours) - set(theirs))
        check(not only_t and not only_o, f"{name}: same names ({len(theirs)} tshark, {len(ours)} netdx); "
              f"only tshark: {only_t[:10]}, only netdx: {only_o[:10]}")
        for n in sorted(set(theirs) & set(ours)):
            if theirs[n] == ours[n]:
                same += 1
            else:
                check(False, f"{name}: {n} differs ({len(theirs[n])} vs {len(ours[n])} bytes, "
                      f"first at offset {first_difference(theirs[n], ours[n])})")
    print(f"{same}/{total} objects identical to tshark's")

    path = os.path.join(CAPTURES, "http-5xx.pcap")
    blocker = os.path.join(tmp, "file")
    open(blocker, "w").close()
    for target in (os.path.join(blocker, "sub"), blocker):
        r = subprocess.run([NETDX, "packets", "-q", "-r", path, "--export-objects", "http," + target],
                           capture_output=True, text=True)
        check(r.returncode == exit_code("ExportFailed") and r.stdout == "" and len(r.stderr.strip().splitlines()) == 1
              and target in r.stderr, f"unusable directory {target}: ExportFailed, one line ({r.returncode}: {r.stderr.strip()})")
    r = subprocess.run([NETDX, "packets", "-q", "-r", path, "--export-objects", "smb," + tmp], capture_output=True, text=True)
    check(r.returncode == exit_code("Usage") and len(r.stderr.strip().splitlines()) == 1,
          f"--export-objects smb,DIR: Usage ({r.returncode}: {r.stderr.strip()})")

sys.exit(1 if failures else 0)
