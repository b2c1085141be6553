#!/bin/bash
# `netdx analyze` and `netdx rules` end to end: output formats parse, --fail-on
# exit code, --evidence writes exactly the evidence frames, config errors get
# their exit code, NO_COLOR is respected. Uses a capture of the bundled corpus.
set -u
: "${NETDX:?}" "${SOURCE_ROOT:?}"
CORPUS=${CORPUS:-$SOURCE_ROOT/tests/corpus/public}
cap=$CORPUS/chrissanders__packets__tcp_refuseconnection.pcapng
[[ -f $cap ]] || { echo "FAIL: $cap absent"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
code_of() { sed -n "s/^ *$1 = \([0-9]*\),.*/\1/p" "$SOURCE_ROOT/src/core/exit_codes.hpp"; }

# JSON: one document with the refused connection, evidence frames in the capture.
"$NETDX" analyze -T json "$cap" >"$tmp/r.json" || fail "analyze -T json exit $?"
python3 - "$tmp/r.json" <<'PY' || fail "json report content"
import json, sys
r = json.load(open(sys.argv[1]))
ids = [f["id"] for f in r["findings"]]
assert "conn.refused" in ids, ids
f = next(f for f in r["findings"] if f["id"] == "conn.refused")
assert f["evidence"]["total"] >= 2 and all(isinstance(x, int) for x in f["evidence"]["frames"]), f["evidence"]
assert r["summary"]["packets"] > 0 and r["summary"]["protocols"]["tcp"] > 0
assert f["severity"] == "warning" and f["explanation"] and f["remediation"]
PY

# NDJSON: every line parses, the last is the summary.
"$NETDX" analyze -T ndjson "$cap" >"$tmp/r.ndjson" || fail "ndjson exit $?"
python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert lines[-1]["type"] == "summary" and all(l["type"] == "finding" and l["capture"] for l in lines[:-1]), lines
' "$tmp/r.ndjson" || fail "ndjson lines"

# JUnit: well-formed, one test case per rule, the refused finding is a failure.
"$NETDX" analyze -T junit "$cap" >"$tmp/r.xml" || fail "junit exit $?"
python3 -c '
import sys, xml.etree.ElementTree as ET
t = ET.parse(sys.argv[1]).getroot()
cases = t.findall(".//testcase")
assert len(cases) > 30, len(cases)
refused = [c for c in cases if c.get("name") == "conn.refused"][0]
assert refused.find("failure") is not None
' "$tmp/r.xml" || fail "junit xml"

# --fail-on: 20 when reached, 0 when not; the report is still written.
"$NETDX" analyze --fail-on warning "$cap" >"$tmp/t.txt"; rc=$?
[[ $rc -eq $(code_of FindingsReached) ]] || fail "--fail-on warning: exit $rc"
grep -q "conn.refused" "$tmp/t.txt" || fail "--fail-on: report not written"
"$NETDX" analyze --fail-on error "$cap" >/dev/null; rc=$?
[[ $rc -eq 0 ]] || fail "--fail-on error: exit $rc, want 0"
"$NETDX" analyze --set conn.refused.severity=error --fail-on error "$cap" >/dev/null; rc=$?
[[ $rc -eq $(code_of FindingsReached) ]] || fail "severity override + --fail-on error: exit $rc"

# Disabled by config file.
printf '["conn.refused"]\nenabled = false\n' >"$tmp/c.toml"
"$NETDX" analyze -T json --config "$tmp/c.toml" "$cap" | python3 -c '
import json, sys; assert "conn.refused" not in [f["id"] for f in json.load(sys.stdin)["findings"]]' ||
    fail "--config enabled=false"

# Configuration errors.
"$NETDX" analyze --set conn.refused.nope=1 "$cap" >/dev/null 2>&1; rc=$?
[[ $rc -eq $(code_of BadConfig) ]] || fail "unknown parameter: exit $rc"
printf 'garbage [' >"$tmp/bad.toml"
"$NETDX" analyze --config "$tmp/bad.toml" "$cap" >/dev/null 2>&1; rc=$?
[[ $rc -eq $(code_of BadConfig) ]] || fail "bad TOML: exit $rc"
"$NETDX" analyze "$tmp/missing.pcap" >/dev/null 2>&1; rc=$?
[[ $rc -eq $(code_of NoSuchFile) ]] || fail "missing file: exit $rc"

# --evidence: the written capture holds exactly the evidence frames.
"$NETDX" analyze -T json --evidence "$tmp/ev.pcap" --finding conn.refused "$cap" >"$tmp/e.json" 2>/dev/null ||
    fail "--evidence exit $?"
want=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(len({x for f in r["findings"] if f["id"] == "conn.refused" for x in f["evidence"]["frames"]}))' "$tmp/e.json")
got=$("$NETDX" packets -r "$tmp/ev.pcap" | wc -l)
[[ $want -gt 0 && $got -eq $want ]] || fail "--evidence wrote $got packets, want $want"

# Colour only when asked (or on a terminal without NO_COLOR).
"$NETDX" analyze "$cap" | grep -q $'\x1b\[' && fail "colour written to a pipe"
NO_COLOR=1 "$NETDX" analyze --color auto "$cap" | grep -q $'\x1b\[' && fail "NO_COLOR ignored"
"$NETDX" analyze --color always "$cap" | grep -q $'\x1b\[' || fail "--color always wrote no colour"

# `netdx rules`: every id of the shared document is listed; explain prints the texts.
"$NETDX" rules >"$tmp/rules.txt" || fail "rules exit $?"
for id in arp.duplicate_ip conn.refused dns.servfail tcp.retransmissions scan.port_scan dhcp.no_offer; do
    grep -q "^$id " "$tmp/rules.txt" || fail "rules does not list $id"
done
"$NETDX" rules explain conn.refused | grep -q "min_attempts" || fail "rules explain lacks parameters"
"$NETDX" rules explain no.such >/dev/null 2>&1 && fail "rules explain accepted an unknown id"

# -c counts packets over all the files given, not per file.
n=$("$NETDX" analyze -T json -c 7 -r "$CAPTURES/dns-problems.pcap" "$CAPTURES/duplicate-ip.pcap" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["summary"]["packets"])')
[[ $n -eq 7 ]] || fail "analyze -c 7 over two files analysed $n packets"

# DNS on a port not bound to it (5300): recognised by the first query of each
# UDP/TCP flow, in both directions, by `netdx dns` and `netdx analyze`.
"$NETDX" dns -r "$CAPTURES/dns-other-port.pcap" >"$tmp/dns5300.txt" || fail "dns on port 5300 exit $?"
for want in 'udp .* files\.lab\.test A NOERROR \[10\.77\.1\.10\]' 'udp .* www\.lab\.test A NOERROR' \
            'udp .* nosuch\.lab\.test A NXDOMAIN' 'udp .* www\.example\.com A REFUSED' \
            'tcp .* lab\.test MX NOERROR \[10 mail\.lab\.test\]' 'tcp .* missing\.lab\.test A NXDOMAIN'; do
    grep -Eq "^ +[0-9]+ 10\.77\.1\.101:[0-9]+ -> 10\.77\.1\.53:5300 $want .* answered$" "$tmp/dns5300.txt" ||
        fail "dns on port 5300: no line matching $want"
done
grep -q '^# 6 DNS transactions: 6 answered, 0 unanswered, 0 unsolicited; 0 malformed' "$tmp/dns5300.txt" ||
    fail "dns on port 5300: summary $(tail -1 "$tmp/dns5300.txt")"
n=$("$NETDX" analyze -T json -r "$CAPTURES/dns-other-port.pcap" |
    python3 -c 'import json, sys; print(sum(f["id"] == "dns.nxdomain" for f in json.load(sys.stdin)["findings"]))')
[[ $n -eq 1 ]] || fail "analyze of dns-other-port: $n dns.nxdomain findings, want 1"

[[ $fails -eq 0 ]] && echo "all analyze CLI checks passed"
exit $((fails > 0))
