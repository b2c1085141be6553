#!/bin/bash
# `netdx probe dns|arp|dhcp|tcp|path` against servers the test runs in network
# namespaces (tests/cli/probe_lab.sh): a DNS stub answering SERVFAIL/REFUSED/
# NXDOMAIN and TXT with control characters, dnsmasq for DHCP (one server, a
# rogue second one, none), a host with a duplicate address, nft reject/drop,
# a lowered MTU with and without ICMP. Needs root.
source "$SOURCE_ROOT/tests/cli/probe_lab.sh"
command -v nft >/dev/null || { echo "skip: needs nft"; exit 77; }

lab_office
lab_listen srv 8080
found=$(code_of FindingsReached)
usage=$(code_of Usage)
probe() { netdx_in cl "$1" probe "${@:2}"; }
# has NAME PATTERN: the output matches (grep -E).
has() { grep -Eq -- "$2" "$lab_tmp/$1.out" || fail "$1: no \"$2\" in: $(cat "$lab_tmp/$1.out" "$lab_tmp/$1.err")"; }
ids() { python3 -c 'import json,sys; print(" ".join(f["id"] for f in json.load(open(sys.argv[1]))["findings"]))' "$lab_tmp/$1.out"; }
want_ids() {  # NAME "ids..."
    local got
    got=$(ids "$1") || { fail "$1: not JSON: $(head -c 300 "$lab_tmp/$1.out") $(cat "$lab_tmp/$1.err")"; return; }
    [[ $got == "$2" ]] && ok "$1: findings [$got]" || fail "$1: findings [$got], want [$2]"
}

# --- dns ---------------------------------------------------------------
lab_dns_stub srv "$SRVNET.2" ok.test=A:192.0.2.7 fail.test=SERVFAIL ref.test=REFUSED \
    evil.test=TXT:1b5b324a6f776e6564 split.test=A:192.0.2.8 slow.test=DROP
lab_dnsmasq gwdns gw br0 --port=53 --address=/ok.test/192.0.2.7 --address=/split.test/
lab_resolv_conf cl "nameserver $LAN.1" "nameserver $SRVNET.2"
probe dns-agree dns ok.test -T json   # resolv.conf's two resolvers (ip netns exec's /etc/netns)
want_ids dns-agree ""
python3 - "$lab_tmp/dns-agree.out" <<'PY' || fail "dns-agree: $(cat "$lab_tmp/dns-agree.out")"
import json, sys
r = json.load(open(sys.argv[1]))["result"]
assert len(r["servers"]) == 2 and r["agreement"] == "agree", r
assert all(s["answers"] == ["A 192.0.2.7"] and s["rcode"] == "NOERROR" for s in r["servers"]), r
PY
probe dns-split dns split.test -T json
want_ids dns-split "dns.resolvers_disagree"
probe dns-servfail dns fail.test --server "$SRVNET.2" -T json
want_ids dns-servfail "dns.servfail"
probe dns-refused dns ref.test --server "$SRVNET.2" -T json
want_ids dns-refused "dns.refused"
probe dns-nx dns nothere.test --server "$SRVNET.2" -T json
want_ids dns-nx "dns.nxdomain"
probe dns-timeout dns slow.test --server "$SRVNET.2" --server "$SRVNET.3" --timeout 300 -T json
want_ids dns-timeout "dns.unanswered"
probe dns-portunreach dns ok.test --server "$SRVNET.2:5353" --timeout 300
has dns-portunreach "port unreachable"
# Wire bytes are escaped: the TXT string holds ESC [ 2 J.
probe dns-escape dns evil.test --type TXT --server "$SRVNET.2"
has dns-escape 'TXT "\\x1b\[2Jowned"'
grep -q $'\x1b' "$lab_tmp/dns-escape.out" && fail "dns-escape: a raw ESC reached the output"
probe dns-badtype dns ok.test --type NOPE
[[ $rc -eq $usage ]] || fail "dns --type NOPE: exit $rc, want $usage"
probe dns-fail-on dns fail.test --server "$SRVNET.2" --fail-on warning
[[ $rc -eq $found ]] || fail "dns --fail-on warning: exit $rc, want $found"

# --- arp ---------------------------------------------------------------
probe arp-gw arp "$LAN.1" -T json
want_ids arp-gw ""
python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["result"]["answers"]; assert len(a)==1, a' "$lab_tmp/arp-gw.out" ||
    fail "arp-gw: not one answer"
probe arp-free arp "$LAN.77"
has arp-free "nobody answers"
lab_lan_host twin1 t10 "$LAN.50/24"
lab_lan_host twin2 t20 "$LAN.50/24"
probe arp-dup arp "$LAN.50" -T json --fail-on error
want_ids arp-dup "arp.duplicate_ip"
[[ $rc -eq $found ]] || fail "arp-dup --fail-on error: exit $rc"
probe arp-bad arp not-an-address
[[ $rc -eq $usage ]] || fail "arp not-an-address: exit $rc"

