#!/usr/bin/env python3
"""netdx's capture-file reader against tshark 4.0: on every capture of
captures/ and the bundled corpus, and on variants made here at test time
(pcapng, nanosecond pcap, big-endian pcap and pcapng, several interfaces of
different link types and timestamp resolutions in one pcapng, several
sections, gzip/zstd/lz4 compression, standard input), the same packet count
and, per packet, the same timestamp to the nanosecond and the same wire and
captured lengths.

    NETDX=build/netdx python3 tests/diff/diff_reader.py [-v] [--per-file] [FILE...]

tshark takes about a second to start (dissector registration), which for ~190
files and ~30 variants was minutes. So by default the reference is one tshark
run over one pcapng that `mergecap -a` (Wireshark's own reader, wiretap, which
tshark reads files with) made from every file in order, cut back into files
with the packet counts capinfos (wiretap too) gives: a few seconds in all.
--per-file runs tshark on each file instead (the direct comparison, minutes).
Compressed and standard-input variants are compared with their source's rows,
so a tshark that cannot read zstd or lz4 still serves.
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


def capinfos_counts(paths):
    """Packet count of each file as wiretap reads it; None for a file it cannot
    read to the end (a damaged capture: damaged_files covers those)."""
    p = subprocess.run(["capinfos", "-T", "-r", "-c", "-M"] + paths, capture_output=True, text=True)
    counts = {}
    for line in p.stdout.splitlines():
        name, _, n = line.rpartition("\t")
        if n.isdigit():
            counts[name] = int(n)
    if p.returncode != 0:  # find which ones it refused, one at a time
        for path in paths:
            if subprocess.run(["capinfos", "-c", path], capture_output=True).returncode != 0:
                counts[path] = None
    return {path: counts.get(path) for path in paths}


def merged_reference(paths, tmp):
    """tshark's rows for each of paths from one tshark run: {path: (rc, rows, err)}."""
    counts = capinfos_counts(paths)
    readable = [p for p in paths if counts[p] is not None]
    out = {p: (1, [], "wiretap cannot read it to the end") for p in paths if counts[p] is None}
    merged = os.path.join(tmp, "all.pcapng")
    subprocess.run(["mergecap", "-a", "-F", "pcapng", "-w", merged] + readable, check=True, capture_output=True)
    rc, rows, err = tshark_rows(merged)
    if rc != 0 or len(rows) != sum(counts[p] for p in readable):
        raise SystemExit(f"tshark on the merged reference: exit {rc}, {len(rows)} rows for "
                         f"{sum(counts[p] for p in readable)} packets: {err.strip()[:300]}")
    pos = 0
    for p in readable:
        out[p] = (0, rows[pos:pos + counts[p]], "")
        pos += counts[p]
    return out


def make_mixed(files, picks, built, tmp):
    """Several interfaces with different link types and timestamp resolutions
    (libpcap refuses these), then three sections in two byte orders in one file:
    [(label, path)]."""
    eth = [f for f in picks if f.endswith(".pcap")][:2]
    if len(eth) < 2:
        return None
    ns = os.path.join(tmp, "mixed-ns.pcap")
    subprocess.run(["editcap", "-F", "nsecpcap", eth[1], ns], check=True, capture_output=True)
    mixed = os.path.join(tmp, "mixed.pcapng")
    others = [f for f in files if "nflog" in f or "sll" in os.path.basename(f).lower()][:1]
    subprocess.run(["mergecap", "-F", "pcapng", "-w", mixed, eth[0], ns] + others, check=True,
                   capture_output=True)
    sections = os.path.join(tmp, "sections.pcapng")
    ng = [p for p in built if p.endswith(".pcapng")][:2]
    with open(sections, "wb") as g:
        for p in [mixed] + ng:
            with open(p, "rb") as f:
                g.write(f.read())
    return [("mixed interfaces (mergecap)", mixed), ("three sections, two byte orders", sections)]


def main():
    netdx = os.environ.get("NETDX", "build/netdx")
    verbose = "-v" in sys.argv
    per_file = "--per-file" in sys.argv
    files = [a for a in sys.argv[1:] if not a.startswith("-")]
    named = bool(files)
    if not files:
        files = default_captures((".pcap", ".pcapng", ".cap"))
    for tool in ("tshark", "editcap", "mergecap", "capinfos", "gzip", "zstd", "lz4"):
        if not shutil.which(tool):
            print(f"{tool} missing (scripts/packages.txt)")
            return 1
    problems = []
    compared = packets = 0
    tmp = tempfile.mkdtemp(prefix="netdx-reader-")
    try:
        # Variants of a few files: Ethernet, Linux cooked, raw IP, a pcapng with
        # name-resolution and statistics blocks. (label, path, reference, stdin)
        picks = [f for f in files if os.path.basename(f) in PICKS]
        picks += [f for f in files if f.endswith(".pcapng")][:3]
        picks += [f for f in files if "sll" in os.path.basename(f).lower()][:1]
        checks = [(os.path.basename(f), f, f, False) for f in files]
        built = []
        for i, f in enumerate(picks):
            for label, path, ref in make_variants(f, tmp, f"v{i}"):
                checks.append((label, path, ref, False))
                built.append(path)
            checks.append((os.path.basename(f) + " on standard input", f, f, True))
        mixed = make_mixed(files, picks, built, tmp)
        if mixed is None:
            # Only possible when a few files are named; the default set has them.
            if not named:
                problems.append("not enough pcap files for the mixed-interface variant")
            print("no mixed-interface variant: fewer than two of the picked pcap files", flush=True)
        else:
            checks += [(label, path, path, False) for label, path in mixed]
            gz = mixed[1][1] + ".gz"
            with open(gz, "wb") as g:
                subprocess.run(["gzip", "-c", mixed[1][1]], stdout=g, check=True)
            checks.append(("three sections gzip on standard input", gz, mixed[1][1], True))

        refs = sorted({ref for _, _, ref, _ in checks})
        if per_file:
            reference = {r: tshark_rows(r) for r in refs}
        else:
            reference = merged_reference(refs, tmp)

        for label, path, ref, stdin in checks:
            trc, want, terr = reference[ref]
            if trc != 0:
                print(f"skipped {label}: tshark cannot read it all ({terr.strip()[:100]})", flush=True)
                continue  # the damaged-file test covers these
            rc, got, err = netdx_rows(netdx, path, stdin)
            compared += 1
            packets += len(want)
            if rc != 0:
                problems.append(f"{label}: netdx exit {rc}: {err.strip()[:300]}")
                print("DIFF", problems[-1], flush=True)
                continue
            diff = compare(label, want, got)
            if diff:
                problems.append(diff)
                print("DIFF", diff, flush=True)
            elif verbose:
                print(f"ok {label}: {len(want)} packets", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{compared} files compared, {packets} packets, {len(problems)} differing"
          + (" (tshark on each file)" if per_file else " (one tshark run over a mergecap -a of them)"))
    return 1 if problems or (not named and compared < 150) else 0


if __name__ == "__main__":
    sys.exit(main())
