#!/bin/bash
# The live view's `/` takes a display filter: the packet list shows exactly
# the frames `netdx packets -Y` selects, a filter that does not compile shows
# its error inline and stays in the editor, Up recalls the previous filter,
# ":words" is still a text match; `netdx live -Y` filters the list from the start.
set -u
. "$(dirname "$0")/tui_lib.sh"
tui_need
CAP="$CAPTURES/dns-problems.pcap"
[ -f "$CAP" ] || { echo "missing $CAP"; exit 1; }
trap tui_stop EXIT

FILTER='dns.flags.rcode != 0 && ip.src == 10.0.0.0/8'
want=$("$NETDX" packets -r "$CAP" -Y "$FILTER" -T fields -e frame.number | tr '\n' ' ')
n_want=$(wc -w <<<"$want")
[ "$n_want" -gt 0 ] || { echo "the filter selects nothing in $CAP"; exit 1; }
rows() { tui_screen | grep -E '^ +[0-9]+ +[0-9]+\.[0-9]{6} ' | awk '{print $1}' | tr '\n' ' '; }

tui_start 160 50 -r "$CAP"
tui_wait "END OF FILE" 20 || exit 1
tui_keys /
tui_wait "^Filter: _" || exit 1
tui_keys -l "$FILTER"
tui_keys Enter
tui_wait "\[filter: dns.flags.rcode != 0 && ip.src == 10.0.0.0/8\] $n_want shown" || exit 1
tui_keys Home
[ "$n_want" -gt 40 ] || { got=$(rows); [ "$got" = "$want" ] || fail "rows [$got], want [$want]"; }
echo "ok: display filter shows $n_want rows, as netdx packets -Y"

# a bad filter: error inline, editor stays open, the applied filter is unchanged
tui_keys /
for _ in $(seq 60); do tui_keys BSpace; done
tui_keys -l 'dns.qname == x'
tui_keys Enter
tui_wait 'error: unknown field "dns.qname" at column 1; did you mean "dns.qry.name"\?' || exit 1
tui_screen | grep -q "^Filter: dns.qname == x_" || fail "editor closed after an error"
echo "ok: error inline"
# history: Up brings back the applied filter
tui_keys Up
tui_wait "^Filter: dns.flags.rcode != 0 && ip.src == 10.0.0.0/8_" || exit 1
tui_keys Escape
tui_wait "\[filter: dns.flags.rcode != 0 && ip.src == 10.0.0.0/8\] $n_want shown" || exit 1
echo "ok: history"

# ":words": the old text match, every word in the row, any case
n_text=$("$NETDX" packets -r "$CAP" | awk 'tolower($0) ~ /no such name/ && tolower($0) ~ /response/' | wc -l)
[ "$n_text" -gt 0 ] || fail "no 'No such name' response in the capture"
tui_keys /
for _ in $(seq 60); do tui_keys BSpace; done
tui_keys -l ':such RESPONSE name'
tui_keys Enter
tui_wait "\[filter: :such RESPONSE name\] $n_text shown" || exit 1
echo "ok: text match shows $n_text rows"
tui_keys q
tui_wait "\[netdx exited 0\]" || exit 1
tui_stop

# netdx live -Y: only the matching packets enter the list
tui_start 160 50 -r "$CAP" -Y "'$FILTER'"
tui_wait "END OF FILE" 20 || exit 1
tui_keys Home
got=$(rows)
if [ "$n_want" -le 40 ]; then [ "$got" = "$want" ] || fail "live -Y rows [$got], want [$want]"; fi
tui_keys q
tui_wait "\[netdx exited 0\]" || exit 1
echo "ok: live -Y"
tui_stop
# and a bad -Y is refused before the screen opens
"$NETDX" live -r "$CAP" -Y 'udp.port ==' </dev/null >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] || [ "$rc" -eq 13 ] || { echo "FAIL: bad -Y exit $rc"; exit 1; }
echo "all passed"
