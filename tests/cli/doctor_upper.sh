#!/bin/bash
# `netdx doctor`, upper layers: resolvers, the target over TCP and the path MTU
# broken one at a time in network namespaces (tests/cli/probe_lab.sh); doctor
# must stop at that check and name it. Also: -w (the capture's findings join
# the report), no false alarm when PMTU discovery works, warnings that do not
# stop the run, and the errors for no permission and an unknown interface.
source "$SOURCE_ROOT/tests/cli/probe_lab.sh"
command -v nft >/dev/null || { echo "skip: needs nft"; exit 77; }

lab_office
lab_dnsmasq gwdns gw br0 --port=53 --address="/target.test/$SRVNET.2" --address="/split.test/$SRVNET.2" \
    --address=/nosuch.test/
lab_listen srv 8080
found=$(code_of FindingsReached)
resolv() { printf 'nameserver %s\n' "$@" >"$lab_tmp/resolv.conf"; }
doctor() { netdx_in cl "$1" doctor -i cl0 -T json --dhcp-wait 0.5 --dns-timeout 400 --resolv-conf "$lab_tmp/resolv.conf" "${@:2}"; }
in_ns srv nft -f - <<NFT || { fail "nft rules"; exit 1; }
table inet lab {
    chain in {
        type filter hook input priority 0;
        tcp dport 8081 reject with tcp reset
        tcp dport 8082 drop
        udp dport 53 drop
    }
}
NFT

# DNS 1: no resolver configured.
: >"$lab_tmp/resolv.conf"
doctor no-resolver --target target.test:8080
expect_doctor no-resolver "$found" dns dns.no_resolver
# DNS 2: the only resolver does not answer (nft drops its queries).
resolv "$SRVNET.2"
doctor resolver-down --target target.test:8080
expect_doctor resolver-down "$found" dns dns.unanswered
# DNS 3: one of two resolvers down is a warning; the run goes on to the target.
resolv "$LAN.1" "$SRVNET.2"
doctor one-resolver-down --target target.test:8080
expect_doctor one-resolver-down 0 none dns.unanswered dns=warn target=ok
# DNS 4: two resolvers disagree on whether split.test exists: warning, and
#   --fail-on warning turns it into exit 20.
lab_dnsmasq other srv sg0 --port=53 --address=/split.test/
in_ns srv nft delete rule inet lab in handle "$(in_ns srv nft -a list chain inet lab in | sed -n 's/.*udp dport 53 drop # handle \([0-9]*\)/\1/p')"
resolv "$LAN.1" "$SRVNET.2"
doctor disagree --target "split.test:8080" --fail-on warning
expect_doctor disagree "$found" none dns.resolvers_disagree dns=warn target=ok
# DNS 5: the target's name does not exist.
resolv "$LAN.1"
doctor nxdomain --target nosuch.test:8080
expect_doctor nxdomain "$found" dns dns.nxdomain

# Target: refused (nft reject with tcp reset), filtered (nft drop), and a printer port refused.
doctor refused --name target.test --target "$SRVNET.2:8081"
expect_doctor refused "$found" target conn.refused
doctor filtered --name target.test --target "$SRVNET.2:8082" --timeout 800
expect_doctor filtered "$found" target conn.unanswered_syn
doctor printer --name target.test --target "$SRVNET.2:9100"
expect_doctor printer "$found" target conn.printer_unreachable

# Path MTU: the gw-srv link at 1400. With fragmentation-needed reaching the
# client, PMTU discovery works: no finding. With gw's fragmentation-needed
# dropped (nft), it is a black hole after hop 1 (gw).
ip -n "$LAB-gw" link set gs0 mtu 1400
ip -n "$LAB-srv" link set sg0 mtu 1400
doctor pmtud-works --target target.test:8080
expect_doctor pmtud-works 0 none - path_mtu=ok
grep -q "path MTU 1400" "$lab_tmp/pmtud-works.out" || fail "pmtud-works: path MTU 1400 not reported"
in_ns gw nft -f - <<NFT || fail "nft rules in gw"
table ip lab {
    chain out {
        type filter hook output priority 0;
        icmp type destination-unreachable icmp code frag-needed drop
    }
}
NFT
doctor blackhole --target target.test:8080
expect_doctor blackhole "$found" path_mtu tcp.mtu_blackhole
python3 - "$lab_tmp/blackhole.out" "$LAN.1" <<'PY' || fail "blackhole: finding figures or hop wrong"
import json, sys
doc = json.load(open(sys.argv[1]))
f = next(f for f in doc["findings"] if f["id"] == "tcp.mtu_blackhole")
assert f["figures"]["path_mtu"]["value"] == 1400, f["figures"]
assert sys.argv[2] in f["hosts"], f["hosts"]  # the last hop large packets reach
PY

# -w: the doctor records while it checks; the capture goes through analyze's
# rules, and a capture finding repeating a probe finding becomes its evidence.
in_ns gw nft delete table ip lab
doctor recorded --name target.test --target "$SRVNET.2:8081" -w "$lab_tmp/doctor.pcap"
expect_doctor recorded "$found" target conn.refused
"$NETDX" analyze -T json "$lab_tmp/doctor.pcap" >"$lab_tmp/analyze.json" || fail "analyze of the recording: exit $?"
python3 - "$lab_tmp/recorded.out" "$lab_tmp/analyze.json" <<'PY' || fail "recorded: capture not joined to the report"
import json, sys
doc, ana = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert doc["capture"]["packets"] > 0 and doc["capture"]["packets"] == ana["summary"]["packets"], (doc["capture"], ana["summary"])
assert "conn.refused" in [f["id"] for f in ana["findings"]], "analyze does not see the refused connection"
probe = next(f for f in doc["findings"] if f["id"] == "conn.refused")
assert probe["source"] == "probe" and probe["evidence"]["total"] >= 1, probe["evidence"]
assert doc["capture"]["merged_findings"] >= 1
assert not [f for f in doc["findings"] if f["id"] == "conn.refused" and f["source"] == "capture"]
PY
[[ $fails -eq 0 ]] && ok "recorded: $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["capture"])' "$lab_tmp/recorded.out")"

# Bad input: an unknown interface; no permission for raw sockets.
netdx_in cl bad-if doctor -i nosuch0
[[ $rc -eq $(code_of NoSuchInterface) && $(wc -l <"$lab_tmp/bad-if.err") -eq 1 ]] ||
    fail "unknown interface: exit $rc: $(cat "$lab_tmp/bad-if.err")"
if command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
    for cmd in "doctor -i cl0" "probe arp $LAN.1 -i cl0" "probe dhcp -i cl0" "probe path $SRVNET.2"; do
        # shellcheck disable=SC2086
        in_ns cl setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups --inh-caps=-all \
            timeout 20 "$NETDX" $cmd >/dev/null 2>"$lab_tmp/perm.err"
        rc=$?
        [[ $rc -eq $(code_of PermissionDenied) && $(wc -l <"$lab_tmp/perm.err") -eq 1 ]] ||
            fail "as nobody, $cmd: exit $rc: $(cat "$lab_tmp/perm.err")"
        [[ $rc -eq $(code_of PermissionDenied) ]] && ok "as nobody, $cmd -> $rc: $(cat "$lab_tmp/perm.err")"
    done
else
    echo "note: permission checks skipped (no setpriv or no user nobody)"
fi

lab_done
