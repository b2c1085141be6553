#!/bin/bash
# DNS lookups of many record types, over UDP and TCP, against an authoritative
# BIND 9 on the office LAN (10.77.1.53, zone lab.test and 1.77.10.in-addr.arpa,
# recursion off). pc1 (10.77.1.101) asks, in order:
#  - A, AAAA, CNAME (chained to an A), MX, TXT, SRV, NS, SOA, CAA, HTTPS, PTR:
#    all answered;
#  - NXDOMAIN for a name not in the zone; REFUSED for a zone the server does
#    not serve (no recursion);
#  - over TCP: a ~4 KB TXT answer, which spans several TCP segments; two
#    questions on one kept-open connection; a zone transfer (AXFR).
. "$(dirname "$0")/lib.sh"
lab_init dns-lookups
OUT="$LAB_OUT/dns-lookups.pcap"

lab_switch
lab_ns dns pc1
lab_host dns 02:77:00:00:00:53 10.77.1.53
lab_host pc1 02:77:00:00:01:01 10.77.1.101

d="$LAB_TMP/named"; mkdir -p "$d"
cat >"$d/named.conf" <<EOT
options {
    directory "$d"; pid-file "$d/named.pid";
    listen-on { 10.77.1.53; }; listen-on-v6 { none; };
    recursion no; dnssec-validation no; allow-query { any; };
    allow-transfer { 10.77.1.0/24; }; minimal-responses yes;
};
zone "lab.test" { type primary; file "$d/lab.test.zone"; };
zone "1.77.10.in-addr.arpa" { type primary; file "$d/rev.zone"; };
EOT
{
    printf '$TTL 300\n@ IN SOA ns.lab.test. hostmaster.lab.test. 2024010101 3600 600 86400 300\n'
    printf '@ IN NS ns.lab.test.\n@ IN MX 10 mail.lab.test.\n@ IN MX 20 mail2.lab.test.\n'
    printf '@ IN TXT "v=spf1 mx -all"\n@ IN CAA 0 issue "letsencrypt.org"\n'
    printf 'ns IN A 10.77.1.53\nmail IN A 10.77.1.25\nmail2 IN A 10.77.1.26\n'
    printf 'files IN A 10.77.1.10\nfiles IN AAAA 2001:db8:77:1::10\n'
    printf 'www IN CNAME web.lab.test.\nweb IN A 10.77.1.80\nweb IN HTTPS 1 . alpn="h2,http/1.1"\n'
    printf '_ldap._tcp IN SRV 0 100 389 dc.lab.test.\ndc IN A 10.77.1.5\n'
    printf 'pc1 IN A 10.77.1.101\n'
    # About 4 KB of TXT: the answer does not fit one TCP segment.
    for i in $(seq 1 16); do printf 'big IN TXT "%s"\n' "$(head -c 240 /dev/zero | tr '\0' "$(printf "\\x$(printf %x $((96 + i)))")")"; done
} >"$d/lab.test.zone"
printf '$TTL 300\n@ IN SOA ns.lab.test. hostmaster.lab.test. 1 3600 600 86400 300\n@ IN NS ns.lab.test.\n101 IN PTR pc1.lab.test.\n10 IN PTR files.lab.test.\n' >"$d/rev.zone"
lab_bg dns named named -g -u root -c "$d/named.conf"
lab_wait_port dns udp 53
lab_wait_port dns tcp 53

lab_capture sw br0 "$OUT"

LOG="$LAB_TMP/dig-pc1.log"
q() { on pc1 dig +tries=1 +time=3 @10.77.1.53 "$@" >>"$LOG" 2>&1 || true; }
q files.lab.test A
q files.lab.test AAAA
q www.lab.test A
q lab.test MX
q lab.test TXT
q _ldap._tcp.lab.test SRV
q lab.test NS
q lab.test SOA
q lab.test CAA
q web.lab.test HTTPS
q -x 10.77.1.101
q nosuch.lab.test A
q www.example.com A
q +tcp big.lab.test TXT
q +tcp +keepopen mail.lab.test A dc.lab.test A
q lab.test AXFR

grep -q 'status: NXDOMAIN' "$LOG" || lab_die "no NXDOMAIN"
grep -q 'status: REFUSED' "$LOG" || lab_die "no REFUSED"
grep -q 'IN	SRV	0 100 389 dc.lab.test' "$LOG" || lab_die "no SRV answer"
grep -q 'XFR size' "$LOG" || lab_die "no zone transfer"
grep -qE 'MSG SIZE  rcvd: [3-9][0-9]{3}' "$LOG" || lab_die "no large TCP answer"
lab_finish "$OUT"