# --- dhcp --------------------------------------------------------------
probe dhcp-none dhcp -i cl0 --wait 1 -T json
want_ids dhcp-none "dhcp.no_offer"
lab_dnsmasq gwdhcp gw br0 --port=0 --dhcp-range="$LAN.100,$LAN.150,255.255.255.0,1h" --no-ping \
    --dhcp-option-force=15,$'ev\x1b[2Jil.test'
probe dhcp-one dhcp -i cl0 --wait 1
has dhcp-one "OFFER from $LAN.1 .*"
has dhcp-one "address $LAN.1[0-9]{2}/24"
has dhcp-one "router  $LAN.1\$"
has dhcp-one 'domain  ev\\x1b\[2Jil.test'
grep -q $'\x1b' "$lab_tmp/dhcp-one.out" && fail "dhcp-one: a raw ESC reached the output"
grep -q DHCPREQUEST "$lab_tmp/gwdhcp.log" && fail "dhcp-one: a lease was requested"
[[ -s $lab_tmp/gwdhcp.leases ]] && fail "dhcp-one: the server recorded a lease: $(cat "$lab_tmp/gwdhcp.leases")"
lab_lan_host rogue rg0 "$LAN.66/24"
lab_dnsmasq rogue rogue rg0 --port=0 --dhcp-range="$LAN.200,$LAN.210,255.255.255.0,1h" --no-ping
probe dhcp-rogue dhcp -i cl0 --wait 1 -T json
want_ids dhcp-rogue "dhcp.multiple_servers"
probe dhcp-noif dhcp -i nosuch0
[[ $rc -eq $(code_of NoSuchInterface) ]] || fail "dhcp -i nosuch0: exit $rc"

# --- tcp ---------------------------------------------------------------
in_ns srv nft -f - <<NFT || fail "nft in srv"
table inet lab {
    chain in {
        type filter hook input priority 0;
        tcp dport 445 reject with tcp reset
        tcp dport 8082 drop
        icmp type echo-request drop
    }
}
NFT
probe tcp-mix tcp "$SRVNET.2:8080" "$SRVNET.2:445" "$SRVNET.2:8082" "$SRVNET.2:8083" "10.$N.99.1:80" --timeout 800 -T json
want_ids tcp-mix "conn.file_share_unreachable conn.host_unreachable conn.refused conn.unanswered_syn"
python3 - "$lab_tmp/tcp-mix.out" <<'PY' || fail "tcp-mix states: $(cat "$lab_tmp/tcp-mix.out")"
import json, sys
t = json.load(open(sys.argv[1]))["result"]["targets"]
states = [x["state"] for x in t]
assert states == ["open", "refused", "filtered", "refused", "no route"], states
assert t[1]["service"] == "file share (SMB)", t[1]
PY
probe tcp-text tcp "$SRVNET.2:445"
has tcp-text "file share \(SMB\)"
has tcp-text "conn.file_share_unreachable"
probe tcp-bad tcp no-port-here
[[ $rc -eq $usage ]] || fail "tcp no-port-here: exit $rc"

# --- path --------------------------------------------------------------
probe path-noreply path "$SRVNET.2" -T json
want_ids path-noreply "path.no_reply"
in_ns srv nft delete table inet lab
probe path-ok path "$SRVNET.2"
has path-ok "link MTU 1500, path MTU 1500"
ip -n "$LAB-gw" link set gs0 mtu 1400
ip -n "$LAB-srv" link set sg0 mtu 1400
probe path-pmtud path "$SRVNET.2" -T json
want_ids path-pmtud ""
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["result"]; assert r["path_mtu"]==1400 and r["frag_needed"]["mtu"]==1400 and not r["black_hole"], r' \
    "$lab_tmp/path-pmtud.out" || fail "path-pmtud: $(cat "$lab_tmp/path-pmtud.out")"
in_ns gw nft add table ip lab
in_ns gw nft add chain ip lab out '{ type filter hook output priority 0; }'
in_ns gw nft add rule ip lab out icmp type destination-unreachable icmp code frag-needed drop
probe path-blackhole path "$SRVNET.2"
has path-blackhole "BLACK HOLE: 1401 bytes"
has path-blackhole "hop +1 +$LAN.1 +large probes pass"
has path-blackhole "tcp.mtu_blackhole"
ip -n "$LAB-cl" route del default
probe path-noroute path "$SRVNET.2" -T json
want_ids path-noroute "conn.host_unreachable"

lab_done
