#!/bin/bash
# netdx live on a public capture, driven through tmux like a person would:
# header count equals `netdx packets`, a flow row, the detail (tree and hex
# dump) of packet 1, the help overlay, the filter narrowing the list, the
# stats view, layout after resizes, and a clean quit.
set -u
. "$(dirname "$0")/tui_lib.sh"
tui_need
CAP="${CORPUS:?}/chrissanders__packets__http_espn.pcapng"
[ -f "$CAP" ] || { echo "FAIL: corpus capture absent: $CAP"; exit 1; }
trap tui_stop EXIT

total=$("$NETDX" packets -r "$CAP" | wc -l)
[ "$total" -gt 20 ] || { echo "unexpected capture size $total"; exit 1; }

tui_start 120 40 -r "$CAP"
tui_wait "END OF FILE" 30 || exit 1
tui_screen | grep -q "Packets: $total " || fail "header does not show 'Packets: $total'"
# Follow-tail: the last packet is on screen and selected.
tui_screen | grep -Eq "^ *$total +[0-9]+\.[0-9]{6} " || fail "last packet $total not listed"

# Detail of packet 1: Home selects it, Enter opens the detail.
len1=$("$NETDX" packets -r "$CAP" -c 1 -T fields -e frame.len)
tui_keys Home
tui_keys Enter
tui_wait "Frame 1: $len1 bytes on wire" || exit 1
read -r src dst sport dport < <("$NETDX" packets -r "$CAP" -c 1 -T fields -e ip.src -e ip.dst -e udp.srcport -e udp.dstport)
tui_screen | grep -q "^IPv4 (ip), 20 bytes" || fail "no IPv4 layer in the detail"
tui_screen | grep -q "Source address: $src  \[ip.src\]" || fail "no ip.src $src in the detail"
tui_keys End
# The hex dump's first row, as tcpdump -xx prints the same bytes.
hex=$(tcpdump -r "$CAP" -c 1 -xx 2>/dev/null | awk '/0x0000:/ {
    s = ""; n = 0
    for (i = 2; i <= NF; i++) { b1 = substr($i, 1, 2); b2 = substr($i, 3, 2)
        s = s (n == 8 ? " " : "") b1 " "; n++
        s = s (n == 8 ? " " : "") b2 " "; n++ }
    print "0000  " s; exit }')
[ -n "$hex" ] || { echo "tcpdump gave no hex"; exit 1; }
# Waits: End is a key press like any other, the redraw follows it.
tui_wait "${hex% }" || fail "hex row '$hex' not shown"
tui_keys Right
tui_wait "Frame 2: " || exit 1
tui_keys Escape
tui_wait "No\. +Time +Source" || exit 1

# A flow row: the first packet's endpoints and ports (a DNS query) on one UDP line.
tui_keys 2
tui_wait "Pkts A>B" || exit 1
# s cycles bytes, rate, packets, retransmissions, RTT, start: oldest first.
tui_keys s s s s s
tui_wait "sorted by start" || exit 1
tui_screen | grep "^UDP" | grep -F "$src" | grep -F "$dst" | grep -qw "$sport" ||
    fail "no flow row for $src:$sport <> $dst:$dport"
# Enter on a flow lists that flow's packets only.
tui_keys Enter
tui_wait "\[flow #[0-9]+\] [0-9]+ shown" || exit 1

# Help overlay, closed by any key.
tui_keys Escape 1 '?'
tui_wait "netdx live: keys" || exit 1
tui_screen | grep -q "display filter" || fail "help does not list the filter key"
tui_keys x
tui_wait_not "netdx live: keys" || exit 1

# `/` takes a display filter: the list narrows to the rows `netdx packets -Y`
# selects, and each of them is a SYN-ACK by its Info column.
SYNACK='tcp.flags.syn == 1 && tcp.flags.ack == 1'
want=$("$NETDX" packets -r "$CAP" -Y "$SYNACK" | wc -l)
[ "$want" -gt 0 ] && [ "$want" -lt "$total" ] || { echo "bad oracle count $want"; exit 1; }
tui_keys /
tui_keys -l "$SYNACK"
tui_keys Enter
tui_wait "\[filter: $SYNACK\] $want shown" || exit 1
rows=$(tui_screen | grep -Ec "^ *[0-9]+ +[0-9]+\.[0-9]{6} ")
[ "$rows" -eq "$want" ] || fail "filter shows $rows rows, expected $want"
tui_screen | grep -E "^ *[0-9]+ +[0-9]+\.[0-9]{6} " | grep -vq "SYN, ACK" && fail "a row without SYN, ACK passed the filter"
tui_keys Escape
tui_wait_not "\[filter:" || exit 1

# Stats: the TCP packet count of the hierarchy equals the packets with a TCP layer.
tcp=$("$NETDX" packets -r "$CAP" -T fields -e frame.protocols | grep -c ":tcp")
tui_keys 4
tui_wait "Protocol hierarchy" || exit 1
tui_screen | grep -Eq "^ +tcp +$tcp " || fail "stats do not show tcp with $tcp packets"
tui_screen | grep -q "Top talkers" || fail "no top talkers"
tui_keys 1

# Resize: smaller still lays out header and footer; too small shows a message.
tmx resize-window -t "$TUI_SESSION" -x 80 -y 24
# The header was already there before the resize: wait for the footer to move.
for _ in $(seq 100); do
    tui_screen | sed -n 24p | grep -q "?:help" && break
    sleep 0.1
done
[ "$(tui_screen | wc -l)" -eq 24 ] || fail "pane is not 24 lines"
tui_screen | sed -n 24p | grep -q "?:help" || fail "footer not on the last line after resize"
tui_screen | grep -q "^ netdx live" || fail "no header after resize"
tmx resize-window -t "$TUI_SESSION" -x 50 -y 10
tui_wait "Terminal too small \(50x10\)" || exit 1
tmx resize-window -t "$TUI_SESSION" -x 120 -y 40
tui_wait "Packets: $total " || exit 1

tui_keys q
tui_wait "\[netdx exited 0\]" || exit 1
echo "ok: $total packets, detail, flows, help, filter ($want), stats, resize"
