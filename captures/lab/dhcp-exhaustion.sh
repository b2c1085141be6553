#!/bin/bash
# Scenario 2: IP address exhaustion. dnsmasq (10.77.1.53) leases only
# 10.77.1.100-102; pc1..pc3 take them. pc4's DISCOVERs get no OFFER and it falls
# back to a link-local address (avahi-autoipd, RFC 3927: ARP probes then
# announcements for 169.254.x.x), then fails to reach the server. pc5 comes back
# with a lease from another network (10.77.9.77) and asks for it again
# (INIT-REBOOT REQUEST): the authoritative server answers DHCPNAK, and its
# following DISCOVERs get no OFFER either.
. "$(dirname "$0")/lib.sh"
lab_init dhcp-exhaustion
OUT="$LAB_OUT/dhcp-exhaustion.pcap"

lab_switch
lab_ns gw dns pc1 pc2 pc3 pc4 pc5
lab_lan gw  02:77:00:00:00:01
lab_lan dns 02:77:00:00:00:53
for i in 1 2 3 4 5; do lab_lan "pc$i" "02:77:00:00:10:0$i"; done
on gw  ip addr add 10.77.1.1/24 dev eth0
on dns ip addr add 10.77.1.53/24 dev eth0
on dns ip route add default via 10.77.1.1

lab_dnsmasq dns dhcp --interface=eth0 --bind-interfaces --port=0 \
    --dhcp-range=10.77.1.100,10.77.1.102,255.255.255.0,10m --dhcp-authoritative \
    --dhcp-option=option:router,10.77.1.1 --dhcp-option=option:dns-server,10.77.1.53 \
    --dhcp-leasefile="$LAB_TMP/dnsmasq.leases" --log-dhcp --no-ping
lab_wait_port dns udp 67

# pc5's stale lease from another site, which dhclient will try to reuse first.
cat >"$LAB_TMP/dhclient-pc5.leases" <<LEASE
lease {
  interface "eth0";
  fixed-address 10.77.9.77;
  option subnet-mask 255.255.255.0;
  option routers 10.77.9.1;
  option dhcp-server-identifier 10.77.9.1;
  renew 4 2037/01/01 00:00:00;
  rebind 4 2037/01/01 00:00:00;
  expire 4 2037/01/01 00:00:00;
}
LEASE

lab_capture sw br0 "$OUT"

for i in 1 2 3; do
    lab_dhclient "pc$i" "pc$i"
    lab_wait_addr "pc$i" 10.77.1.10 10
done
# The pool is empty now.
lab_dhclient pc4 pc4 8
lab_dhclient pc5 pc5 8
pc4_dhcp=${LAB_PIDS[-2]}; pc5_dhcp=${LAB_PIDS[-1]}
wait "$pc4_dhcp" || true
wait "$pc5_dhcp" || true
on pc4 ip -4 -o addr show dev eth0 | grep -q 'inet 10\.' && lab_die "pc4 got a lease"
grep -q DHCPNAK "$LAB_TMP/dhclient-pc5.log" || lab_die "pc5 saw no DHCPNAK"
# pc4 gives up on DHCP and picks a link-local address.
lab_bg pc4 autoipd avahi-autoipd --no-drop-root --no-chroot --no-proc-title --debug eth0
lab_wait_addr pc4 169.254. 20
# ... with which it cannot reach its gateway (no route back to 169.254/16).
on pc4 ping -c 2 -W 1 10.77.1.1 >/dev/null 2>&1 || true

lab_finish "$OUT"
grep -q 'no address available' "$LAB_TMP/dnsmasq-dhcp.log" || lab_log "note: dnsmasq did not log pool exhaustion"
