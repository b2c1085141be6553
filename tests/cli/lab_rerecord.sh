#!/bin/bash
# Re-records one lab scenario end to end (captures/lab/duplicate-ip.sh: namespaces,
# veth, bridge, arping, netdx capture) into a temp dir and checks what it recorded.
# Runs only when asked (NETDX_LAB=1) as root with the lab's packages installed
# (captures/lab/record-all installs them); skipped (77) otherwise, as in CI.
set -u
[ "${NETDX_LAB:-}" = 1 ] || { echo "skip: set NETDX_LAB=1 to re-record a lab scenario"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "skip: needs root"; exit 77; }
for t in ip arping ethtool tshark; do
    command -v "$t" >/dev/null || { echo "skip: $t missing (run captures/lab/record-all once)"; exit 77; }
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if ! LAB_OUT="$out" NETDX="$NETDX" "$SOURCE_ROOT/captures/lab/duplicate-ip.sh"; then
    echo "FAIL: scenario script failed"; exit 1
fi
f="$out/duplicate-ip.pcap"
[ -s "$f" ] || { echo "FAIL: no capture written"; exit 1; }
# Both MACs must claim 10.77.1.50 in ARP replies (opcode 2), as netdx decodes them.
macs=$("$NETDX" packets -r "$f" -T fields -e arp.opcode -e arp.src.proto_ipv4 -e arp.src.hw_mac |
       awk -F'\t' '$1 == 2 && $2 == "10.77.1.50" { print $3 }' | sort -u | tr '\n' ' ')
[ "$macs" = "02:77:00:00:01:50 02:77:00:00:02:50 " ] || { echo "FAIL: ARP replies for 10.77.1.50 from: '$macs'"; exit 1; }
# Timestamps must be real: the scenario takes several seconds.
span=$(tshark -r "$f" -T fields -e frame.time_relative 2>/dev/null | tail -1)
awk -v s="$span" 'BEGIN { exit !(s > 3.0) }' || { echo "FAIL: capture spans only ${span}s"; exit 1; }
# Nothing of the lab may be left behind.
if ip netns list | grep -q '^nxl-duplicate-ip-'; then echo "FAIL: namespaces left"; exit 1; fi
echo "ok: re-recorded duplicate-ip: replies from $macs over ${span}s"
