#!/bin/bash
# netdx live on a live interface inside a network namespace: the header's
# packet count equals the packets sent (5 pings = 10 ICMP packets), the -w
# file written at the same time holds the same packets, the flows view shows
# the ICMP conversation, and names come from c-ares (the namespace's own hosts
# file; the view shows the address until then).
set -u
. "$(dirname "$0")/tui_lib.sh"
tui_need
[ "$(id -u)" -eq 0 ] || { echo "needs root"; exit 77; }
command -v ip >/dev/null || { echo "no ip"; exit 77; }

A="ndx-tui-a-$$" B="ndx-tui-b-$$" VA="ntA$$" VB="ntB$$"
TMP=$(mktemp -d)
cleanup() {
    tui_stop
    ip netns del "$A" 2>/dev/null
    ip netns del "$B" 2>/dev/null
    rm -rf "/etc/netns/$A" "$TMP"
}
trap cleanup EXIT
ip netns add "$A" 2>/dev/null || { echo "cannot create namespaces"; exit 77; }
ip netns add "$B" || exit 77
ip link add "$VA" type veth peer name "$VB" || exit 77
ip link set "$VA" netns "$A" && ip link set "$VB" netns "$B" || exit 1
ip -n "$A" addr add 10.203.7.1/24 dev "$VA" && ip -n "$B" addr add 10.203.7.2/24 dev "$VB" || exit 1
ip -n "$A" link set "$VA" up && ip -n "$B" link set "$VB" up && ip -n "$A" link set lo up || exit 1
# `ip netns exec` bind-mounts these over /etc: names stay inside the test.
mkdir -p "/etc/netns/$A"
echo "10.203.7.2 peer-b.netdx.test" > "/etc/netns/$A/hosts"
echo "nameserver 127.0.0.1" > "/etc/netns/$A/resolv.conf"
# Wait for the link (IPv6 DAD and link-up can lag a little).
for _ in $(seq 50); do ip netns exec "$B" ping -c1 -W1 10.203.7.1 >/dev/null 2>&1 && break; sleep 0.1; done

TUI_PREFIX="ip netns exec $A" tui_start 120 40 -i "$VA" -f icmp -w "$TMP/live.pcap"
tui_wait "\[LIVE\]" 15 || exit 1
tui_wait "Packets: 0 " 5 || exit 1
ip netns exec "$B" ping -c 5 -i 0.2 -q 10.203.7.1 >/dev/null || { echo "ping failed"; exit 1; }
tui_wait "Packets: 10 " 10 || exit 1
sleep 1
tui_screen | grep -q "Packets: 10 " || fail "more than 10 packets counted"
tui_screen | grep -Eq "Drops: 0( |$)" || fail "drops not 0"

tui_keys 2
tui_wait "^ICMP +10\.203\.7\.1 .*10\.203\.7\.2 +5 +5 " || exit 1
tui_keys n
tui_wait "<> peer-b\.netdx" 10 || exit 1
tui_keys 1
tui_wait "peer-b\.netdx\.test +ICMP" 10 || exit 1

tui_keys q
tui_wait "\[netdx exited 0\]" || exit 1
written=$("$NETDX" packets -r "$TMP/live.pcap" | wc -l)
[ "$written" -eq 10 ] || { echo "FAIL: -w file has $written packets, expected 10"; exit 1; }
echo "ok: 10 packets counted live and written"
