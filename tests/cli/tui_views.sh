#!/bin/bash
# Two views of netdx live checked against other netdx commands on bundled
# captures: the stream payload of an FTP control flow (the login dialogue in
# order, per direction, byte totals equal to the sum of tcp.len), and the
# stats view's DNS response times per resolver (counts and nearest-rank
# median/p95/max of the latencies `netdx dns` reports).
set -u
. "$(dirname "$0")/tui_lib.sh"
tui_need
command -v python3 >/dev/null || { echo "no python3"; exit 77; }
FTP="$CAPTURES/plaintext-logins.pcap" DNS="$CAPTURES/dns-problems.pcap"
[ -f "$FTP" ] && [ -f "$DNS" ] || { echo "captures absent"; exit 77; }
trap tui_stop EXIT

# --- payload of the FTP control connection (10.77.1.10:21 is side A: the smaller address)
sum_len() {  # sum of tcp.len from SRC:SPORT
    "$NETDX" packets -r "$FTP" -T fields -e ip.src -e tcp.srcport -e tcp.dstport -e tcp.len |
        awk -v s="$1" -v p="$2" -v q="$3" '$1 == s && $2 == p && $3 == q { n += $4 } END { print n + 0 }'
}
server_bytes=$(sum_len 10.77.1.10 21 43104)
client_bytes=$(sum_len 10.77.1.101 43104 21)
[ "$server_bytes" -gt 0 ] && [ "$client_bytes" -gt 0 ] || { echo "no FTP payload in the capture"; exit 1; }

tui_start 140 45 -r "$FTP"
tui_wait "END OF FILE" 20 || exit 1
tui_keys 2
tui_wait "Pkts A>B" || exit 1
tui_keys Home
# Move the selection onto the FTP row: rows start on the 6th screen line.
line=$(tui_screen | grep -nE "^TCP +10\.77\.1\.10 +21 <> 10\.77\.1\.101 +43104 " | cut -d: -f1)
[ -n "$line" ] || fail "no FTP flow row"
for _ in $(seq $((line - 6))); do tui_keys Down; done
tui_keys f
tui_wait "^Flow #[0-9]+ TCP  A 10\.77\.1\.10:21  B 10\.77\.1\.101:43104" || exit 1
hdr=$(tui_screen | grep "^Flow #")
grep -q "A>B $server_bytes B  B>A $client_bytes B" <<<"$hdr" ||
    fail "payload totals: want A>B $server_bytes B, B>A $client_bytes B in: $hdr"
# The dialogue, in order, each line on its side.
order=$(tui_screen | grep -nE '^(> 220 |< USER alice$|> 331 |< PASS Secret-77$|> 230 Login successful\.$)' | cut -d: -f1 | tr '\n' ' ')
[ "$(wc -w <<<"$order")" -eq 5 ] || fail "FTP login dialogue not shown per direction (lines: $order)"
[ "$order" = "$(tr ' ' '\n' <<<"$order" | grep -v '^$' | sort -n | tr '\n' ' ')" ] || fail "dialogue out of order: $order"
tui_keys Escape
tui_wait "Pkts A>B" || exit 1
tui_keys q
tui_wait "\[netdx exited 0\]" || exit 1
tui_stop

