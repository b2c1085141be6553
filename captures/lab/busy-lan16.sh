#!/bin/bash
# A healthy, busy /16 office LAN (10.20.0.0/16): the baseline for networks that
# are not a /24. One switch; the gateway 10.20.0.1 NATs to the lab's "internet"
# (nginx on every 203.0.113.x behind 198.51.100.1); dnsmasq on 10.20.0.53 is the DHCP server
# (pool 10.20.100.1-10.20.200.254, mask 255.255.0.0, router 10.20.0.1) and
# the resolver for lab.test and example.net. Servers sit in /24s of
# their own: nginx on 10.20.3.10 and 10.20.77.20, python http.server on
# 10.20.200.30:8080, OpenSSH on 10.20.150.22. Clients: DHCP_CLIENTS hosts with
# leases and STATIC_CLIENTS with fixed addresses in 10.20.5/42/250.x. Every
# client runs ROUNDS short rounds in parallel: a DNS lookup, a page from a
# server in another /24 (on the link only because the mask is /16: the client
# ARPs for it directly), a ping to a static client in another /24; once, a
# page from an internet site of its own (siteK.example.net, 203.0.113.100+K);
# now and then an SSH command. A /24 assumption would call all of that off-link.
. "$(dirname "$0")/lib.sh"
lab_init busy-lan16
OUT="$LAB_OUT/busy-lan16.pcap"
ROUNDS=${ROUNDS:-3}
DHCP_CLIENTS=${DHCP_CLIENTS:-14}
STATIC_CLIENTS=${STATIC_CLIENTS:-12}
DNS=10.20.0.53

# host16 ROLE MAC ADDR: a LAN host with a static /16 address.
host16() {
    lab_lan "$1" "$2"
    on "$1" ip addr add "$3/16" dev eth0
    on "$1" ip route add default via 10.20.0.1
}

# ---- topology: switch, gateway with NAT, wan cable, "internet" ----------
lab_switch
lab_ns gw wan isp dns web1 web2 files ssh
lab_lan gw 02:20:00:00:00:01
on gw ip addr add 10.20.0.1/16 dev eth0
lab_p2p gw eth1 02:20:00:00:ff:02 wan w0 02:20:00:00:fe:00
lab_p2p isp eth0 02:20:00:00:ff:01 wan w1 02:20:00:00:fe:01
lab_wan_bridge
on gw ip addr add 198.51.100.2/24 dev eth1
on gw ip route add default via 198.51.100.1
lab_router gw
on gw nft -f - <<NFT
table ip nat {
    chain post { type nat hook postrouting priority srcnat; oifname "eth1" ip saddr 10.20.0.0/16 masquerade; }
}
NFT
on isp ip addr add 198.51.100.1/24 dev eth0
on isp ip addr add 203.0.113.1/24 dev lo

host16 dns 02:20:00:00:00:53 $DNS
host16 web1 02:20:00:03:00:10 10.20.3.10
host16 web2 02:20:00:77:00:20 10.20.77.20
host16 files 02:20:00:c8:00:30 10.20.200.30
host16 ssh 02:20:00:96:00:22 10.20.150.22

# ---- clients -------------------------------------------------------------
dhcp_pcs=() static_pcs=() static_addrs=()
for i in $(seq "$DHCP_CLIENTS"); do
    r=$(printf 'd%02d' "$i"); dhcp_pcs+=("$r")
    # MACs far apart: dnsmasq picks an address from a hash of the MAC, so
    # these leases land in different /24s of the pool.
    lab_ns "$r"; lab_lan "$r" "$(printf '02:20:01:%02x:%02x:%02x' $(( i * 73 % 256 )) $(( i * 151 % 256 )) "$i")"
done
nets=(5 42 250)
for i in $(seq "$STATIC_CLIENTS"); do
    r=$(printf 's%02d' "$i"); static_pcs+=("$r")
    a="10.20.${nets[$(( (i - 1) % 3 ))]}.$(( 100 + i ))"; static_addrs+=("$a")
    lab_ns "$r"; host16 "$r" "$(printf '02:20:02:00:00:%02x' "$i")" "$a"
