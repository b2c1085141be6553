#!/bin/bash
# The findings view of netdx live on a bundled capture agrees with
# `netdx analyze`: same count per severity, each title listed, the selected
# finding explained, and Enter jumps to its first evidence frame.
set -u
. "$(dirname "$0")/tui_lib.sh"
tui_need
CAP="$CAPTURES/duplicate-ip.pcap"
[ -f "$CAP" ] || { echo "capture absent: $CAP"; exit 77; }
trap tui_stop EXIT

report=$("$NETDX" analyze -T json "$CAP" 2>/dev/null)
read -r nerr nwarn first_id first_frame < <(python3 -c '
import json, sys
f = json.loads(sys.argv[1])["findings"]
print(sum(x["severity"] == "error" for x in f), sum(x["severity"] == "warning" for x in f),
      f[0]["id"], f[0]["evidence"]["frames"][0])' "$report")
[ "$nerr" -gt 0 ] || { echo "oracle found no error finding"; exit 1; }

tui_start 120 40 -r "$CAP"
tui_wait "END OF FILE" 20 || exit 1
tui_wait "Findings: $nerr error, $nwarn warning" 10 || exit 1
tui_keys 3
tui_wait "^$first_id: " || exit 1
tui_screen | grep -q "^Explanation" || fail "no explanation"
tui_screen | grep -q "^Remediation" || fail "no remediation"
rows=$(tui_screen | grep -Ec "^(error|warning|notice|info) ")
[ "$rows" -eq "$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])["findings"]))' "$report")" ] ||
    fail "findings view lists $rows rows"
tui_keys Enter
tui_wait "No\. +Time +Source" || exit 1
tui_wait "scrolled: End follows" || exit 1
# The first evidence frame is on screen (the selected row).
tui_screen | grep -Eq "^ +$first_frame +[0-9]+\.[0-9]{6} " || fail "evidence frame $first_frame not shown"
tui_keys d
tui_wait "Frame $first_frame: " || exit 1
tui_keys q
tui_wait "\[netdx exited 0\]" || exit 1
echo "ok: $nerr error findings, jump to frame $first_frame"
