#!/bin/bash
# Scenario 7: slow internet. Usage: slow-internet.sh link|zero-window|mtu-blackhole|bufferbloat
#  link:          linkemu.py on the uplink adds 60 ms +0..20 ms each way, loses 3%
#                 of TCP data frames and holds back 5% by 40 ms (reordering);
#                 pc1 downloads http://www.example.net/big (200 KB).
#                 Captured on the office LAN.
#  zero-window:   pc1 fetches the 200 KB file from the LAN server 10.77.1.10 with
#                 a 2 KB receive buffer, reading 1 KB every 250 ms: the server
#                 fills its window, pc1 advertises zero windows, the server
#                 probes; pc1 gives up after 20 KB. Captured on the office LAN.
#  mtu-blackhole: linkemu.py drops every IPv4 packet longer than 1400 bytes with
#                 DF set and sends no ICMP fragmentation-needed. pc1's download of
#                 /big stalls: the server's full-size segments vanish and it
#                 retransmits them. Captured at the server (isp eth0; the client
#                 appears as the NAT address 198.51.100.2).
#  bufferbloat:   linkemu.py serialises the uplink at 1 Mbit/s behind a 2 s
#                 queue, plus 20 ms each way. pc1's download of /big fills the
#                 queue: the server's data waits longer and longer, its RTT
#                 grows from ~40 ms to several hundred. The server uses Reno
#                 (Cubic's HyStart would leave slow start as soon as the delay
#                 grows, and a 200 KB download would end before Cubic fills
#                 the queue as longer transfers do). Captured at the server
#                 (isp eth0; the client is the NAT address 198.51.100.2).
. "$(dirname "$0")/lib.sh"
MODE=${1:?usage: slow-internet.sh link|zero-window|mtu-blackhole|bufferbloat}
lab_init "slow-$MODE"
case "$MODE" in
  link) OUT="$LAB_OUT/slow-internet.pcap" ;;
  zero-window) OUT="$LAB_OUT/zero-window.pcap" ;;
  mtu-blackhole) OUT="$LAB_OUT/mtu-blackhole.pcap" ;;
  bufferbloat) OUT="$LAB_OUT/rising-rtt.pcap" ;;
  *) lab_die "unknown mode $MODE" ;;
esac

lab_office dns srv pc1
lab_host dns 02:77:00:00:00:53 10.77.1.53
lab_host srv 02:77:00:00:00:10 10.77.1.10
lab_host pc1 02:77:00:00:01:01 10.77.1.101
case "$MODE" in
  link) lab_wan_emu --delay 60 --jitter 20 --loss 3 --reorder 5 --reorder-delay 40 ;;
  mtu-blackhole) lab_wan_emu --mtu 1400 ;;
  bufferbloat) lab_wan_emu --delay 20 --rate 1000 --queue-ms 2000 ;;
  *) lab_wan_bridge ;;
esac
lab_isp_named "www IN A 203.0.113.80"
hosts=$(lab_hosts_file lan "10.77.1.10 files.lab.test")
lab_dnsmasq dns dns --interface=eth0 --bind-interfaces --domain=lab.test --local=/lab.test/ \
    --addn-hosts="$hosts" --server=/example.net/198.51.100.53
lab_wait_port dns udp 53
lab_web isp internet
lab_web srv files

case "$MODE" in
  link)
    lab_capture sw br0 "$OUT"
    lab_curl pc1 --max-time 20 http://www.example.net/big
    [ ! -s "$LAB_TMP/curl-pc1.log" ] || lab_die "download failed: $(cat "$LAB_TMP/curl-pc1.log")"
    ;;
  zero-window)
    lab_capture sw br0 "$OUT"
    on pc1 "$LAB_PY" "$LAB_DIR/slowreader.py" 10.77.1.10 80 /big --limit 20000 >"$LAB_TMP/slowreader.log" 2>&1
    ;;
  mtu-blackhole)
    lab_capture isp eth0 "$OUT"
    lab_curl pc1 --max-time 8 http://www.example.net/big
    grep -q -i 'timed out' "$LAB_TMP/curl-pc1.log" || lab_die "download did not stall"
    ;;
  bufferbloat)
    on isp sysctl -qw net.ipv4.tcp_congestion_control=reno
    lab_capture isp eth0 "$OUT"
    lab_curl pc1 --max-time 20 http://www.example.net/big
    [ ! -s "$LAB_TMP/curl-pc1.log" ] || lab_die "download failed: $(cat "$LAB_TMP/curl-pc1.log")"
    ;;
esac
lab_finish "$OUT"
