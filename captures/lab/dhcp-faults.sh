#!/bin/bash
# DHCP faults beyond pool exhaustion. Usage: dhcp-faults.sh MODE, MODE one of
#  rogue:   besides the office server dnsmasq 10.77.1.53, a "home router" on the LAN
#           (10.77.1.66, 02:77:00:00:01:66) runs its own DHCP server for
#           192.168.1.0/24; pc1 and pc2 (ISC dhclient) get offers from both.
#           Writes captures/dhcp-rogue.pcap.
#  decline: the pool is 10.77.1.150-151 and a host with a static 10.77.1.150
#           (02:77:00:00:01:50) squats on its first address (dnsmasq --no-ping);
#           pc1's dhclient checks the offered address with arping -D
#           (dhclient-script-arpcheck), finds it in use and sends DHCPDECLINE,
#           then gets 10.77.1.151. Writes captures/dhcp-decline.pcap.
#  slow:    dnsmasq answers after --dhcp-reply-delay=4 s: pc1's lease takes
#           over 4 s. Writes captures/dhcp-slow.pcap.
#  v6-exhausted: dnsmasq serves DHCPv6 with one address (fd77:1::100); c1
#           (ISC dhclient -6) takes it, c2's Solicit is answered with status
#           NoAddrsAvail. Writes captures/dhcpv6-exhausted.pcap.
#  v6-no-server: no DHCPv6 server on the link: pc1's dhclient -6 solicits for
#           8 s and gives up. Writes captures/dhcpv6-no-server.pcap.
. "$(dirname "$0")/lib.sh"
MODE=${1:?usage: dhcp-faults.sh rogue|decline|slow|v6-exhausted|v6-no-server}
case "$MODE" in
  rogue) OUT_NAME=dhcp-rogue ;;
  decline) OUT_NAME=dhcp-decline ;;
  slow) OUT_NAME=dhcp-slow ;;
  v6-exhausted) OUT_NAME=dhcpv6-exhausted ;;
  v6-no-server) OUT_NAME=dhcpv6-no-server ;;
  *) echo "unknown mode $MODE" >&2; exit 2 ;;
esac
lab_init "dhcp-$MODE"
OUT="$LAB_OUT/$OUT_NAME.pcap"

lab_switch
lab_ns dns pc1 pc2
lab_lan dns 02:77:00:00:00:53
lab_lan pc1 02:77:00:00:10:01
lab_lan pc2 02:77:00:00:10:02
on dns ip addr add 10.77.1.53/24 dev eth0
v4opts=(--interface=eth0 --bind-interfaces --port=0 --dhcp-authoritative
        --dhcp-option=option:router,10.77.1.1 --dhcp-option=option:dns-server,10.77.1.53
        --dhcp-leasefile="$LAB_TMP/dnsmasq.leases" --log-dhcp)