done
for n in "${LAB_NSES[@]}"; do echo "nameserver $DNS" >"/etc/netns/$n/resolv.conf"; done

# ---- services ------------------------------------------------------------
sites=()
for k in $(seq $(( DHCP_CLIENTS + STATIC_CLIENTS ))); do sites+=("203.0.113.$(( 100 + k )) site$k.example.net"); done
hosts=$(lab_hosts_file lan "10.20.3.10 www.lab.test" "10.20.77.20 intranet.lab.test" \
    "10.20.200.30 files.lab.test" "10.20.150.22 ssh.lab.test" "10.20.0.1 gw.lab.test" "${sites[@]}")
lab_dnsmasq dns dns --interface=eth0 --bind-interfaces --domain=lab.test --local=/lab.test/ \
    --local=/example.net/ --addn-hosts="$hosts" \
    --dhcp-range=10.20.100.1,10.20.200.254,255.255.0.0,2m --dhcp-authoritative --no-ping \
    --dhcp-option=option:router,10.20.0.1 --dhcp-option=option:dns-server,$DNS \
    --dhcp-leasefile="$LAB_TMP/dnsmasq.leases"
lab_wait_port dns udp 53
lab_web web1 www
lab_web web2 intranet
lab_web isp internet
mkdir -p "$LAB_TMP/files"; echo "file share index" >"$LAB_TMP/files/index.txt"
lab_bg files httpd "$LAB_PY" -m http.server 8080 --bind 10.20.200.30 --directory "$LAB_TMP/files"
lab_wait_port files tcp 8080
lab_sshd ssh
lab_wait_port ssh tcp 22

lab_capture sw br0 "$OUT"
for r in "${dhcp_pcs[@]}"; do lab_dhclient "$r" "$r"; done
for r in "${dhcp_pcs[@]}"; do lab_wait_addr "$r" 10.20. 20; done

urls=(http://www.lab.test/ http://intranet.lab.test/ http://files.lab.test:8080/index.txt)
# client ROLE INDEX: ROUNDS rounds, staggered so the clients overlap.
client() {
    local pc=$1 k=$2 i peer url
    sleep "0.$(( k % 10 ))"
    for i in $(seq "$ROUNDS"); do
        url=${urls[$(( (k + i) % 3 ))]}
        on "$pc" dig +tries=2 +time=3 "$(echo "$url" | sed -E 's#http://([^/:]+).*#\1#')" >/dev/null 2>&1 \
            || echo "dig failed" >>"$LAB_TMP/curl-$pc.log"
        lab_curl "$pc" "$url"
        peer=${static_addrs[$(( (k + i) % ${#static_addrs[@]} ))]}
        if ! on "$pc" ip -4 -o addr show dev eth0 | grep -q "inet $peer/"; then
            on "$pc" ping -n -c 1 -W 2 "$peer" >/dev/null 2>&1 || echo "ping $peer failed" >>"$LAB_TMP/curl-$pc.log"
        fi
        # One internet site per client: the gateway carries many off-link addresses.
        [ "$i" = 2 ] && lab_curl "$pc" "http://site$k.example.net/"
        if [ $(( (k + i) % 17 )) = 0 ]; then
            lab_ssh "$pc" 10.20.150.22 true 2>>"$LAB_TMP/ssh-$pc.log" || echo "ssh failed" >>"$LAB_TMP/curl-$pc.log"
        fi
        sleep $(( 6 + (k + i) % 5 ))
    done
}
k=0 jobs_=()
for pc in "${dhcp_pcs[@]}" "${static_pcs[@]}"; do
    k=$(( k + 1 ))
    client "$pc" "$k" &
    jobs_+=($!)
done
for p in "${jobs_[@]}"; do wait "$p"; done
bad=$(cat "$LAB_TMP"/curl-*.log 2>/dev/null | head -5)
[ -z "$bad" ] || lab_die "client errors: $bad"
lab_log "leases: $(awk '{print $3}' "$LAB_TMP/dnsmasq.leases" | sort -V | tr '\n' ' ')"
lab_finish "$OUT"