# --- DNS response times per resolver
expect=$("$NETDX" dns -r "$DNS" -T json | python3 -c '
import json, math, sys
servers = {}
for line in sys.stdin:
    t = json.loads(line)
    if t.get("event") != "dns" or t["end"] == "unsolicited": continue
    s = servers.setdefault(t["server"], {"q": 0, "a": 0, "u": 0, "lat": []})
    s["q"] += 1
    if t["end"] == "answered":
        s["a"] += 1
        s["lat"].append(t["latency_ms"])
    else:
        s["u"] += 1
def rank(v, q):
    return v[min(max(math.ceil(q * len(v)), 1), len(v)) - 1]
for ip, s in servers.items():
    v = sorted(s["lat"])
    ms = lambda x: "%.1f ms" % x
    tail = " +".join(ms(x) for x in (rank(v, .5), rank(v, .95), v[-1])) if v else "- +- +-"
    print(r"^  %s +%d +%d +%d +[0-9]+ +%s" % (ip.replace(".", r"\."), s["q"], s["a"], s["u"], tail))
')
[ "$(wc -l <<<"$expect")" -ge 2 ] || { echo "expected at least two resolvers"; exit 1; }
tui_start 140 50 -r "$DNS"
tui_wait "END OF FILE" 20 || exit 1
tui_keys 4
tui_wait "DNS response times per resolver" || exit 1
while IFS= read -r re; do
    tui_screen | grep -Eq -- "$re" || fail "no stats row matching /$re/"
done <<<"$expect"
tui_keys q
tui_wait "\[netdx exited 0\]" || exit 1
# --- HTTP response times per server, against tshark's own request/response pairing
HTTP5XX="$CAPTURES/http-5xx.pcap"
expect_http=$(tshark -r "$HTTP5XX" -Y http -T fields -E separator=, -e ip.src -e ip.dst -e http.request -e http.response.code -e http.time 2>/dev/null | python3 -c '
import math, sys
servers = {}
for line in sys.stdin:
    src, dst, req, code, t = line.rstrip("\n").split(",")
    if req:
        servers.setdefault(dst, {"r": 0, "a": 0, "c4": 0, "c5": 0, "lat": []})["r"] += 1
    elif code:
        s = servers.setdefault(src, {"r": 0, "a": 0, "c4": 0, "c5": 0, "lat": []})
        s["a"] += 1
        s["c4"] += code.startswith("4")
        s["c5"] += code.startswith("5")
        s["lat"].append(float(t) * 1000)
def rank(v, q):
    return v[min(max(math.ceil(q * len(v)), 1), len(v)) - 1]
for ip, s in servers.items():
    v = sorted(s["lat"])
    tail = " +".join("%.1f ms" % x for x in (rank(v, .5), rank(v, .95), v[-1]))
    print(r"^  %s +%d +%d +%d +%d +%s" % (ip.replace(".", r"\."), s["r"], s["a"], s["c4"], s["c5"], tail))
')
[ -n "$expect_http" ] || { echo "tshark found no HTTP in $HTTP5XX"; exit 1; }
tui_stop
tui_start 140 50 -r "$HTTP5XX"
tui_wait "END OF FILE" 20 || exit 1
tui_keys 4
tui_wait "HTTP response times per server" || exit 1
while IFS= read -r re; do
    tui_screen | grep -Eq -- "$re" || fail "no HTTP stats row matching /$re/"
done <<<"$expect_http"
tui_keys q
tui_wait "\[netdx exited 0\]" || exit 1
tui_stop

# --- the per-server view: the rows `netdx servers -T json` prints for the same file
SMTP="$CAPTURES/smtp-rejected.pcap"
expect_servers=$("$NETDX" servers -r "$SMTP" -T json | python3 -c '
import json, re, sys
for line in sys.stdin:
    s = json.loads(line)
    if not (s["requests"] or s["connections"]):
        continue
    name = "%s:%d/%s" % (s["server"], s["port"], s["transport"])
    print(r"^  %s +%s +%d +%d +[0-9.]+ +%d " % (re.escape(name), s["service"], s["clients"], s["connections"], s["requests"]))
')
[ -n "$expect_servers" ] || { echo "netdx servers listed nothing for $SMTP"; exit 1; }
tui_start 180 60 -r "$SMTP"
tui_wait "END OF FILE" 20 || exit 1
tui_keys 4
tui_wait "Servers \(netdx servers\)" || exit 1
while IFS= read -r re; do
    tui_screen | grep -Eq -- "$re" || fail "no server row matching /$re/"
done <<<"$expect_servers"
tui_keys q
tui_wait "\[netdx exited 0\]" || exit 1
tui_stop

echo "ok: FTP payload ($server_bytes/$client_bytes bytes) and $(wc -l <<<"$expect") DNS resolvers as netdx dns reports them, HTTP servers as tshark pairs them, $(wc -l <<<"$expect_servers") servers as netdx servers lists them"
