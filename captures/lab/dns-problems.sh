#!/bin/bash
# Scenario 3: DNS problems, seen on the office LAN. The resolver is dnsmasq on
# 10.77.1.53 (local names under lab.test, example.net forwarded through the NAT
# gateway to the ISP's BIND 9 at 198.51.100.53). In order:
#  - normal answers (files.lab.test, www.example.net);
#  - NXDOMAIN for a misspelt name (wwww.example.net);
#  - SERVFAIL for www.broken.example.net (the ISP's zone for it fails to load);
#  - a 40-address answer for bigdir.lab.test: over UDP without EDNS it is
#    truncated (TC=1) and dig retries over TCP (pc1); pc2 (+ignore, like an old
#    stub resolver) takes the truncated answer and never asks over TCP;
#  - pc2's second resolver 10.77.1.54 is down (its firewall drops port 53):
#    queries retransmitted, never answered;
#  - the uplink turns slow (linkemu.py adds 700 ms each way), so names that
#    need the ISP take ~1.4 s to resolve.
. "$(dirname "$0")/lib.sh"
lab_init dns-problems
OUT="$LAB_OUT/dns-problems.pcap"

lab_office dns dns2 pc1 pc2
lab_host dns  02:77:00:00:00:53 10.77.1.53
lab_host dns2 02:77:00:00:00:54 10.77.1.54
lab_host pc1  02:77:00:00:01:01 10.77.1.101
lab_host pc2  02:77:00:00:01:02 10.77.1.102
lab_wan_emu --delay 700 --wait-usr1

lab_isp_named "www IN A 203.0.113.80" "www2 IN A 203.0.113.81" "mail IN A 203.0.113.25"
big=()
for i in $(seq 1 40); do big+=("10.77.2.$i bigdir.lab.test"); done
hosts=$(lab_hosts_file lan "10.77.1.10 files.lab.test" "10.77.1.1 gw.lab.test" "${big[@]}")
lab_dnsmasq dns dns --interface=eth0 --bind-interfaces --domain=lab.test --local=/lab.test/ \
    --addn-hosts="$hosts" --server=/example.net/198.51.100.53 --no-negcache --cache-size=0 --log-queries
lab_wait_port dns udp 53
# The second resolver's host is up, but nothing answers on port 53.
on dns2 nft add table inet f
on dns2 nft add chain inet f in '{ type filter hook input priority 0; }'
on dns2 nft add rule inet f in udp dport 53 drop

lab_capture sw br0 "$OUT"

q() { local r=$1; shift; on "$r" dig +tries=1 +time=5 "$@" >>"$LAB_TMP/dig-$r.log" 2>&1 || true; }
q pc1 @10.77.1.53 files.lab.test
q pc1 @10.77.1.53 www.example.net
q pc1 @10.77.1.53 wwww.example.net
q pc1 @10.77.1.53 www.broken.example.net
q pc1 @10.77.1.53 +noedns bigdir.lab.test
q pc2 @10.77.1.53 +noedns +ignore bigdir.lab.test
on pc2 dig +tries=2 +time=2 @10.77.1.54 files.lab.test >>"$LAB_TMP/dig-pc2.log" 2>&1 || true
kill -USR1 "$LAB_EMU_PID"
sleep 0.2
q pc1 @10.77.1.53 www2.example.net
q pc2 @10.77.1.53 mail.example.net

grep -q 'status: NXDOMAIN' "$LAB_TMP/dig-pc1.log" || lab_die "no NXDOMAIN"
grep -q 'status: SERVFAIL' "$LAB_TMP/dig-pc1.log" || lab_die "no SERVFAIL"
grep -q 'Truncated, retrying in TCP' "$LAB_TMP/dig-pc1.log" || lab_die "no TCP retry"
grep -q 'timed out' "$LAB_TMP/dig-pc2.log" || lab_die "second resolver answered"
grep -qE 'Query time: (1[2-9]|[2-9])[0-9]{2} msec' "$LAB_TMP/dig-pc1.log" || lab_die "no slow answer"
lab_finish "$OUT"
