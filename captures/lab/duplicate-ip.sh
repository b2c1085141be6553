#!/bin/bash
# Scenario 1: two workstations configured with the same address 10.77.1.50.
# pc1 (02:77:00:00:01:50) owns it; pc2 (02:77:00:00:02:50) is brought up with the
# same static address: its duplicate-address probe (arping -D) is answered by pc1,
# it announces the address anyway (gratuitous ARP), and then the file server's
# ARP requests for 10.77.1.50 are answered by both MACs.
. "$(dirname "$0")/lib.sh"
lab_init duplicate-ip
OUT="$LAB_OUT/duplicate-ip.pcap"

lab_switch
lab_ns gw srv pc1 pc2
lab_lan gw  02:77:00:00:00:01
lab_lan srv 02:77:00:00:00:10
lab_lan pc1 02:77:00:00:01:50
lab_lan pc2 02:77:00:00:02:50
on gw  ip addr add 10.77.1.1/24 dev eth0
on srv ip addr add 10.77.1.10/24 dev eth0
on pc1 ip addr add 10.77.1.50/24 dev eth0
on pc1 ip route add default via 10.77.1.1

lab_capture sw br0 "$OUT"

# Normal first: the server reaches pc1.
on srv ping -c 2 -i 0.3 -W 1 10.77.1.50 >/dev/null
# pc2 probes for the address before using it (RFC 5227 DAD): pc1 answers.
if on pc2 arping -D -c 2 -w 2 -I eth0 10.77.1.50 >"$LAB_TMP/dad.log" 2>&1; then
    lab_die "duplicate address probe got no answer"
fi
# pc2 is configured with the address anyway and announces it.
on pc2 ip addr add 10.77.1.50/24 dev eth0
on pc2 arping -U -c 2 -I eth0 10.77.1.50 >/dev/null 2>&1 || true
on pc2 arping -A -c 1 -I eth0 10.77.1.50 >/dev/null 2>&1 || true
# The server asks who has 10.77.1.50 and hears two different MACs.
on srv ip neigh flush dev eth0
on srv arping -c 3 -I eth0 10.77.1.50 >"$LAB_TMP/arping.log" 2>&1 || true
grep -qi '02:77:00:00:02:50' "$LAB_TMP/arping.log" || lab_die "no ARP reply from pc2"
grep -qi '02:77:00:00:01:50' "$LAB_TMP/arping.log" || lab_die "no ARP reply from pc1"
# The gateway pings the address too; whichever MAC it cached last gets the echo.
on gw ping -c 3 -i 0.3 -W 1 10.77.1.50 >/dev/null || true

lab_finish "$OUT"
