#!/usr/bin/env python3
"""Busy network: a generated /16 LAN (bench/gen_bench_pcap.py: 1,800 clients on
10.20.0.0/16, gateway 10.20.0.1, DHCP mask 255.255.0.0), small enough to stay
fast, with a fixed seed.

- healthy (--healthy): the network picture shows 10.20.0.0/16 (DHCP option 1) and
  the gateway 10.20.0.1; no addr.wrong_netmask; nothing above notice except cred.*
  (at most one per protocol and server); a handful of findings, not one per host pair.
- default: every fault class the generator injected at this size is found, each as
  one finding (grouped by cause), the total stays small, and no state is refused.
- --memory 1, a budget too small for it, is reported per table (name, refused, missing).
"""
import json
import os
import subprocess
import sys
import tempfile

NETDX = os.environ["NETDX"]
GEN = os.path.join(os.environ["SOURCE_ROOT"], "bench", "gen_bench_pcap.py")
PACKETS = 40000
SEED = 7
SEV = {"info": 0, "notice": 1, "warning": 2, "error": 3}

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def generate(path, *extra):
    subprocess.run([sys.executable, GEN, "-n", str(PACKETS), "--seed", str(SEED), "-o", path, *extra],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def analyze(path, *extra):
    out = subprocess.run([NETDX, "analyze", "-T", "json", *extra, path], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def ids(report):
    found = {}
    for f in report["findings"]:
        found.setdefault(f["id"], []).append(f)
    return found


with tempfile.TemporaryDirectory() as tmp:
    healthy, default = os.path.join(tmp, "healthy.pcap"), os.path.join(tmp, "default.pcap")
    generate(healthy, "--healthy")
    generate(default)

    # --- healthy
    r = analyze(healthy)
    net = r["network"]
    subnets = [s["subnet"] for s in net["subnets"]]
    if "10.20.0.0/16" not in subnets:
        fail(f"healthy: subnets {subnets}, expected 10.20.0.0/16")
    elif not next(s for s in net["subnets"] if s["subnet"] == "10.20.0.0/16")["source"].startswith("DHCP option 1"):
        fail("healthy: 10.20.0.0/16 not learned from DHCP option 1")
    gws = [g["address"] for g in net["gateways"]]
    if not gws or gws[0] != "10.20.0.1":
        fail(f"healthy: gateways {gws}, expected 10.20.0.1 first")
    if not net["dhcp_servers"]:
        fail("healthy: no DHCP server in the picture")
    found = ids(r)
    if "addr.wrong_netmask" in found:
        fail(f"healthy: {len(found['addr.wrong_netmask'])} addr.wrong_netmask")
    loud = [f"{f['id']}: {f['title']}" for f in r["findings"]
            if SEV[f["severity"]] > SEV["notice"] and not f["id"].startswith("cred.")]
    if loud:
        fail(f"healthy: findings above notice besides cred.*: {loud}")
    for rid, fs in found.items():
        if rid.startswith("cred."):
            servers = [f["hosts"][0] for f in fs]
            if len(servers) != len(set(servers)):
                fail(f"healthy: {rid} more than once for one server: {servers}")
    if len(r["findings"]) > 30:
        fail(f"healthy: {len(r['findings'])} findings (expected a handful): {sorted(found)}")
    print(f"healthy: {len(r['findings'])} findings: " + ", ".join(f"{k} {len(v)}" for k, v in sorted(found.items())))

    # --- default: injected faults, each found once
    r = analyze(default)
    found = ids(r)
    print(f"default: {len(r['findings'])} findings: " + ", ".join(f"{k} {len(v)}" for k, v in sorted(found.items())))
    # Fault class -> the rule ids that report it (any one suffices) and how many
    # findings of that id are acceptable (grouped: one per path/port/code).
    classes = {
        "loss": (["tcp.retransmissions", "tcp.dup_ack_burst"], 3),
        "zero windows": (["tcp.zero_window"], 2),
        "refused connections": (["conn.refused"], 8),
        "DNS SERVFAIL": (["dns.servfail"], 6),  # one per resolver: five resolvers answer SERVFAIL
        "ICMP unreachable": (["icmp.unreachable"], 4),
        "SMTP rejects": (["smtp.rcpt_rejected"], 3),
        "FTP login failures": (["ftp.login_failed"], 3),
    }
    for cls, (rids, most) in classes.items():
        hits = [f for rid in rids for f in found.get(rid, [])]
        if not hits:
            fail(f"default: {cls} not found ({rids})")
        for rid in rids:
            if len(found.get(rid, [])) > most:
                fail(f"default: {rid} raised {len(found[rid])} times, expected at most {most} (grouped)")
    if "addr.wrong_netmask" in found:
        fail("default: addr.wrong_netmask on a /16 LAN")
    if len(r["findings"]) > 60:
        fail(f"default: {len(r['findings'])} findings")
    grouped = [f for f in r["findings"] if "grouped" in f["figures"]]
    if not grouped:
        fail("default: no grouped finding")
    for f in grouped:
        n = f["figures"]["grouped"]
        if n < 4 or len(f["evidence"]["frames"]) < 4 or len(f["hosts"]) > 10:
            fail(f"default: grouped finding {f['id']} folds {n}, {len(f['evidence']['frames'])} frames, "
                 f"{len(f['hosts'])} hosts")
    if r["limits"]["state_entries_dropped"]:
        fail(f"default: state refused at the default budget: {r['limits']}")

    # --- a budget too small is reported per table
    r = analyze(default, "--memory", "1")
    tables = r["limits"]["tables"]
    if r["limits"]["memory_mb"] != 1:
        fail(f"--memory 1: memory_mb {r['limits']['memory_mb']}")
    if not tables or r["limits"]["state_entries_dropped"] == 0:
        fail(f"--memory 1: nothing refused: {r['limits']}")
    if sum(t["refused"] for t in tables) != r["limits"]["state_entries_dropped"]:
        fail(f"--memory 1: tables {tables} do not add up to {r['limits']['state_entries_dropped']}")
    for t in tables:
        if not t["table"] or not t["missing"] or t["refused"] <= 0:
            fail(f"--memory 1: table without name, missing or refusals: {t}")
    text = subprocess.run([NETDX, "analyze", "--memory", "1", default], check=True, capture_output=True,
                          text=True).stdout
    if tables and f"{tables[0]['table']}: {tables[0]['refused']} refused" not in text:
        fail("--memory 1: the text report does not name the full table")

if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
print("busy network: all checks passed")
