#!/usr/bin/env python3
"""`analyze --evidence FILE.pcapng` read back by tshark 4.0. On every capture of
captures/ with findings: the file holds exactly the report's distinct evidence
frames (same bytes and times as in the input), each with one comment per
finding it proves ("id: title", as in `-T json`). On a few (FILTERED: tshark
starts in 0.6 s, so not on all): `frame.comment contains "ID"` selects exactly
that rule's evidence frames, and `--evidence FILE.pcap` is still pcap, without
comments. Inputs of three link types give one pcapng with one interface per
input (pcap keeps the first input's frames only)."""
import glob, json, os, shutil, subprocess, sys, tempfile

NETDX = os.environ["NETDX"]
CAPTURES = os.environ["CAPTURES"]
CORPUS = os.environ.get("CORPUS") or os.path.join(os.environ["SOURCE_ROOT"], "tests/corpus/public")
failures = []
figures = {"captures": 0, "frames": 0, "comments": 0, "rule filters": 0, "pcap files": 0}
# Several findings sharing frames (up to 3 comments on one), and port-scan's 32.
FILTERED = {"duplicate-ip.pcap", "port-scan.pcap", "single-host-dns.pcap", "mail-access-plaintext.pcap",
            "dns-problems.pcap"}
PCAP_MAGICS = {b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d"}


def tshark_rows(path, *args):
    """tshark -T json, one dict of field -> list of values per frame."""
    r = subprocess.run(["tshark", "-n", "-r", path, "-o", "frame.generate_md5_hash:TRUE", "-T", "json", *args],
                       capture_output=True, text=True)
    if r.returncode != 0:
        failures.append(f"tshark -r {path} {' '.join(args)}: exit {r.returncode}: {r.stderr.strip()[-300:]}")
        return []
    return [p["_source"]["layers"] for p in json.loads(r.stdout or "[]")]


def fields(path, *names, flt=None):
    return tshark_rows(path, *(["-Y", flt] if flt else []), *[a for n in names for a in ("-e", n)])


def analyze(inputs, evidence):
    r = subprocess.run([NETDX, "analyze", "-T", "json", "--evidence", evidence, *inputs], capture_output=True, text=True)
    if r.returncode != 0:
        failures.append(f"analyze --evidence {evidence} {inputs}: exit {r.returncode}: {r.stderr.strip()}")
        return None, r.stderr
    return json.loads(r.stdout), r.stderr


def expected(report, inputs):
    """(input index, frame) -> set of "id: title", in the order the file holds them."""
    want = {}
    for f in report["findings"]:
        for x in f["evidence"]["frames"]:
            ref = (0, x) if isinstance(x, int) else (inputs.index(x["file"]), x["frame"])
            want.setdefault(ref, set()).add(f"{f['id']}: {f['title']}")
    return dict(sorted(want.items()))


def same_packets(label, inputs, refs, rows):
    """The evidence file's frames are the input frames refs name: same bytes, same time."""
    for i, path in enumerate(inputs):
        numbers = [n for (k, n) in refs if k == i]
        if not numbers:
            continue
        orig = fields(path, "frame.md5_hash", "frame.time_epoch",
                      flt="frame.number in {" + ", ".join(map(str, numbers)) + "}")
        got = [r for (k, _), r in zip(refs, rows) if k == i]
        key = lambda r: (r.get("frame.md5_hash"), r.get("frame.time_epoch"))
        if [key(r) for r in orig] != [key(r) for r in got]:
            failures.append(f"{label}: frames of {os.path.basename(path)} differ from the input's {numbers[:8]}")


def check_pcapng(label, inputs, report, path, filters=True):
    want = expected(report, inputs)
    refs = list(want)
    rows = fields(path, "frame.number", "frame.comment", "frame.md5_hash", "frame.time_epoch", "frame.interface_id",
                  "frame.protocols")
    if len(rows) != len(refs):
        failures.append(f"{label}: {len(rows)} frames in the pcapng, the report has {len(refs)} evidence frames")
        return rows
    figures["frames"] += len(rows)
    ids = {f["id"] for f in report["findings"]}
    for ref, row in zip(refs, rows):
        comments = row.get("frame.comment", [])
        figures["comments"] += len(comments)
        if len(comments) != len(set(comments)) or set(comments) != want[ref]:
            failures.append(f"{label}: frame {row['frame.number'][0]} (input {ref}): comments {comments}, "
                            f"want {sorted(want[ref])}")
        if not comments or any(c.split(": ", 1)[0] not in ids for c in comments):
            failures.append(f"{label}: frame {row['frame.number'][0]}: comment names no finding: {comments}")
    same_packets(label, inputs, refs, rows)
    # Wireshark's filter on the comments selects each rule's evidence, and only it.
    for rule in sorted(ids) if filters else []:
        figures["rule filters"] += 1
        sel = {int(r["frame.number"][0]) for r in fields(path, "frame.number", flt=f'frame.comment contains "{rule}"')}
        exp = {n + 1 for n, ref in enumerate(refs) if any(c.startswith(rule + ": ") for c in want[ref])}
        if sel != exp:
            failures.append(f"{label}: frame.comment contains \"{rule}\" selects {sorted(sel)[:10]}, "
                            f"its evidence is {sorted(exp)[:10]}")
    return rows


def check_pcap(label, path, frames):
    figures["pcap files"] += 1
    with open(path, "rb") as fh:
        magic = fh.read(4)
    if magic not in PCAP_MAGICS:
        failures.append(f"{label}: {path} starts {magic.hex()}, not a pcap magic")
    rows = fields(path, "frame.number", "frame.comment")
    if len(rows) != frames or any("frame.comment" in r for r in rows):
        failures.append(f"{label}: pcap has {len(rows)} frames (want {frames}), "
                        f"{sum('frame.comment' in r for r in rows)} with comments (want 0)")


def main():
    if shutil.which("tshark") is None:
        print("FAIL: tshark is not installed (scripts/packages.txt)")
        return 1
    tmp = tempfile.mkdtemp()
    ng, pcap = os.path.join(tmp, "ev.pcapng"), os.path.join(tmp, "ev.pcap")
    shared = 0
    for cap in sorted(glob.glob(os.path.join(CAPTURES, "*.pcap"))):
        label = os.path.basename(cap)
        report, _ = analyze([cap], ng)
        if report is None or not report["findings"]:
            continue
        figures["captures"] += 1
        rows = check_pcapng(label, [cap], report, ng, label in FILTERED)
        shared += sum(len(r.get("frame.comment", [])) > 1 for r in rows)
        if label not in FILTERED:
            continue
        report, _ = analyze([cap], pcap)
        if report is not None:
            check_pcap(label, pcap, len(expected(report, [cap])))

    # Three link types: Ethernet, Linux cooked (SLL), PPP.
    inputs = [os.path.join(CAPTURES, "duplicate-ip.pcap"),
              os.path.join(CORPUS, "zeek__zeek__linuxsll-arp.pcap"),
              os.path.join(CORPUS, "the-tcpdump-group__tcpdump__mpls-traceroute.pcap")]
    report, _ = analyze(inputs, ng)
    if report is not None:
        rows = check_pcapng("3 link types", inputs, report, ng)
        want = expected(report, inputs)
        links = {}
        for (k, _), r in zip(want, rows):
            links.setdefault(k, set()).add((r["frame.interface_id"][0], r["frame.protocols"][0].split(":")[0]))
        if sorted(links) != [0, 1, 2] or [sorted(links[k]) for k in range(3)] != [[("0", "eth")], [("1", "sll")],
                                                                                  [("2", "ppp")]]:
            failures.append(f"3 link types: (interface, first protocol) per input {links}")
        report, err = analyze(inputs, pcap)
        if report is not None:
            first = [ref for ref in expected(report, inputs) if ref[0] == 0]
            check_pcap("3 link types", pcap, len(first))
            skipped = len(expected(report, inputs)) - len(first)
            if f"{skipped} evidence packet(s) skipped" not in err:
                failures.append(f"3 link types, pcap: no word of {skipped} skipped packets: {err.strip()}")

    if figures["captures"] < 10 or figures["pcap files"] < len(FILTERED) + 1:
        failures.append(f"only {figures['captures']} captures with findings")
    if shared == 0:
        failures.append("no frame is evidence for two findings: the several-comments case went untested")
    shutil.rmtree(tmp)
    for f in failures:
        print("FAIL", f)
    print(", ".join(f"{v} {k}" for k, v in figures.items()) + f", {shared} frames with several comments; "
          f"{len(failures)} failures")
    return 1 if failures else 0


sys.exit(main())
