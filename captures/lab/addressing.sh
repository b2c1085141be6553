#!/bin/bash
# Addressing faults on the office LAN. Usage: addressing.sh MODE, MODE one of
#  flip-flop: the address 10.77.1.60 moves between two hosts and back, as a
#             flapping failover pair does: ha1 (02:77:00:00:06:01) holds it and
#             announces it (arping -U), 40 s later ha2 (02:77:00:00:06:02) takes it
#             over, 40 s later ha1 again (moves further apart than the 30 s in
#             which two owners would be a duplicate address); pc1 (10.77.1.101)
#             pings it after each move. Writes captures/mac-flip-flop.pcap (~90 s).
#  ndp-dup:   IPv6 on the LAN: h6a (02:77:00:00:06:0a) has fd77:1::50; h6b
#             (02:77:00:00:06:0b) is then given the same address, and its duplicate
#             address detection is answered by h6a (kernel DAD, no tools).
#             Writes captures/ndp-duplicate.pcap.
. "$(dirname "$0")/lib.sh"
MODE=${1:?usage: addressing.sh flip-flop|ndp-dup}
case "$MODE" in
  flip-flop) OUT_NAME=mac-flip-flop ;;
  ndp-dup) OUT_NAME=ndp-duplicate ;;
  *) echo "unknown mode $MODE" >&2; exit 2 ;;
esac
lab_init "addr-$MODE"
OUT="$LAB_OUT/$OUT_NAME.pcap"

lab_switch
if [ "$MODE" = flip-flop ]; then
    lab_ns ha1 ha2 pc1
    lab_lan ha1 02:77:00:00:06:01
    lab_lan ha2 02:77:00:00:06:02
    lab_lan pc1 02:77:00:00:01:01
    on pc1 ip addr add 10.77.1.101/24 dev eth0
    on ha1 ip addr add 10.77.1.61/24 dev eth0
    on ha2 ip addr add 10.77.1.62/24 dev eth0
    lab_capture sw br0 "$OUT"
    # take ROLE: move the shared address to ROLE and announce it.
    take() {
        local from=$1 to=$2
        on "$from" ip addr del 10.77.1.60/24 dev eth0 2>/dev/null || true
        on "$to" ip addr add 10.77.1.60/24 dev eth0
        on "$to" arping -q -U -c 2 -I eth0 10.77.1.60 || true
    }
    take ha2 ha1
    on pc1 ping -c 3 -i 0.5 -W 1 10.77.1.60 >/dev/null || lab_die "ha1 does not answer"
    sleep 40
    take ha1 ha2
    on pc1 ping -c 3 -i 0.5 -W 1 10.77.1.60 >/dev/null || lab_die "ha2 does not answer"
    sleep 40
    take ha2 ha1
    on pc1 ping -c 3 -i 0.5 -W 1 10.77.1.60 >/dev/null || lab_die "ha1 does not answer again"
else
    lab_ns h6a h6b
    for r in h6a h6b; do
        on "$r" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0
    done
    lab_lan h6a 02:77:00:00:06:0a
    lab_lan h6b 02:77:00:00:06:0b
    for r in h6a h6b; do on "$r" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=0 net.ipv6.conf.eth0.dad_transmits=1; done
    lab_capture sw br0 "$OUT"
    on h6a ip -6 addr add fd77:1::50/64 dev eth0
    sleep 2.5  # h6a's own DAD completes: the address is valid there
    on h6a ip -6 addr show dev eth0 | grep -q 'fd77:1::50.*tentative' && lab_die "h6a's address stayed tentative"
    on h6b ip -6 addr add fd77:1::50/64 dev eth0
    sleep 2.5
    on h6b ip -6 addr show dev eth0 | grep -q 'fd77:1::50.*dadfailed' || lab_die "h6b's DAD did not fail"
fi
lab_finish "$OUT"
