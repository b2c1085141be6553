#!/usr/bin/env python3
"""frame.interface_id, frame.interface_name and frame.comment against tshark
4.0, frame by frame: on every pcapng of the bundled corpus with more than one
interface (capinfos -I), on a named-interface capture, on a mergecap of three
corpus files (interfaces of different link types and names), on that merge
with packet comments added by editcap (none of the corpus has any), on the
commented file in the other byte order, and on a pcap (no interface: empty).

    NETDX=build/netdx python3 tests/diff/diff_frame_interface.py

Skips (77) only when tshark is not installed.
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from capfile_tools import swap_pcapng  # noqa: E402
from diff_common import corpus_dir, list_captures  # noqa: E402

FIELDS = ["frame.interface_id", "frame.interface_name", "frame.comment"]
NAMED = "chrissanders__packets__dns.pcap"  # a pcapng whose interface is "en0"
UNNAMED = "chrissanders__packets__arp_gratuitous.pcapng"  # no if_name: "unknown"
PCAP = "zeek__zeek__dhcp.pcap"
MERGED = (NAMED, "zeek__zeek__snap-arp.pcapng", "the-tcpdump-group__tcpdump__loopback.pcap")
# Commas, quotes and non-ASCII, printed as they are by both.
COMMENTS = ["plain", "with, comma", 'quote " inside', "caf\u00e9"]


def rows(cmd):
    p = subprocess.run(cmd, capture_output=True)
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)}: exit {p.returncode}: {p.stderr.decode(errors='replace')}")
    return p.stdout.decode(errors="replace").splitlines()


def fields_args():
    out = ["-T", "fields"]
    for f in FIELDS:
        out += ["-e", f]
    return out


def multi_interface(files):
    picked = []
    for f in files:
        p = subprocess.run(["capinfos", "-I", f], capture_output=True)
        if p.stdout.decode(errors="replace").count("Interface #") > 1:
            picked.append(f)
    return picked


def main():
    if not shutil.which("tshark"):
        print("tshark not installed")
        return 77
    netdx = os.environ.get("NETDX", "build/netdx")
    corpus = corpus_dir()
    with tempfile.TemporaryDirectory() as tmp:
        files = multi_interface(list_captures(corpus, (".pcapng",)))
        if not files:
            raise SystemExit("no multi-interface pcapng in the corpus")
        files += [os.path.join(corpus, f) for f in (NAMED, UNNAMED, PCAP)]
        merged = os.path.join(tmp, "merged.pcapng")
        rows(["mergecap", "-a", "-w", merged] + [os.path.join(corpus, f) for f in MERGED])
        commented = os.path.join(tmp, "commented.pcapng")
        cmd = ["editcap"]
        for i, c in enumerate(COMMENTS):
            cmd += ["-a", f"{2 * i + 1}:{c}"]
        rows(cmd + [merged, commented])
        swapped = os.path.join(tmp, "commented-swapped.pcapng")
        with open(commented, "rb") as f, open(swapped, "wb") as g:
            g.write(swap_pcapng(f.read()))
        files += [merged, commented, swapped]

        failures, compared, seen = 0, 0, {"ids": set(), "names": set(), "comments": 0}
        for path in files:
            want = rows(["tshark", "-n", "-r", path] + fields_args())
            got = rows([netdx, "packets", "-r", path] + fields_args())
            label = os.path.basename(path)
            if len(want) != len(got):
                print(f"FAIL {label}: {len(got)} frames, tshark {len(want)}")
                failures += 1
                continue
            for n, (a, b) in enumerate(zip(want, got), 1):
                if a != b:
                    print(f"FAIL {label} frame {n}: tshark {a!r}, netdx {b!r}")
                    failures += 1
                    break
                cols = a.split("\t")
                seen["ids"].add(cols[0])
                seen["names"].add(cols[1])
                seen["comments"] += bool(cols[2])
            compared += len(want)
        # The comparison must have covered what it claims to.
        if len(seen["ids"] - {""}) < 3 or len(seen["names"] - {""}) < 2 or seen["comments"] < 2 * len(COMMENTS):
            print(f"FAIL too little covered: {seen}")
            failures += 1
        print(f"{compared} frames of {len(files)} files compared; {seen['comments']} comments")
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
