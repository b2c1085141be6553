#!/bin/bash
# DNS on a port not bound to it: an authoritative BIND 9 on the office LAN
# (10.77.1.53, zone lab.test, recursion off) listening on port 5300 only.
# pc1 (10.77.1.101) asks with `dig -p 5300`:
#  - over UDP: files.lab.test A and www.lab.test A (CNAME to an A), answered;
#    nosuch.lab.test A: NXDOMAIN; www.example.com A: REFUSED (not served);
#  - over TCP (+tcp): lab.test MX answered, missing.lab.test A: NXDOMAIN.
# Nothing is sent to port 53, so only the heuristic on the first query of
# each flow can recognise this traffic as DNS.
. "$(dirname "$0")/lib.sh"
lab_init dns-other-port
OUT="$LAB_OUT/dns-other-port.pcap"

lab_switch
lab_ns dns pc1
lab_host dns 02:77:00:00:00:53 10.77.1.53
lab_host pc1 02:77:00:00:01:01 10.77.1.101

d="$LAB_TMP/named"; mkdir -p "$d"
cat >"$d/named.conf" <<EOT
options {
    directory "$d"; pid-file "$d/named.pid";
    listen-on port 5300 { 10.77.1.53; }; listen-on-v6 { none; };
    recursion no; dnssec-validation no; allow-query { any; };
    minimal-responses yes;
};
zone "lab.test" { type primary; file "$d/lab.test.zone"; };
EOT
{
    printf '$TTL 300\n@ IN SOA ns.lab.test. hostmaster.lab.test. 2024010101 3600 600 86400 300\n'
    printf '@ IN NS ns.lab.test.\n@ IN MX 10 mail.lab.test.\n'
    printf 'ns IN A 10.77.1.53\nmail IN A 10.77.1.25\nfiles IN A 10.77.1.10\n'
    printf 'www IN CNAME web.lab.test.\nweb IN A 10.77.1.80\n'
} >"$d/lab.test.zone"
lab_bg dns named named -g -u root -c "$d/named.conf"
lab_wait_port dns udp 5300
lab_wait_port dns tcp 5300

lab_capture sw br0 "$OUT"

LOG="$LAB_TMP/dig-pc1.log"
q() { on pc1 dig +tries=1 +time=3 -p 5300 @10.77.1.53 "$@" >>"$LOG" 2>&1 || true; }
q files.lab.test A
q www.lab.test A
q nosuch.lab.test A
q www.example.com A
q +tcp lab.test MX
q +tcp missing.lab.test A

[ "$(grep -c 'status: NXDOMAIN' "$LOG")" = 2 ] || lab_die "expected 2 NXDOMAIN"
grep -q 'status: REFUSED' "$LOG" || lab_die "no REFUSED"
grep -q 'IN	MX	10 mail.lab.test' "$LOG" || lab_die "no MX answer"
grep -q '10.77.1.53#5300(10.77.1.53) (TCP)' "$LOG" || lab_die "no TCP query"
lab_finish "$OUT"
