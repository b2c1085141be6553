#!/bin/bash
# `netdx doctor`, lower layers: a healthy office first, then each of link,
# address, gateway, duplicate address and DHCP broken alone; doctor must stop at
# exactly that check and name it with its rule id (and not run the later checks).
# Built in network namespaces (tests/cli/probe_lab.sh); needs root.
source "$SOURCE_ROOT/tests/cli/probe_lab.sh"

lab_office
lab_dnsmasq gwdns gw br0 --dhcp-range="$LAN.100,$LAN.150,255.255.255.0,1h" --no-ping \
    --address="/target.test/$SRVNET.2"
lab_listen srv 8080
lab_resolv_conf cl "nameserver $LAN.1"
found=$(code_of FindingsReached)
doctor() { netdx_in cl "$1" doctor -i cl0 -T json --dhcp-wait 1 --target target.test:8080 "${@:2}"; }

# 0. Healthy: every check passes, exit 0; the text report says so.
doctor healthy
expect_doctor healthy 0 none - link=ok address=ok gateway=ok duplicate=ok dhcp=ok dns=ok target=ok path_mtu=ok
netdx_in cl healthy-text doctor -i cl0 --dhcp-wait 1 --target target.test:8080
grep -q "No layer is broken" "$lab_tmp/healthy-text.out" || fail "healthy text: $(cat "$lab_tmp/healthy-text.out")"
grep -q "No problems found" "$lab_tmp/healthy-text.out" || fail "healthy text has findings"

# 1. Link administratively down (the route through it goes with it).
ip -n "$LAB-cl" link set cl0 down
doctor link-down
expect_doctor link-down "$found" link link.down
ip -n "$LAB-cl" link set cl0 up
ip -n "$LAB-cl" route add default via "$LAN.1"

# 2. No carrier: the switch port (the bridge's end of the veth) is down.
ip -n "$LAB-gw" link set p-cl down
doctor no-carrier
expect_doctor no-carrier "$found" link link.no_carrier
ip -n "$LAB-gw" link set p-cl up

# 3. Only a self-assigned 169.254 address; doctor asks DHCP why and reports the
#    offer the client did not take. Then no IPv4 address at all.
ip -n "$LAB-cl" addr flush dev cl0
ip -n "$LAB-cl" addr add 169.254.7.7/16 dev cl0
doctor link-local
expect_doctor link-local "$found" address addr.link_local_only
grep -q "DHCP: server $LAN.1" "$lab_tmp/link-local.out" || fail "link-local: no DHCP follow-up note"
ip -n "$LAB-cl" addr flush dev cl0
doctor no-address
expect_doctor no-address "$found" address addr.no_ipv4
ip -n "$LAB-cl" addr add "$LAN.10/24" dev cl0
ip -n "$LAB-cl" route replace default via "$LAN.1"

# 4. No default route.
ip -n "$LAB-cl" route del default
doctor no-route
expect_doctor no-route "$found" gateway route.no_default
# 5. A default gateway nobody answers ARP for.
ip -n "$LAB-cl" route add default via "$LAN.254"
doctor gateway-gone
expect_doctor gateway-gone "$found" gateway net.gateway_unreachable
ip -n "$LAB-cl" route replace default via "$LAN.1"

# 6. A second host on the LAN with the client's address.
lab_lan_host dup dp0 "$LAN.10/24"
doctor duplicate
expect_doctor duplicate "$found" duplicate arp.duplicate_ip
dup_mac=$(ip -n "$LAB-dup" -br link show dp0 | awk '{print $3}')
grep -q "$dup_mac" "$lab_tmp/duplicate.out" || fail "duplicate: the other host's MAC $dup_mac is not named"
ip netns del "$LAB-dup"

# 7. A leased address and a DHCP server whose pool (one address) is taken by
#    another client: no offer, so the lease will not be renewed.
kill "$(cat "$lab_tmp/gwdns.pid")"
sleep 0.2
ip -n "$LAB-cl" addr replace "$LAN.10/24" dev cl0 valid_lft 3600 preferred_lft 3600
echo "$(( $(date +%s) + 3600 )) 02:00:00:00:00:01 $LAN.100 other *" >"$lab_tmp/full.leases"
lab_dnsmasq full gw br0 --dhcp-range="$LAN.100,$LAN.100,255.255.255.0,1h" --no-ping --address="/target.test/$SRVNET.2"
doctor pool-exhausted
expect_doctor pool-exhausted "$found" dhcp dhcp.no_offer
grep -q "no address available" "$lab_tmp/full.log" || fail "pool-exhausted: dnsmasq did not see the pool as full: $(tail -3 "$lab_tmp/full.log")"

# 8. The same server with free addresses, plus a rogue DHCP server on the LAN.
kill "$(cat "$lab_tmp/full.pid")"
sleep 0.2
lab_dnsmasq gwdns2 gw br0 --dhcp-range="$LAN.100,$LAN.150,255.255.255.0,1h" --no-ping --address="/target.test/$SRVNET.2"
lab_lan_host rogue rg0 "$LAN.66/24"
lab_dnsmasq rogue rogue rg0 --dhcp-range="$LAN.200,$LAN.210,255.255.255.0,1h" --no-ping --port=0
doctor rogue
expect_doctor rogue "$found" dhcp dhcp.multiple_servers
grep -q "$LAN.66" "$lab_tmp/rogue.out" || fail "rogue: the rogue server $LAN.66 is not named"

# 9. No false alarm: a static address needs no DHCP server.
kill "$(cat "$lab_tmp/rogue.pid")" "$(cat "$lab_tmp/gwdns2.pid")"
sleep 0.2
lab_dnsmasq dnsonly gw br0 --port=53 --address="/target.test/$SRVNET.2"
ip -n "$LAB-cl" addr replace "$LAN.10/24" dev cl0
doctor static-no-dhcp
expect_doctor static-no-dhcp 0 none - dhcp=ok

lab_done
