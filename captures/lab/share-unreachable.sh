#!/bin/bash
# Scenario 5: file and printer shares unreachable. On the office LAN:
#  - files 10.77.1.10 serves SMB (a socat listener on 445/139): pc2's
#    connections work, for contrast;
#  - files2 10.77.1.11 is up but its smbd is stopped: SYNs to 445 and 139 get RST;
#  - printer 10.77.1.20 drops everything to 631 and 9100 (nftables drop):
#    SYNs retransmitted, never answered;
#  - printer2 10.77.1.21 rejects 9100 with ICMP port unreachable (nft reject);
#  - printer3 10.77.2.30 in the server room is switched off: the gateway
#    answers pc1's SYNs with ICMP host unreachable.
. "$(dirname "$0")/lib.sh"
lab_init share-unreachable
OUT="$LAB_OUT/share-unreachable.pcap"

lab_office files files2 printer printer2 pc1 pc2
lab_office_dc
lab_host files    02:77:00:00:00:10 10.77.1.10
lab_host files2   02:77:00:00:00:11 10.77.1.11
lab_host printer  02:77:00:00:00:20 10.77.1.20
lab_host printer2 02:77:00:00:00:21 10.77.1.21
lab_host pc1      02:77:00:00:01:01 10.77.1.101
lab_host pc2      02:77:00:00:01:02 10.77.1.102
for p in 445 139; do
    lab_bg files "smb$p" socat "TCP-LISTEN:$p,fork,reuseaddr" SYSTEM:'head -c 64 >/dev/null'
done
lab_wait_port files tcp 445
on printer nft -f - <<NFT
table inet f {
    chain input {
        type filter hook input priority 0;
        tcp dport { 631, 9100 } drop
    }
}
NFT
on printer2 nft -f - <<NFT
table inet f {
    chain input {
        type filter hook input priority 0;
        tcp dport 9100 reject with icmp type port-unreachable
    }
}
NFT

lab_capture sw br0 "$OUT"

conn() {
    local t=${4:-3}
    on "$1" timeout $((t + 2)) socat -u OPEN:/dev/null "TCP:$2:$3,connect-timeout=$t" >>"$LAB_TMP/conn-$1.log" 2>&1 || true
}
conn pc2 10.77.1.10 445
conn pc2 10.77.1.10 139
conn pc1 10.77.1.11 445
conn pc1 10.77.1.11 139
conn pc1 10.77.1.20 9100
lab_curl pc1 --connect-timeout 3 http://10.77.1.20:631/printers/
conn pc1 10.77.1.21 9100
conn pc1 10.77.2.30 9100 6

grep -q 'Connection refused' "$LAB_TMP/conn-pc1.log" || lab_die "no refused connection"
grep -q -i 'No route to host' "$LAB_TMP/conn-pc1.log" || lab_die "no host unreachable"
[ ! -s "$LAB_TMP/conn-pc2.log" ] || lab_die "pc2 failed: $(cat "$LAB_TMP/conn-pc2.log")"
lab_finish "$OUT"