case "$MODE" in
  rogue)
    lab_ns rogue
    lab_lan rogue 02:77:00:00:01:66
    on rogue ip addr add 10.77.1.66/24 dev eth0
    on rogue ip addr add 192.168.1.1/24 dev eth0
    lab_dnsmasq dns dhcp "${v4opts[@]}" --dhcp-range=10.77.1.100,10.77.1.199,255.255.255.0,10m
    lab_dnsmasq rogue rogue --interface=eth0 --bind-interfaces --port=0 \
        --dhcp-range=192.168.1.100,192.168.1.199,255.255.255.0,10m \
        --dhcp-leasefile="$LAB_TMP/rogue.leases" --log-dhcp
    lab_wait_port dns udp 67; lab_wait_port rogue udp 67
    lab_capture sw br0 "$OUT"
    lab_dhclient pc1 pc1; lab_wait_addr pc1 '' 10
    lab_dhclient pc2 pc2; lab_wait_addr pc2 '' 10
    sleep 1
    grep -q "DHCPOFFER.*192.168.1" "$LAB_TMP/dnsmasq-rogue.log" || lab_die "the rogue server offered nothing"
    ;;
  decline)
    lab_ns squat
    lab_lan squat 02:77:00:00:01:50
    on squat ip addr add 10.77.1.150/24 dev eth0
    lab_dnsmasq dns dhcp "${v4opts[@]}" --dhcp-range=10.77.1.150,10.77.1.151,255.255.255.0,10m --no-ping
    lab_wait_port dns udp 67
    lab_capture sw br0 "$OUT"
    cf="$LAB_TMP/dhclient-pc1.conf"
    printf 'send host-name "pc1";\ntimeout 30;\nretry 60;\ninitial-interval 1;\nbackoff-cutoff 2;\n' >"$cf"
    lab_bg pc1 dhclient-pc1 dhclient -d -cf "$cf" -sf "$LAB_DIR/dhclient-script-arpcheck" \
        -lf "$LAB_TMP/dhclient-pc1.leases" -pf "$LAB_TMP/dhclient-pc1.pid" eth0
    lab_wait_addr pc1 10.77.1.151 40
    grep -q DHCPDECLINE "$LAB_TMP/dhclient-pc1.log" || lab_die "pc1 sent no DHCPDECLINE"
    ;;
  slow)
    lab_dnsmasq dns dhcp "${v4opts[@]}" --dhcp-range=10.77.1.100,10.77.1.199,255.255.255.0,10m --dhcp-reply-delay=4
    lab_wait_port dns udp 67
    lab_capture sw br0 "$OUT"
    lab_dhclient pc1 pc1; lab_wait_addr pc1 10.77.1.1 20
    ;;
  v6-exhausted)
    for r in dns pc1 pc2; do
        on "$r" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 \
            net.ipv6.conf.eth0.disable_ipv6=0 net.ipv6.conf.eth0.accept_dad=0
    done
    on dns ip -6 addr add fd77:1::53/64 dev eth0
    sleep 1  # link-local addresses come up
    lab_dnsmasq dns dhcp --interface=eth0 --bind-interfaces --port=0 \
        --dhcp-range=fd77:1::100,fd77:1::100,64,10m --dhcp-leasefile="$LAB_TMP/dnsmasq.leases" --log-dhcp
    lab_wait_port dns udp 547
    lab_capture sw br0 "$OUT" "udp port 546 or udp port 547"
    for c in pc1 pc2; do
        printf 'timeout 8;\nretry 60;\n' >"$LAB_TMP/dhclient6-$c.conf"
        lab_bg "$c" "dhclient6-$c" dhclient -6 -d -1 -cf "$LAB_TMP/dhclient6-$c.conf" -sf "$LAB_DIR/dhclient-script" \
            -lf "$LAB_TMP/dhclient6-$c.leases" -pf "$LAB_TMP/dhclient6-$c.pid" eth0
        [ "$c" = pc1 ] && sleep 3
    done
    sleep 6
    grep -qi 'no address' "$LAB_TMP/dnsmasq-dhcp.log" || lab_die "dnsmasq did not run out of addresses"
    ;;
  v6-no-server)
    on pc1 sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 \
        net.ipv6.conf.eth0.disable_ipv6=0 net.ipv6.conf.eth0.accept_dad=0
    sleep 1
    lab_capture sw br0 "$OUT" "udp port 546 or udp port 547"
    printf 'timeout 8;\nretry 60;\n' >"$LAB_TMP/dhclient6-pc1.conf"
    lab_bg pc1 dhclient6-pc1 dhclient -6 -d -1 -cf "$LAB_TMP/dhclient6-pc1.conf" -sf "$LAB_DIR/dhclient-script" \
        -lf "$LAB_TMP/dhclient6-pc1.leases" -pf "$LAB_TMP/dhclient6-pc1.pid" eth0
    wait "${LAB_PIDS[-1]}" || true
    ;;
esac
lab_finish "$OUT"
