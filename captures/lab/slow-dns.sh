#!/bin/bash
# Scenario 7, slow browsing caused by DNS. The office resolver dnsmasq 10.77.1.53
# runs without a cache (--cache-size=0) and forwards example.net to the ISP
# resolver 198.51.100.53 over an uplink with 400 ms each way (linkemu.py), so
# every lookup takes ~0.8 s. The company portal portal.example.net is the
# intranet server 10.77.2.10 in the server room (fast, via the gateway), yet
# each of pc1's and pc2's page loads waits for the slow lookup first. They also
# fetch http://www.example.net/ (203.0.113.80) across the slow uplink itself:
# handshakes of ~0.8 s. Writes captures/slow-dns.pcap (office LAN bridge).
. "$(dirname "$0")/lib.sh"
lab_init slow-dns
OUT="$LAB_OUT/slow-dns.pcap"

lab_office dns pc1 pc2
lab_office_dc
lab_wan_emu --delay 400
lab_host dns 02:77:00:00:00:53 10.77.1.53
lab_host pc1 02:77:00:00:01:01 10.77.1.101
lab_host pc2 02:77:00:00:01:02 10.77.1.102
lab_isp_named "www IN A 203.0.113.80" "portal IN A 10.77.2.10" "wiki IN A 10.77.2.10"
lab_dnsmasq dns dns --interface=eth0 --bind-interfaces --domain=lab.test --local=/lab.test/ \
    --cache-size=0 --server=/example.net/198.51.100.53
lab_wait_port dns udp 53
lab_web dc portal
lab_web isp internet

lab_capture sw br0 "$OUT"
for round in 1 2; do
    for pc in pc1 pc2; do
        lab_curl "$pc" http://portal.example.net/
        lab_curl "$pc" http://wiki.example.net/
    done
done
lab_curl pc1 http://www.example.net/
lab_curl pc2 http://www.example.net/
[ ! -s "$LAB_TMP/curl-pc1.log" ] || lab_die "pc1 failed: $(cat "$LAB_TMP/curl-pc1.log")"
lab_finish "$OUT"
