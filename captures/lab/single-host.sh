#!/bin/bash
# Scenario 4: one workstation cannot connect while the others work.
# Usage: single-host.sh gateway|netmask|dns   (writes captures/single-host-MODE.pcap)
# Office LAN 10.77.1.0/24; pc1 and pc2 are configured right, pc3 (10.77.1.103,
# 02:77:00:00:01:03) is not:
#   gateway: its default route points at 10.77.1.254, where nobody is: its ARP
#            requests for .254 go unanswered, so the internet and the server room
#            fail while LAN names still resolve;
#   netmask: 10.77.1.103/16 instead of /24: it ARPs directly for the intranet
#            server 10.77.2.10 (behind the gateway), which never answers;
#   dns:     its resolver is 10.77.1.10, the file server, which runs no DNS:
#            every query gets ICMP port unreachable and no name resolves.
# Every workstation looks up www.example.net and intranet.lab.test and fetches
# http://www.example.net/ (203.0.113.80, via NAT) and http://intranet.lab.test/
# (10.77.2.10, via the gateway).
. "$(dirname "$0")/lib.sh"
MODE=${1:?usage: single-host.sh gateway|netmask|dns}
lab_init "single-$MODE"
OUT="$LAB_OUT/single-host-$MODE.pcap"

lab_office dns srv pc1 pc2 pc3
lab_office_dc
lab_wan_bridge
lab_host dns 02:77:00:00:00:53 10.77.1.53
lab_host srv 02:77:00:00:00:10 10.77.1.10
lab_host pc1 02:77:00:00:01:01 10.77.1.101
lab_host pc2 02:77:00:00:01:02 10.77.1.102
lab_lan pc3 02:77:00:00:01:03
case "$MODE" in
  gateway) on pc3 ip addr add 10.77.1.103/24 dev eth0; on pc3 ip route add default via 10.77.1.254 ;;
  netmask) on pc3 ip addr add 10.77.1.103/16 dev eth0; on pc3 ip route add default via 10.77.1.1 ;;
  dns)     on pc3 ip addr add 10.77.1.103/24 dev eth0; on pc3 ip route add default via 10.77.1.1
           lab_resolv pc3 10.77.1.10 ;;
  *) lab_die "unknown mode $MODE" ;;
esac

lab_isp_named "www IN A 203.0.113.80"
hosts=$(lab_hosts_file lan "10.77.1.10 files.lab.test" "10.77.2.10 intranet.lab.test")
lab_dnsmasq dns dns --interface=eth0 --bind-interfaces --domain=lab.test --local=/lab.test/ \
    --addn-hosts="$hosts" --server=/example.net/198.51.100.53
lab_wait_port dns udp 53
lab_web isp internet
lab_web dc intranet

lab_capture sw br0 "$OUT"

for pc in pc1 pc2 pc3; do
    on "$pc" getent hosts www.example.net intranet.lab.test >/dev/null 2>&1 || true
    lab_curl "$pc" http://www.example.net/
    lab_curl "$pc" http://intranet.lab.test/
done
[ ! -s "$LAB_TMP/curl-pc1.log" ] || lab_die "pc1 failed: $(cat "$LAB_TMP/curl-pc1.log")"
[ -s "$LAB_TMP/curl-pc3.log" ] || lab_die "pc3 did not fail"
lab_finish "$OUT"
