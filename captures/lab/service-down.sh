#!/bin/bash
# Services down on the office LAN (not file shares or printers), and a client
# using a resolver that refuses it. Writes captures/service-down.pcap.
#  - app 10.77.1.12 is up but its web app on 8080 is stopped: pc1's and pc2's
#    connections get RST (nginx on 80 still works, for contrast);
#  - db 10.77.1.13 drops everything to 5432 (nftables drop): SYNs retransmitted,
#    never answered;
#  - pc2 (10.77.1.102) was set up with the ISP's resolver 198.51.100.53, which
#    is authoritative only (recursion no): its lookups of names outside
#    example.net are answered REFUSED.
. "$(dirname "$0")/lib.sh"
lab_init service-down
OUT="$LAB_OUT/service-down.pcap"

lab_office dns app db pc1 pc2
lab_wan_bridge
lab_host dns 02:77:00:00:00:53 10.77.1.53
lab_host app 02:77:00:00:00:12 10.77.1.12
lab_host db  02:77:00:00:00:13 10.77.1.13
lab_host pc1 02:77:00:00:01:01 10.77.1.101
lab_host pc2 02:77:00:00:01:02 10.77.1.102
lab_resolv pc2 198.51.100.53
on db nft -f - <<NFT
table inet f {
    chain input { type filter hook input priority 0; tcp dport 5432 drop; }
}
NFT
lab_isp_named "www IN A 203.0.113.80"
hosts=$(lab_hosts_file lan "10.77.1.12 app.lab.test" "10.77.1.13 db.lab.test")
lab_dnsmasq dns dns --interface=eth0 --bind-interfaces --domain=lab.test --local=/lab.test/ \
    --addn-hosts="$hosts" --server=/example.net/198.51.100.53
lab_wait_port dns udp 53
lab_web app app

lab_capture sw br0 "$OUT"
for pc in pc1 pc2; do
    lab_curl "$pc" http://10.77.1.12/
    lab_curl "$pc" http://10.77.1.12:8080/
    lab_curl "$pc" --connect-timeout 3 http://10.77.1.13:5432/
done
lab_curl pc1 http://app.lab.test:8080/
on pc2 getent hosts www.debian.org wiki.debian.org >/dev/null 2>&1 || true
grep -q 'Connection refused\|Failed to connect' "$LAB_TMP/curl-pc1.log" || lab_die "pc1's connections did not fail"
lab_finish "$OUT"
