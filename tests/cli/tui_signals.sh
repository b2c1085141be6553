#!/bin/bash
# The terminal is restored when netdx live ends by q, by Ctrl-C and by a crash
# signal: afterwards the shell in the pane reports the exit status and a sane
# tty (icanon and echo on). The capture is made here: a few UDP packets whose
# payload carries terminal escape sequences, which must never reach the screen raw.
set -u
. "$(dirname "$0")/tui_lib.sh"
tui_need
TMP=$(mktemp -d)
trap 'tui_stop; rm -rf "$TMP"' EXIT

python3 - "$TMP/esc.pcap" <<'PY'
import struct, sys
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
for i in range(7):
    payload = b"\x1b[2J\x1b]0;pwned\x07EVIL%d" % i
    udp = struct.pack("!HHHH", 40000 + i, 33333, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0,
                     bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2]))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    frame = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00" + ip + udp
    out.write(struct.pack("<IIII", 1700000000 + i, 0, len(frame), len(frame)) + frame)
PY
[ "$("$NETDX" packets -r "$TMP/esc.pcap" | wc -l)" -eq 7 ] || { echo "test capture not readable"; exit 1; }

# run_case KEYS|SIGNAL EXPECTED_STATUS
run_case() {
    tui_start_cmd 100 30 "stty sane; sh -c 'echo \$\$ > $TMP/pid; exec $NETDX live -r $TMP/esc.pcap'; echo \"[netdx exited \$?]\"; stty -a | tr ' ;' '\n\n' | grep -xE -- '-?(icanon|echo)' | tr '\n' ' '; echo '[tty]'"
    tui_wait "Packets: 7 " 15 || exit 1
    # Packet 1's detail: the payload shows as dots in the ASCII column, never as a control sequence.
    tui_keys Home Enter
    tui_wait "Frame 1: " || exit 1
    tui_keys End
    # Payload bytes 42..: ESC [2J ESC ]0;pwned BEL EVIL0, split over two dump rows.
    tui_wait '^0020  .*\.\[2J\.\]' || exit 1
    tui_screen | grep -q '^0030  .* 0;pwned\.EVIL0' || fail "payload not escaped in the dump"
    tui_screen | grep -q "^ netdx live" || fail "the header is gone: a raw escape cleared the screen?"
    case $1 in
        q) tui_keys q ;;
        C-c) tui_keys C-c ;;
        SEGV) kill -SEGV "$(cat "$TMP/pid")" ;;
    esac
    tui_wait "\[netdx exited $2\]" 10 || exit 1
    tui_wait "\[tty\]" 5 || exit 1
    tui_screen | grep -q "^icanon echo \[tty\]" || fail "terminal not restored after $1"
    tui_stop
}
run_case q 0
run_case C-c 0
run_case SEGV 139
echo "ok: terminal restored after q, Ctrl-C and SIGSEGV"
