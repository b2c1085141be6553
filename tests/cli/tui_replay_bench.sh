#!/bin/bash
# netdx live -r on the benchmark traffic at full speed: while the file loads,
# the header keeps refreshing (the elapsed time and the packet count change
# several times, findings "so far" appear), and at the end the packet count
# equals `netdx packets` and the findings per severity equal `netdx analyze`
# (the rules re-evaluated every 200 ms during the replay do not change them).
# The capture is made here with the benchmark generator (bench/gen_bench_pcap.py):
# 50k generated packets repeated 4 times with shifted timestamps (200k
# packets), which keeps the generation short on a loaded 2-core box.
# Then --realtime with a speed factor: a bundled capture replays at its pace.
set -u
. "$(dirname "$0")/tui_lib.sh"
tui_need
GEN="${SOURCE_ROOT:?}/bench/gen_bench_pcap.py"
[ -f "$GEN" ] || { echo "FAIL: benchmark generator absent: $GEN"; exit 1; }
TMP=$(mktemp -d)
trap 'tui_stop; rm -rf "$TMP"' EXIT

python3 "$GEN" -n 50000 -o "$TMP/chunk.pcap" --seed 6 >/dev/null 2>&1 || { echo "generator failed"; exit 1; }
python3 - "$TMP/chunk.pcap" "$TMP/bench.pcap" 4 <<'PY'
import struct, sys
src, dst, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(src, "rb").read()
magic = struct.unpack("<I", data[:4])[0]
assert magic in (0xa1b2c3d4, 0xa1b23c4d), "classic little-endian pcap expected"
recs, off = [], 24
while off + 16 <= len(data):
    sec, frac, incl, orig = struct.unpack("<IIII", data[off:off + 16])
    recs.append((sec, frac, data[off + 16:off + 16 + incl], orig))
    off += 16 + incl
span = recs[-1][0] - recs[0][0] + 1
with open(dst, "wb") as out:
    out.write(data[:24])
    for c in range(copies):
        for sec, frac, body, orig in recs:
            out.write(struct.pack("<IIII", sec + c * span, frac, len(body), orig) + body)
PY
F="$TMP/bench.pcap"
total=$("$NETDX" packets -r "$F" | wc -l)
[ "$total" -ge 190000 ] || { echo "expected ~200000 packets, netdx packets read $total"; exit 1; }

tui_start 140 40 -r "$F" --findings-every 200
# Sample the header while it reads: distinct packet counts and elapsed times.
counts="" elapsed="" done=0 so_far=0
for _ in $(seq 1200); do
    scr=$(tui_screen)
    c=$(sed -n 's/.* Packets: \([0-9]*\) .*/\1/p' <<<"$scr" | head -1)
    e=$(sed -n 's/.*elapsed \([0-9:]*\) .*/\1/p' <<<"$scr" | head -1)
    if grep -q "END OF FILE" <<<"$scr"; then done=1; break; fi
    [ -n "$c" ] && counts="$counts $c"
    grep -Eq "Findings: [0-9]+ error, [0-9]+ warning, [0-9]+ notice, [0-9]+ info so far" <<<"$scr" && so_far=1
    [ -n "$e" ] && elapsed="$elapsed $e"
    sleep 0.1
done
[ "$done" -eq 1 ] || fail "replay did not finish within 120 s"
ncounts=$(tr ' ' '\n' <<<"$counts" | grep -v '^$' | sort -un | wc -l)
nelapsed=$(tr ' ' '\n' <<<"$elapsed" | grep -v '^$' | sort -u | wc -l)
echo "header showed $ncounts distinct packet counts and $nelapsed elapsed times while reading"
[ "$ncounts" -ge 5 ] || fail "header packet count refreshed only $ncounts times while reading"
[ "$nelapsed" -ge 2 ] || fail "elapsed time did not advance while reading"
tui_wait "Packets: $total " 5 || fail "final count is not $total"
[ "$so_far" -eq 1 ] || fail "no findings so far shown while reading"
want=$("$NETDX" analyze -T json "$F" 2>/dev/null | python3 -c '
import json, sys
f = json.load(sys.stdin)["findings"]
n = {s: sum(x["severity"] == s for x in f) for s in ("error", "warning", "notice", "info")}
print("Findings: %(error)d error, %(warning)d warning, %(notice)d notice, %(info)d info  List:" % n)')
tui_screen | grep -q "$want" || fail "final findings differ from netdx analyze: want '$want'"
tui_keys q
tui_wait "\[netdx exited 0\]" || exit 1
tui_stop

# --realtime --speed: a bundled capture of D seconds at D/3 x plays for ~3 s.
CAP="$CAPTURES/dns-problems.pcap"
[ -f "$CAP" ] || { echo "ok (realtime part skipped: $CAP absent)"; exit 0; }
n=$("$NETDX" packets -r "$CAP" | wc -l)
span=$("$NETDX" packets -r "$CAP" -T fields -e frame.time_relative | tail -1)
speed=$(python3 -c "print(max(float('$span') / 3.0, 0.001))")
start=$(date +%s.%N)
tui_start 120 40 -r "$CAP" --realtime --speed "$speed"
tui_wait "\[READING\]" 5 || exit 1
sleep 1
tui_screen | grep -q "END OF FILE" && fail "--realtime replay of ${span}s at ${speed}x ended within 1 s"
tui_wait "END OF FILE" 15 || exit 1
took=$(python3 -c "import time; print(round(time.time() - $start, 1))")
tui_screen | grep -q "Packets: $n " || fail "realtime replay count is not $n"
python3 -c "import sys; sys.exit(0 if float('$took') >= 2.5 else 1)" ||
    fail "a ${span}s capture at ${speed}x took ${took}s, expected about 3 s"
tui_keys q
tui_wait "\[netdx exited 0\]" || exit 1
echo "ok: $total packets replayed at full speed; --realtime ${span}s at ${speed}x took ${took}s"
