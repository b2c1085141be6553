#!/usr/bin/env python3
"""netdx's capture-file reader against tshark 4.0: on every capture of
captures/ and the bundled corpus, and on variants made here at test time
(pcapng, nanosecond pcap, big-endian pcap and pcapng, several interfaces of
different link types and timestamp resolutions in one pcapng, several
sections, gzip/zstd/lz4 compression, standard input), the same packet count
and, per packet, the same timestamp to the nanosecond, wire and captured
lengths and interface id. A variant is compared with tshark on the file it
was made from, so a tshark that cannot read zstd or lz4 still serves.

    NETDX=build/netdx python3 tests/diff/diff_reader.py [-v] [--all] [FILE...]

By default every pcapng of the corpus (where the reader differs most from
libpcap) and every sixth pcap, to keep the test within a few minutes on a
loaded machine (tshark starts in about a second per file); --all reads every
file (README, "Capture files", gives the last full run).
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from capfile_tools import swap_pcap, swap_pcapng  # noqa: E402
from diff_common import default_captures  # noqa: E402

PICKS = ("dns-lookups.pcap", "healthy-office.pcap", "zeek__zeek__ipv6-fragmented-dns.pcap")
FIELDS = ["frame.time_epoch", "frame.len", "frame.cap_len"]


def run(cmd, stdin=None):
    with open(stdin, "rb") if stdin else open(os.devnull, "rb") as f:
        p = subprocess.run(cmd, stdin=f, capture_output=True)
    return p.returncode, p.stdout.decode(errors="replace").splitlines(), p.stderr.decode(errors="replace")


def tshark_rows(path):
    args = ["tshark", "-n", "-r", path, "-T", "fields"]
    for f in FIELDS:
        args += ["-e", f]
    rc, rows, err = run(args)
    return rc, rows, err


def netdx_rows(netdx, path, stdin=False):
    args = [netdx, "packets", "-r", "-" if stdin else path, "-T", "fields"]
    for f in FIELDS:
        args += ["-e", f]
    return run(args, stdin=path if stdin else None)


def compare(label, want, got):
    """First difference between tshark's rows and netdx's, or None."""
    if len(want) != len(got):
        return f"{label}: {len(got)} packets, tshark {len(want)}"
    for i, (a, b) in enumerate(zip(want, got)):
        if a != b:
            return f"{label}: packet {i + 1}: netdx {b!r}, tshark {a!r}"
    return None


def make_variants(src, tmp, base):
    """(label, path, reference) triples: files made from src, each compared with
    tshark's rows for `reference`."""
    out = []
    name = os.path.basename(src)
    with open(src, "rb") as f:
        head = f.read(4)
    is_ng = head == b"\x0a\x0d\x0d\x0a"
    if is_ng:
        p = os.path.join(tmp, base + ".be.pcapng")
        with open(src, "rb") as f, open(p, "wb") as g:
            g.write(swap_pcapng(f.read()))
        out.append((f"{name} big-endian pcapng", p, p))
    else:
        ng = os.path.join(tmp, base + ".pcapng")
        subprocess.run(["editcap", "-F", "pcapng", src, ng], check=True, capture_output=True)
        out.append((f"{name} as pcapng", ng, ng))
        ns = os.path.join(tmp, base + ".ns.pcap")
        subprocess.run(["editcap", "-F", "nsecpcap", src, ns], check=True, capture_output=True)
        out.append((f"{name} as nanosecond pcap", ns, ns))
        be = os.path.join(tmp, base + ".be.pcap")
        with open(src, "rb") as f, open(be, "wb") as g:
            g.write(swap_pcap(f.read()))
        out.append((f"{name} big-endian pcap", be, be))
    for tool, ext, args in (("gzip", "gz", ["-c"]), ("zstd", "zst", ["-q", "-c"]), ("lz4", "lz4", ["-q", "-c"])):
        p = os.path.join(tmp, f"{base}.{ext}")
        with open(p, "wb") as g:
            subprocess.run([tool] + args + [src], stdout=g, check=True)
        out.append((f"{name} {tool}", p, src))
    return out


