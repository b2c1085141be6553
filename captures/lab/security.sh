#!/bin/bash
# Security basics on the office LAN. Usage: security.sh MODE, MODE one of
#  port-scan:   pc9 (10.77.1.66) connect()s to ports 1-100 of the server 10.77.1.10
#               (nginx on 80, the rest closed: RSTs). Writes captures/port-scan.pcap.
#  host-scan:   pc9 connect()s to port 22 on 203.0.113.1-40 through the NAT gateway
#               (the "internet" answers RST). Writes captures/host-scan.pcap.
#  syn-flood:   pc9 sends 600 raw SYNs at 200/s to 10.77.1.10:80 from forged
#               sources in 198.18.0.0/15; the server's SYN-ACKs go to the gateway,
#               which blackholes them. Writes captures/syn-flood.pcap.
#  spoofed:     pc9 sends UDP with forged sources 255.255.255.255, 127.0.0.9,
#               240.1.2.3 and 0.1.2.3 to the server, then 5 forged DNS answers
#               "from" the resolver 10.77.1.53 to pc1 (which asked nothing), and
#               UDP probes with TTL 1-2 to 203.0.113.80 (traceroute: the gateway
#               and the ISP router answer time exceeded). Writes captures/spoofed.pcap.
# pc1 (10.77.1.101) browses the server normally meanwhile. Traffic generators:
# captures/lab/probe.py (python3 standard library).
. "$(dirname "$0")/lib.sh"
MODE=${1:?usage: security.sh port-scan|host-scan|syn-flood|spoofed}
case "$MODE" in port-scan|host-scan|syn-flood|spoofed) ;; *) echo "unknown mode $MODE" >&2; exit 2 ;; esac
lab_init "sec-$MODE"
OUT="$LAB_OUT/$MODE.pcap"
PROBE="$LAB_PY $LAB_DIR/probe.py"

lab_office dns srv pc1 pc9
lab_wan_bridge
lab_host dns 02:77:00:00:00:53 10.77.1.53
lab_host srv 02:77:00:00:00:10 10.77.1.10
lab_host pc1 02:77:00:00:01:01 10.77.1.101
lab_host pc9 02:77:00:00:01:66 10.77.1.66
# Forged 198.18/15 sources: their SYN-ACKs die at the gateway without ICMP.
on gw ip route add blackhole 198.18.0.0/15
lab_isp_named "www IN A 203.0.113.80"
hosts=$(lab_hosts_file lan "10.77.1.10 files.lab.test")
lab_dnsmasq dns dns --interface=eth0 --bind-interfaces --domain=lab.test --local=/lab.test/ \
    --addn-hosts="$hosts" --server=/example.net/198.51.100.53
lab_wait_port dns udp 53
lab_web srv files
lab_web isp internet

lab_capture sw br0 "$OUT"
lab_curl pc1 http://files.lab.test/
case "$MODE" in
  port-scan) on pc9 $PROBE portscan 10.77.1.10 1 100 >"$LAB_TMP/probe.log" ;;
  host-scan) on pc9 $PROBE hostscan 203.0.113 1 40 22 >"$LAB_TMP/probe.log" ;;
  syn-flood) on pc9 $PROBE synflood 10.77.1.10 80 600 200 198.18.0.0 ;;
  spoofed)
    on pc9 $PROBE spoof 10.77.1.10 255.255.255.255 127.0.0.9 240.1.2.3 0.1.2.3
    sleep 2  # past the start of the capture: these answer no query it could have missed
    on pc9 $PROBE dnsspoof 10.77.1.101 10.77.1.53 5
    on pc9 $PROBE ttl 203.0.113.80 33434 2 ;;
esac
lab_curl pc1 http://files.lab.test/
lab_curl pc1 http://www.example.net/
[ ! -s "$LAB_TMP/curl-pc1.log" ] || lab_die "pc1 failed: $(cat "$LAB_TMP/curl-pc1.log")"
lab_finish "$OUT"
