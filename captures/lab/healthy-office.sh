#!/bin/bash
# Clean baseline: a healthy office for about 150 s at a low rate. Two
# workstations take DHCP leases from dnsmasq (10.77.1.53, 2-minute leases, so
# each renews about every 60 s), then every ~15 s each one looks up names
# (dig/getent via dnsmasq; example.net forwarded through the NAT gateway to the
# ISP's BIND 9), fetches a page over HTTP and HTTPS from the office server
# (nginx on 10.77.1.10, certificate from the lab's own CA) and over HTTP from
# the internet (203.0.113.80), lists an anonymous FTP directory (vsftpd), and
# runs a command over SSH (OpenSSH, key auth), and sends a mail to Postfix (swaks).
. "$(dirname "$0")/lib.sh"
lab_init healthy-office
OUT="$LAB_OUT/healthy-office.pcap"
ROUNDS=${ROUNDS:-6}

lab_office dns srv pc1 pc2
lab_wan_bridge
lab_host dns 02:77:00:00:00:53 10.77.1.53
lab_host srv 02:77:00:00:00:10 10.77.1.10
lab_lan pc1 02:77:00:00:01:01
lab_lan pc2 02:77:00:00:01:02
lab_isp_named "www IN A 203.0.113.80" "news IN A 203.0.113.81"
hosts=$(lab_hosts_file lan "10.77.1.10 files.lab.test www.lab.test ftp.lab.test mail.lab.test" "10.77.1.1 gw.lab.test")
lab_dnsmasq dns dns --interface=eth0 --bind-interfaces --domain=lab.test --local=/lab.test/ \
    --addn-hosts="$hosts" --server=/example.net/198.51.100.53 \
    --dhcp-range=10.77.1.100,10.77.1.199,255.255.255.0,2m --dhcp-authoritative --no-ping \
    --dhcp-option=option:router,10.77.1.1 --dhcp-option=option:dns-server,10.77.1.53 \
    --dhcp-leasefile="$LAB_TMP/dnsmasq.leases"
lab_wait_port dns udp 53
cert=$(lab_tls_cert www www.lab.test 365)
lab_web srv office "$cert"
lab_web isp internet
lab_vsftpd srv
lab_sshd srv
lab_user alice 'Secret-77'
lab_postfix srv mail.lab.test 10.77.1.0/24
lab_wait_port srv tcp 25
lab_wait_port srv tcp 22
lab_wait_port srv tcp 21

lab_capture sw br0 "$OUT"
lab_dhclient pc1 pc1
lab_dhclient pc2 pc2
lab_wait_addr pc1 10.77.1.1 10
lab_wait_addr pc2 10.77.1.1 10

round() {
    local pc=$1
    on "$pc" dig +tries=2 +time=3 @10.77.1.53 www.lab.test >/dev/null 2>&1 || true
    lab_curl "$pc" http://www.lab.test/
    lab_curl "$pc" --cacert "$cert.crt" https://www.lab.test/
    lab_curl "$pc" http://www.example.net/
    lab_curl "$pc" --list-only ftp://ftp.lab.test/
    on "$pc" swaks --server 10.77.1.10 --helo "$pc.lab.test" --from "$pc@lab.test" --to alice@lab.test \
        --timeout 10 >/dev/null 2>&1 || echo "mail failed" >>"$LAB_TMP/curl-$pc.log"
    lab_ssh "$pc" 10.77.1.10 uptime >/dev/null 2>>"$LAB_TMP/ssh-$pc.log" || echo "ssh failed" >>"$LAB_TMP/curl-$pc.log"
}
for i in $(seq "$ROUNDS"); do
    round pc1; sleep 4
    round pc2; sleep 4
done
[ ! -s "$LAB_TMP/curl-pc1.log" ] || lab_die "pc1: $(head -3 "$LAB_TMP/curl-pc1.log")"
[ ! -s "$LAB_TMP/curl-pc2.log" ] || lab_die "pc2: $(head -3 "$LAB_TMP/curl-pc2.log")"
lab_finish "$OUT"
