#!/usr/bin/env python3
"""Golden test: `netdx analyze -T json` over every capture that has an
expectation file, checked line by line (docs/rules-and-expectations.md).

Sources: captures/<name>.expect next to captures/<name>.pcap(ng), and
tests/golden_corpus/<name>.expect for files of the bundled reference corpus
(tests/corpus/public/<name>.pcap(ng)).
Prints a per-capture pass/fail table; exit 0 all pass, 1 a failure.
"""
import fnmatch
import json
import os
import re
import subprocess
import sys

SEV = {"info": 0, "notice": 1, "note": 1, "warning": 2, "warn": 2, "error": 3}


def find_capture(folder, stem):
    for ext in (".pcap", ".pcapng", ".pcap.gz"):
        p = os.path.join(folder, stem + ext)
        if os.path.exists(p):
            return p
    return None


def check_network(where, words, network):
    """`network subnet=NET [gateway=ADDR] [subnets=N]`: the learned picture
    (the JSON report's `network` object) has subnet NET, whose gateway is ADDR,
    among N subnets in all."""
    problems = []
    subnets = network.get("subnets", [])
    names = [s["subnet"] for s in subnets]
    want = {}
    for w in words:
        key, eq, value = w.partition("=")
        if not eq or key not in ("subnet", "gateway", "subnets"):
            problems.append(f"{where}: unknown word {w!r}")
        want[key] = value
    if "subnet" not in want:
        return problems + [f"{where}: network needs subnet=NET"]
    net = next((s for s in subnets if s["subnet"] == want["subnet"]), None)
    if net is None:
        problems.append(f"{where}: subnet {want['subnet']} not learned (subnets: {names})")
    elif "gateway" in want and net.get("gateway") != want["gateway"]:
        problems.append(f"{where}: subnet {want['subnet']} has gateway {net.get('gateway')!r}, "
                        f"expected {want['gateway']}")
    if "subnets" in want and len(subnets) != int(want["subnets"]):
        problems.append(f"{where}: {len(subnets)} subnet(s) learned, expected {want['subnets']}: {names}")
    return problems


def check(expect_path, findings, network=None):
    """Returns a list of failure texts for one expectation file."""
    problems = []
    for lineno, raw in enumerate(open(expect_path, encoding="utf-8"), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        verb = words[0]
        where = f"{os.path.basename(expect_path)}:{lineno}"
        if verb == "raise":
            rid = words[1]
            hits = [f for f in findings if f["id"] == rid]
            count_ok = bool(hits)
            for w in words[2:]:
                m = re.fullmatch(r"count(>=|=)(\d+)", w)
                if m:
                    n = int(m.group(2))
                    count_ok = len(hits) >= n if m.group(1) == ">=" else len(hits) == n
                    if not count_ok:
                        problems.append(f"{where}: {rid} raised {len(hits)} time(s), expected count{m.group(1)}{n}")
                elif w.startswith("host="):
                    host = w[5:].lower()
                    if hits and not any(host in [h.lower() for h in f["hosts"]] for f in hits):
                        problems.append(f"{where}: {rid} raised but no finding names host {host} "
                                        f"(hosts: {sorted({h for f in hits for h in f['hosts']})})")
                else:
                    problems.append(f"{where}: unknown word {w!r}")
            if not hits:
                problems.append(f"{where}: {rid} not raised")
        elif verb == "absent":
            pat = words[1]
            bad = [f["id"] for f in findings if fnmatch.fnmatchcase(f["id"], pat)]
            if bad:
                problems.append(f"{where}: {pat} must be absent but raised {sorted(set(bad))}")
        elif verb == "max_severity":
            limit = SEV[words[1]]
            bad = [f"{f['id']} ({f['severity']})" for f in findings if SEV[f["severity"]] > limit]
            if bad:
                problems.append(f"{where}: findings above {words[1]}: {bad}")
        elif verb == "network":
            problems += check_network(where, words[1:], network or {})
        else:
            problems.append(f"{where}: unknown directive {verb!r}")
    return problems


def main():
    netdx = os.environ.get("NETDX", "netdx")
    root = os.environ.get("SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
    captures = os.environ.get("CAPTURES", os.path.join(root, "captures"))
    corpus = os.environ.get("CORPUS", os.path.join(root, "tests", "corpus", "public"))
    cases = []
    if os.path.isdir(captures):
        for name in sorted(os.listdir(captures)):
            if name.endswith(".expect"):
                cases.append((os.path.join(captures, name), captures))
    golden_corpus = os.path.join(root, "tests", "golden_corpus")
    if os.path.isdir(golden_corpus):
        for name in sorted(os.listdir(golden_corpus)):
            if name.endswith(".expect"):
                cases.append((os.path.join(golden_corpus, name), corpus))
    if not cases:
        print("FAIL: no capture with an expectation file")
        return 1
    failed = 0
    rows = []
    for expect, folder in cases:
        stem = os.path.basename(expect)[: -len(".expect")]
        cap = find_capture(folder, stem)
        if not cap:
            rows.append((stem, "FAIL", ["capture file missing"]))
            failed += 1
            continue
        proc = subprocess.run([netdx, "analyze", "-T", "json", cap], capture_output=True, text=True)
        if proc.returncode != 0:
            rows.append((stem, "FAIL", [f"netdx analyze exited {proc.returncode}: {proc.stderr.strip()}"]))
            failed += 1
            continue
        report = json.loads(proc.stdout)
        problems = check(expect, report["findings"], report.get("network"))
        ids = sorted({f["id"] for f in report["findings"]})
        rows.append((stem, "FAIL" if problems else "pass", problems or [", ".join(ids) or "(no findings)"]))
        failed += bool(problems)
    width = max(len(r[0]) for r in rows)
    print(f"{'capture':<{width}}  result  findings / problems")
    for stem, status, notes in rows:
        print(f"{stem:<{width}}  {status:<6}  {notes[0]}")
        for n in notes[1:]:
            print(f"{'':<{width}}          {n}")
    print(f"{len(rows) - failed}/{len(rows)} captures pass")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
