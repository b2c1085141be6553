#!/bin/bash
# Scenario 6: the office cannot reach the internet while the LAN works.
# The ISP line dies in two stages, seen on the office LAN:
#  1. the far end goes silent (the ISP side of the WAN cable is unplugged, the
#     gateway's own link stays up): SYNs to http://www.example.net/
#     (203.0.113.80) and the resolver's forwarded queries to the ISP resolver
#     198.51.100.53 go unanswered, so clients' lookups of outside names time out;
#  2. the gateway's uplink eth1 goes down: it has no route out any more and
#     answers with ICMP network unreachable.
# Throughout, LAN names resolve and the LAN web server 10.77.1.10 answers.
. "$(dirname "$0")/lib.sh"
lab_init internet-down
OUT="$LAB_OUT/internet-down.pcap"

lab_office dns srv pc1 pc2
lab_wan_bridge
lab_host dns 02:77:00:00:00:53 10.77.1.53
lab_host srv 02:77:00:00:00:10 10.77.1.10
lab_host pc1 02:77:00:00:01:01 10.77.1.101
lab_host pc2 02:77:00:00:01:02 10.77.1.102
lab_isp_named "www IN A 203.0.113.80" "news IN A 203.0.113.81"
hosts=$(lab_hosts_file lan "10.77.1.10 files.lab.test")
lab_dnsmasq dns dns --interface=eth0 --bind-interfaces --domain=lab.test --local=/lab.test/ \
    --addn-hosts="$hosts" --server=/example.net/198.51.100.53 --cache-size=0
lab_wait_port dns udp 53
lab_web isp internet
lab_web srv files

# Before the capture: the line works (ARP caches are warm, as in an office).
lab_curl pc1 http://www.example.net/
[ ! -s "$LAB_TMP/curl-pc1.log" ] || lab_die "internet did not work to begin with"

lab_capture sw br0 "$OUT"
on wan ip link set w1 down
sleep 0.5
dig_() { on "$1" dig +tries=1 +time=3 @10.77.1.53 "$2" >>"$LAB_TMP/dig-$1.log" 2>&1 || true; }
lab_curl pc1 --connect-timeout 3 http://203.0.113.80/
dig_ pc2 news.example.net
lab_curl pc2 http://files.lab.test/
dig_ pc2 files.lab.test
# Stage 2: the uplink itself is down.
on gw ip link set eth1 down
lab_curl pc1 --connect-timeout 3 http://203.0.113.80/
on pc2 ping -c 2 -W 1 203.0.113.81 >/dev/null 2>&1 || true
dig_ pc1 www.example.net
lab_curl pc1 http://files.lab.test/

grep -q 'timed out' "$LAB_TMP/dig-pc2.log" || grep -q SERVFAIL "$LAB_TMP/dig-pc2.log" || lab_die "outside name resolved"
grep -q 'files.lab.test' "$LAB_TMP/dig-pc2.log" || lab_die "no LAN lookup"
! grep -q 'files' "$LAB_TMP/curl-pc2.log" 2>/dev/null || lab_die "LAN web failed"
lab_finish "$OUT"