def main():
    netdx = os.environ.get("NETDX", "build/netdx")
    verbose = "-v" in sys.argv
    every = "--all" in sys.argv
    files = [a for a in sys.argv[1:] if not a.startswith("-")]
    if not files:
        everything = default_captures((".pcap", ".pcapng", ".cap"))
        pcaps = [f for f in everything if not f.endswith(".pcapng")]
        files = everything if every else sorted(
            [f for f in everything if f.endswith(".pcapng")] + pcaps[::6]
            + [f for f in pcaps if os.path.basename(f) in PICKS or "sll" in f.lower() or "nflog" in f])
    for tool in ("tshark", "editcap", "mergecap", "gzip", "zstd", "lz4"):
        if not shutil.which(tool):
            print(f"{tool} missing (scripts/packages.txt)")
            return 1
    problems = []
    compared = packets = 0
    tmp = tempfile.mkdtemp(prefix="netdx-reader-")
    cache = {}

    def reference(path):
        if path not in cache:
            cache[path] = tshark_rows(path)
        return cache[path]

    def check(label, path, ref, stdin=False):
        nonlocal compared, packets
        trc, want, terr = reference(ref)
        if trc != 0:
            return  # tshark itself cannot read it all; the damaged-file test covers these
        rc, got, err = netdx_rows(netdx, path, stdin)
        compared += 1
        packets += len(want)
        if rc != 0:
            problems.append(f"{label}: netdx exit {rc}: {err.strip()[:300]}")
            print("DIFF", problems[-1], flush=True)
            return
        diff = compare(label, want, got)
        if diff:
            problems.append(diff)
            print("DIFF", diff, flush=True)
        elif verbose:
            print(f"ok {label}: {len(want)} packets", flush=True)

    try:
        for f in files:
            check(os.path.basename(f), f, f)
        # Variants of a few files: Ethernet, Linux cooked, raw IP, a pcapng with
        # name-resolution and statistics blocks.
        picks = [f for f in files if os.path.basename(f) in PICKS]
        picks += [f for f in files if f.endswith(".pcapng")][:3]
        picks += [f for f in files if "sll" in os.path.basename(f).lower()][:1]
        built = []
        for i, f in enumerate(picks):
            if reference(f)[0] != 0:
                continue
            for label, path, ref in make_variants(f, tmp, f"v{i}"):
                check(label, path, ref)
                built.append(path)
            check(os.path.basename(f) + " on standard input", f, f, stdin=True)
        # Several interfaces with different link types and timestamp resolutions
        # (libpcap refuses these), then two sections in one file.
        eth = [f for f in picks if f.endswith(".pcap")][:2]
        if len(eth) < 2:
            problems.append("not enough pcap files for the mixed-interface variant")
            print("DIFF", problems[-1], flush=True)
        else:
            ns = os.path.join(tmp, "mixed-ns.pcap")
            subprocess.run(["editcap", "-F", "nsecpcap", eth[1], ns], check=True, capture_output=True)
            mixed = os.path.join(tmp, "mixed.pcapng")
            others = [f for f in files if "nflog" in f or "sll" in os.path.basename(f).lower()][:1]
            subprocess.run(["mergecap", "-F", "pcapng", "-w", mixed, eth[0], ns] + others, check=True,
                           capture_output=True)
            check("mixed interfaces (mergecap)", mixed, mixed)
            sections = os.path.join(tmp, "sections.pcapng")
            ng = [p for p in built if p.endswith(".pcapng")][:2]
            with open(sections, "wb") as g:
                for p in [mixed] + ng:
                    with open(p, "rb") as f:
                        g.write(f.read())
            check("three sections, two byte orders", sections, sections)
            gz = sections + ".gz"
            with open(gz, "wb") as g:
                subprocess.run(["gzip", "-c", sections], stdout=g, check=True)
            check("three sections gzip on standard input", gz, sections, stdin=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{compared} files compared, {packets} packets, {len(problems)} differing")
    return 1 if problems or compared < 40 else 0


if __name__ == "__main__":
    sys.exit(main())
