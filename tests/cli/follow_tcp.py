#!/usr/bin/env python3
"""`netdx packets -q -z follow,tcp,MODE,N` against `tshark -q -z ...` (4.0).

For every TCP stream of the lab captures below that carry application data,
in ascii and hex (and raw on the first), the follow-stream output must be
byte-identical to tshark's. Both tools are given every stream of a capture in
one run, so the order of several -z outputs is checked too (tshark prints the
last one first). A differing stream is shown as a unified diff.

Then the bad inputs: a malformed or unsupported spec exits BadStatsSpec and a
stream index the capture does not have exits NoSuchStream, each with one line
on stderr naming the problem."""
import difflib
import os
import subprocess
import sys

from exit_codes import exit_code

NETDX = os.environ.get("NETDX", "build/netdx")
CAPTURES = os.environ.get("CAPTURES", "captures")
CASES = ["http-5xx", "smtp-rejected", "mail-access-plaintext", "ftp-login-failed", "ssh-failures",
         "tls-failures", "redis-errors", "plaintext-logins", "memcached-errors"]
BANNER = "\n" + "=" * 67 + "\nFollow: "
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def streams(path):
    out = subprocess.run(["tshark", "-r", path, "-T", "fields", "-e", "tcp.stream"], capture_output=True,
                         text=True, check=True).stdout
    return sorted({int(s) for s in out.split() if s})


def run(cmd):
    r = subprocess.run(cmd, capture_output=True)
    return r.returncode, r.stdout.decode("latin-1"), r.stderr.decode(errors="replace")


def blocks(text):
    """Each -z output keyed by its stream index."""
    out = {}
    for b in text.split(BANNER)[1:]:
        n = int(b.split("Filter: tcp.stream eq ", 1)[1].split("\n", 1)[0])
        out[n] = BANNER + b
    return out


same = compared = 0
for name in CASES:
    path = os.path.join(CAPTURES, name + ".pcap")
    ids = streams(path)
    for mode in (["ascii", "hex", "raw"] if name == CASES[0] else ["ascii", "hex"]):
        specs = [a for n in ids for a in ("-z", f"follow,tcp,{mode},{n}")]
        rc, ours, err = run([NETDX, "packets", "-q", "-r", path, *specs])
        check(rc == 0, f"{name} {mode}: netdx exits 0 ({err.strip()})")
        _, theirs, _ = run(["tshark", "-q", "-r", path, *specs])
        mine, ref = blocks(ours), blocks(theirs)
        for n in ids:
            compared += 1
            if mine.get(n) == ref.get(n):
                same += 1
                continue
            diff = difflib.unified_diff(ref.get(n, "").splitlines(True), mine.get(n, "").splitlines(True),
                                        "tshark", "netdx", n=2)
            check(False, f"{name} {mode} stream {n} differs from tshark:\n" + "".join(diff))
        check(ours == theirs, f"{name} {mode}: all {len(ids)} streams in one run, in tshark's order")
print(f"{same}/{compared} streams identical to tshark")

path = os.path.join(CAPTURES, CASES[0] + ".pcap")
for spec in ["follow,tcp,ascii", "follow,tcp,octal,1", "follow,udp,ascii,1", "follow,tcp,ascii,x", "follow,tcp,ascii,-1",
             "conv,tcp", "follow,tcp,ascii,1,2"]:
    rc, out, err = run([NETDX, "packets", "-q", "-r", path, "-z", spec])
    check(rc == exit_code("BadStatsSpec") and out == "" and len(err.strip().splitlines()) == 1 and spec in err,
          f"-z {spec}: one line, exit BadStatsSpec ({rc}: {err.strip()})")
last = streams(path)[-1]
rc, out, err = run([NETDX, "packets", "-q", "-r", path, "-z", f"follow,tcp,ascii,{last + 1}", "-z", "follow,tcp,ascii,0"])
check(rc == exit_code("NoSuchStream") and len(err.strip().splitlines()) == 1 and f"stream {last + 1}" in err
      and "Filter: tcp.stream eq 0\n" in out,
      f"stream {last + 1} of {last + 1}: one line, exit NoSuchStream, the others still printed ({rc}: {err.strip()})")

sys.exit(1 if failures else 0)
