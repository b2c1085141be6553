#!/usr/bin/env python3
"""netdx.finding fields: on every capture of captures/ with findings, the frames
`packets -Y netdx.finding` selects are the evidence frames `analyze -T json`
lists, finding by finding (netdx.finding.id, .severity, the title); and where
no analysis of the whole file can run, these fields are refused, not empty."""
import glob, json, os, subprocess, sys

NETDX = os.environ["NETDX"]
CAPTURES = os.environ["CAPTURES"]
failures = []
checked = findings_checked = 0


def run(*args, stdin=None):
    return subprocess.run([NETDX, *args], capture_output=True, text=True, stdin=stdin)


def frames(path, flt):
    r = run("packets", "-r", path, "-Y", flt, "-T", "fields", "-e", "frame.number")
    if r.returncode != 0:
        failures.append(f"{path}: -Y '{flt}' exit {r.returncode}: {r.stderr.strip()}")
        return set()
    return {int(x) for x in r.stdout.split()}


for path in sorted(glob.glob(os.path.join(CAPTURES, "*.pcap"))):
    report = json.loads(run("analyze", "-T", "json", path).stdout)
    found = report["findings"]
    if not found:
        continue
    checked += 1
    every = set()
    by_rule = {}
    for f in found:
        every.update(f["evidence"]["frames"])
        by_rule.setdefault(f["id"], set()).update(f["evidence"]["frames"])
    got = frames(path, "netdx.finding")
    if got != every:
        failures.append(f"{path}: netdx.finding selects {sorted(got)[:10]}, the report's evidence is {sorted(every)[:10]}")
    for rule, want in by_rule.items():
        findings_checked += 1
        got = frames(path, f'netdx.finding.id == "{rule}"')
        if got != want:
            failures.append(f"{path}: {rule}: {sorted(got)[:10]} != {sorted(want)[:10]}")
    # The first finding's first evidence frame carries its title and severity.
    f = found[0]
    if f["evidence"]["frames"]:
        n = f["evidence"]["frames"][0]
        r = run("packets", "-r", path, "-Y", f"frame.number == {n}", "-T", "fields", "-E", "separator=|",
                "-e", "netdx.finding.severity", "-e", "netdx.finding.id")
        sev, ids = r.stdout.strip().split("|")
        if f["id"] not in ids.split(",") or f["severity"] not in sev.split(","):
            failures.append(f"{path}: frame {n}: severity/id '{sev}'/'{ids}', report says {f['severity']}/{f['id']}")

if checked < 10:
    failures.append(f"only {checked} captures with findings")

sample = os.path.join(CAPTURES, "dhcp-decline.pcap")
r = run("analyze", "-Y", "netdx.finding", sample)
if r.returncode != 13 or "analysis of the whole file" not in r.stderr:
    failures.append(f"analyze -Y netdx.finding: exit {r.returncode}, {r.stderr.strip()}")
with open(sample, "rb") as fh:
    r = run("packets", "-r", "-", "-T", "fields", "-e", "netdx.finding", stdin=fh)
if r.returncode != 2:
    failures.append(f"packets -r - -e netdx.finding: exit {r.returncode}")
with open(sample, "rb") as fh:
    r = run("packets", "-r", "-", "-Y", "netdx.finding.id", stdin=fh)
if r.returncode != 13:
    failures.append(f"packets -r - -Y netdx.finding.id: exit {r.returncode}")

for f in failures:
    print("FAIL", f)
print(f"{checked} captures, {findings_checked} (capture, rule) pairs checked; {len(failures)} failures")
sys.exit(1 if failures else 0)
