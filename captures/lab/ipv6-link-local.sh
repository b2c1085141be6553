#!/bin/bash
# IPv6 host stuck with a link-local address. Writes captures/ipv6-link-local-only.pcap.
#  srv (fd77:1::10) and pc2 (fd77:1::20) have static ULA addresses and ping each
#  other. pc1 comes up with IPv6 on and only its fe80:: address: the kernel sends
#  Router Solicitations and ISC dhclient -6 sends DHCPv6 Solicits; no router
#  advertises a prefix and no DHCPv6 server answers, so pc1 stays on fe80::.
. "$(dirname "$0")/lib.sh"
lab_init ipv6-link-local
OUT="$LAB_OUT/ipv6-link-local-only.pcap"

lab_switch
lab_ns srv pc1 pc2
lab_lan srv 02:77:00:00:00:10
lab_lan pc2 02:77:00:00:01:02
for r in srv pc2; do
    on "$r" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 \
        net.ipv6.conf.eth0.disable_ipv6=0 net.ipv6.conf.eth0.accept_dad=0
done
on srv ip -6 addr add fd77:1::10/64 dev eth0
on pc2 ip -6 addr add fd77:1::20/64 dev eth0
sleep 1
lab_capture sw br0 "$OUT" "ip6"
on srv ping -6 -c 2 -i 0.5 -W 1 fd77:1::20 >/dev/null || lab_die "pc2 does not answer srv"
# pc1's interface comes up with IPv6 (link-local only): the kernel solicits routers.
on pc1 sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 \
    net.ipv6.conf.default.router_solicitation_interval=2 net.ipv6.conf.default.accept_dad=0
lab_lan pc1 02:77:00:00:01:01
sleep 1
printf 'timeout 6;\nretry 60;\n' >"$LAB_TMP/dhclient6-pc1.conf"
lab_bg pc1 dhclient6-pc1 dhclient -6 -d -1 -cf "$LAB_TMP/dhclient6-pc1.conf" -sf "$LAB_DIR/dhclient-script" \
    -lf "$LAB_TMP/dhclient6-pc1.leases" -pf "$LAB_TMP/dhclient6-pc1.pid" eth0
on pc2 ping -6 -c 2 -i 0.5 -W 1 fd77:1::10 >/dev/null || lab_die "srv does not answer pc2"
wait "${LAB_PIDS[-1]}" || true
on pc1 ip -6 addr show dev eth0 scope global | grep -q inet6 && lab_die "pc1 got a global address"
lab_finish "$OUT"
