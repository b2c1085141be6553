#!/bin/bash
# `netdx packets -Y`: the frames match tshark's on lab captures for a few
# filters, -w saves exactly the matching packets (read back by netdx and
# tshark), a bad filter is one line naming the column, exit 13.
set -u
: "${NETDX:?}" "${CAPTURES:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
frames_netdx() { "$NETDX" packets -r "$1" -Y "$2" -T fields -e frame.number | tr '\n' ' '; }
frames_tshark() { tshark -n -r "$1" -Y "$2" -T fields -e frame.number 2>/dev/null | tr '\n' ' '; }

dns=$CAPTURES/dns-problems.pcap
http=$CAPTURES/http-5xx.pcap
for f in "$dns" "$http"; do [[ -f $f ]] || { echo "missing $f"; exit 1; }; done

check_same() {  # FILE FILTER
    local n t
    n=$(frames_netdx "$1" "$2"); t=$(frames_tshark "$1" "$2")
    if [[ $n != "$t" ]]; then fail "$2 on $(basename "$1"): netdx [$n] tshark [$t]"
    else echo "ok: $2 on $(basename "$1"): $(wc -w <<<"$n") frames"; fi
}
check_same "$dns" 'dns.flags.rcode != 0'
check_same "$dns" 'dns.qry.name contains "example" && !(dns.flags.response == 1)'
check_same "$dns" 'udp.port in {53, 5353} and ip.ttl >= 64'
check_same "$http" 'http.response.code >= 500'
check_same "$http" 'tcp.analysis.retransmission || dns.flags.rcode != 0'
check_same "$http" 'tcp.flags.syn == 1 && tcp.flags.ack == 0'

# the summary lines of the matching packets are the unfiltered lines with those numbers
want=$(frames_tshark "$http" 'http.response.code >= 500')
[[ -n $want ]] || fail "no 5xx response in http-5xx.pcap"
got=$("$NETDX" packets -r "$http" -Y 'http.response.code >= 500' | awk '{print $1}' | tr '\n' ' ')
[[ $got == "$want" ]] || fail "summary lines: frames [$got], want [$want]"
"$NETDX" packets -r "$http" | awk -v w=" $want" 'index(w, " " $1 " ")' >"$tmp/all.txt"
"$NETDX" packets -r "$http" -Y 'http.response.code >= 500' >"$tmp/filtered.txt"
cmp -s "$tmp/all.txt" "$tmp/filtered.txt" || fail "filtered summary lines differ from the unfiltered ones"

# -w: the matching packets, byte for byte, in a capture tshark reads
"$NETDX" packets -r "$http" -Y 'http.request or http.response' -w "$tmp/http.pcap" >"$tmp/w.out" || fail "-w: exit $?"
[[ -s $tmp/w.out ]] && fail "-w printed packets"
n_want=$(frames_tshark "$http" 'http.request or http.response' | wc -w)
n_got=$(tshark -n -r "$tmp/http.pcap" -T fields -e frame.number 2>/dev/null | wc -l)
[[ $n_got -eq $n_want && $n_want -gt 0 ]] || fail "-w wrote $n_got packets, want $n_want"
a=$(tshark -n -r "$http" -Y 'http.request or http.response' -T fields -e frame.len -e http.request.method -e http.response.code 2>/dev/null)
b=$(tshark -n -r "$tmp/http.pcap" -T fields -e frame.len -e http.request.method -e http.response.code 2>/dev/null)
[[ $a == "$b" ]] || fail "-w: saved packets differ from the matching ones"

# flows -Y: the flows with at least one matching packet (tshark: their tcp.stream)
want_streams=$(tshark -n -r "$http" -Y 'http.response.code >= 500' -T fields -e tcp.stream 2>/dev/null | sort -u | wc -l)
got_flows=$("$NETDX" flows -r "$http" -Y 'http.response.code >= 500' | grep -c '^tcp ')
[[ $want_streams -gt 0 && $got_flows -eq $want_streams ]] || fail "flows -Y: $got_flows flows, want $want_streams"
all_flows=$("$NETDX" flows -r "$http" | grep -c '^tcp ')
[[ $all_flows -gt $got_flows ]] || fail "flows -Y kept every flow ($all_flows)"

# analyze -Y: the rules see the matching packets only, and the report says so
n_match=$(frames_tshark "$dns" 'dns.flags.rcode == 3' | wc -w)
n_all=$("$NETDX" packets -r "$dns" | wc -l)
"$NETDX" analyze -r "$dns" -Y 'dns.flags.rcode == 3' --color never >"$tmp/an.txt" || fail "analyze -Y: exit $?"
grep -q "^  Filter     $n_match of $n_all packets matched -Y 'dns.flags.rcode == 3'; the rules saw only those$" "$tmp/an.txt" ||
    fail "analyze -Y: no filter line for $n_match of $n_all: $(grep Filter "$tmp/an.txt")"
grep -q "^  Packets    $n_match " "$tmp/an.txt" || fail "analyze -Y: summary does not count the matching packets"
"$NETDX" analyze -r "$dns" -Y 'dns.flags.rcode == 3' -T json | python3 -c '
import json, sys
d = json.load(sys.stdin)["display_filter"]
assert d["filter"] == "dns.flags.rcode == 3" and d["matched_packets"] == int(sys.argv[1]) and d["read_packets"] == int(sys.argv[2]), d
' "$n_match" "$n_all" || fail "analyze -Y -T json: display_filter"
"$NETDX" analyze -r "$dns" --color never | grep -q "^  Filter" && fail "analyze without -Y shows a filter line"

# bad filters: exit 13, one line, the column
"$NETDX" packets -r "$dns" -Y 'dns.qname == "x"' >/dev/null 2>"$tmp/err"; rc=$?
[[ $rc -eq 13 ]] || fail "unknown field: exit $rc, want 13"
grep -qx 'netdx packets: bad display filter: unknown field "dns.qname" at column 1; did you mean "dns.qry.name"?' "$tmp/err" ||
    fail "unknown field message: $(cat "$tmp/err")"
"$NETDX" packets -r "$dns" -Y 'udp.port == 53 && (udp ||)' >/dev/null 2>"$tmp/err"; rc=$?
[[ $rc -eq 13 && $(wc -l <"$tmp/err") -eq 1 ]] || fail "syntax error: exit $rc, $(wc -l <"$tmp/err") lines"
grep -q 'at column 26; expected' "$tmp/err" || fail "syntax error message: $(cat "$tmp/err")"

[[ $fails -eq 0 ]] && echo "all passed"
exit $((fails > 0))
