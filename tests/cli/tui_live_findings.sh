#!/bin/bash
# Findings while a live capture runs: inside a namespace pair made here, B
# opens TCP connections to a port nothing listens on in A; A's kernel answers
# with RST. The header's findings count and the conn.refused title must
# appear while the view still says [LIVE] (the rules are re-evaluated during
# the capture, not only when it ends), and the count must follow the
# attempts as more arrive.
set -u
. "$(dirname "$0")/tui_lib.sh"
tui_need
[ "$(id -u)" -eq 0 ] || { echo "needs root"; exit 77; }
command -v ip >/dev/null || { echo "no ip"; exit 77; }
command -v python3 >/dev/null || { echo "no python3"; exit 77; }

A="ndx-tlf-a-$$" B="ndx-tlf-b-$$" VA="tfA$$" VB="tfB$$"
cleanup() {
    tui_stop
    ip netns del "$A" 2>/dev/null
    ip netns del "$B" 2>/dev/null
}
trap cleanup EXIT
ip netns add "$A" 2>/dev/null || { echo "cannot create namespaces"; exit 77; }
ip netns add "$B" || exit 77
ip link add "$VA" type veth peer name "$VB" || exit 77
ip link set "$VA" netns "$A" && ip link set "$VB" netns "$B" || exit 1
ip -n "$A" addr add 10.203.9.1/24 dev "$VA" && ip -n "$B" addr add 10.203.9.2/24 dev "$VB" || exit 1
ip -n "$A" link set "$VA" up && ip -n "$B" link set "$VB" up || exit 1
for _ in $(seq 50); do ip netns exec "$B" ping -c1 -W1 10.203.9.1 >/dev/null 2>&1 && break; sleep 0.1; done

# connect() to a closed port: SYN, RST/ACK; the kernel does not retry.
refuse() {
    ip netns exec "$B" python3 - "$1" <<'PY'
import socket, sys, time
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.settimeout(2)
    try:
        s.connect(("10.203.9.1", 7199))
        sys.exit("port 7199 unexpectedly open")
    except ConnectionRefusedError:
        pass
    s.close()
    time.sleep(0.05)
PY
}

TUI_PREFIX="ip netns exec $A" tui_start 140 40 -i "$VA" -f tcp --findings-every 500
tui_wait "\[LIVE\]" 15 || exit 1
tui_wait "Findings: 0 error, 0 warning, 0 notice, 0 info so far" 5 || exit 1
refuse 3 || { echo "could not make the refused connections"; exit 1; }
tui_wait "Packets: 6 " 10 || exit 1
# One warning while the capture is still live.
tui_wait "Findings: 0 error, 1 warning, 0 notice, 0 info so far" 5 || exit 1
tui_screen | grep -q "\[LIVE\]" || fail "capture no longer live"
tui_keys 3
tui_wait "^warning +10\.203\.9\.1:7199 refused 3 connection attempt\(s\) from 10\.203\.9\.2" 5 || exit 1
tui_screen | grep -q "^conn.refused: " || fail "selected finding not explained"

# More attempts: the same finding, its count follows.
refuse 2 || exit 1
tui_wait "refused 5 connection attempt\(s\)" 5 || exit 1
tui_screen | grep -q "Findings: 0 error, 1 warning, 0 notice, 0 info so far" || fail "findings count changed"
tui_screen | grep -q "\[LIVE\]" || fail "capture no longer live"

tui_keys q
tui_wait "\[netdx exited 0\]" || exit 1
echo "ok: conn.refused flagged during the live capture (3, then 5 attempts)"
