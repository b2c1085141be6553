#!/bin/bash
# Bad input on the command line gets its own exit code (src/core/exit_codes.hpp)
# and exactly one line on stderr; good input around it still works.
set -u
: "${NETDX:?}" "${SOURCE_ROOT:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

# Exit codes are read from the header so the test follows the enum.
code_of() {
    local v
    v=$(sed -n "s/^ *$1 = \([0-9]*\),.*/\1/p" "$SOURCE_ROOT/src/core/exit_codes.hpp")
    [[ -n $v ]] || { echo "no exit code $1 in exit_codes.hpp" >&2; exit 1; }
    echo "$v"
}

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect NAME DESCRIPTION -- command...: exit code NAME, one stderr line.
expect() {
    local want desc rc lines
    want=$(code_of "$1"); desc=$2; shift 3
    "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    rc=$?
    lines=$(wc -l <"$tmp/err")
    if [[ $rc -ne $want ]]; then fail "$desc: exit $rc, want $want ($(head -c 300 "$tmp/err"))"; return; fi
    if [[ $lines -ne 1 ]]; then fail "$desc: $lines stderr lines, want 1:"; cat "$tmp/err"; return; fi
    echo "ok: $desc -> $rc: $(cat "$tmp/err")"
}

# A small real capture: Ethernet/IPv4/UDP datagrams of 60 bytes each.
write_pcap() {  # FILE DLT COUNT
    python3 - "$@" <<'PY'
import struct, sys
path, dlt, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, dlt))
    for i in range(count):
        payload = bytes([0x41 + i]) * 10
        udp = struct.pack("!HHHH", 40000 + i, 53, 8 + len(payload), 0) + payload
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0,
                         bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])) + udp
        frame = bytes(range(1, 7)) + bytes(range(11, 17)) + b"\x08\x00" + ip
        frame += b"\x00" * (60 - len(frame))
        f.write(struct.pack("<IIII", 1700000000 + i, 1000 * i, len(frame), len(frame)) + frame)
PY
}

good=$tmp/good.pcap
write_pcap "$good" 1 5
"$NETDX" packets -r "$good" >"$tmp/good.txt" 2>"$tmp/good.err" || fail "good capture: exit $?"
[[ $(wc -l <"$tmp/good.txt") -eq 5 ]] || fail "good capture: want 5 lines, got $(wc -l <"$tmp/good.txt")"
[[ -s $tmp/good.err ]] && fail "good capture wrote to stderr: $(cat "$tmp/good.err")"

expect NoSuchFile "missing file" -- "$NETDX" packets -r "$tmp/does-not-exist.pcap"
expect NoSuchFile "directory given as capture" -- "$NETDX" packets -r "$tmp"
printf 'this is not a capture file, only some text\n' >"$tmp/text.pcap"
expect NotACapture "text file" -- "$NETDX" packets -r "$tmp/text.pcap"
: >"$tmp/empty.pcap"
expect NotACapture "empty file" -- "$NETDX" packets -r "$tmp/empty.pcap"
head -c 10 "$good" >"$tmp/header-cut.pcap"
expect TruncatedCapture "file header cut" -- "$NETDX" packets -r "$tmp/header-cut.pcap"

# Cut in the middle of the third record: the first two are printed, then the exit
# code says the file was cut.
head -c $((24 + 2 * (16 + 60) + 16 + 25)) "$good" >"$tmp/cut.pcap"
expect TruncatedCapture "capture cut in a record" -- "$NETDX" packets -r "$tmp/cut.pcap"
head -n 2 "$tmp/good.txt" | cmp -s - "$tmp/out" || { fail "cut capture: the 2 complete packets were not printed"; cat "$tmp/out"; }
# Cut inside the record header rather than its data.
head -c $((24 + 2 * (16 + 60) + 7)) "$good" >"$tmp/cut-hdr.pcap"
expect TruncatedCapture "capture cut in a record header" -- "$NETDX" packets -r "$tmp/cut-hdr.pcap"
head -n 2 "$tmp/good.txt" | cmp -s - "$tmp/out" || fail "cut record header: the 2 complete packets were not printed"

write_pcap "$tmp/dlt147.pcap" 147 2
expect UnsupportedLinkType "link type 147" -- "$NETDX" packets -r "$tmp/dlt147.pcap"
expect BadFilter "filter that does not compile" -- "$NETDX" packets -r "$good" -f "udp and and"
expect BadDisplayFilter "display filter that does not compile" -- "$NETDX" packets -r "$good" -Y "udp and and"
expect BadDisplayFilter "display filter naming an unknown field" -- "$NETDX" packets -r "$good" -Y "dns.qname == x"
expect Usage "bad -T" -- "$NETDX" packets -r "$good" -T bogus
expect Usage "unknown -e field" -- "$NETDX" packets -r "$good" -T fields -e no.such.field
expect Usage "-T fields without -e" -- "$NETDX" packets -r "$good" -T fields
expect Usage "unknown option" -- "$NETDX" packets -r "$good" --no-such-option
expect Usage "no source" -- "$NETDX" packets
expect Usage "-r and -i together" -- "$NETDX" packets -r "$good" -i lo
expect Usage "no subcommand" -- "$NETDX"
expect Usage "capture without -i" -- "$NETDX" capture -w "$tmp/x.pcap"
expect BadStatsSpec "-z with an unknown follow mode" -- "$NETDX" packets -q -r "$good" -z follow,tcp,octal,0
expect NoSuchStream "-z follow on a capture without TCP" -- "$NETDX" packets -q -r "$good" -z follow,tcp,ascii,0

if [[ $(id -u) -eq 0 ]]; then
    expect NoSuchInterface "unknown interface" -- "$NETDX" packets -i netdx-nosuch0 -c 1
    expect NoSuchInterface "capture on unknown interface" -- "$NETDX" capture -i netdx-nosuch0 -w "$tmp/x.pcap"
    # Opening lo only listens; nothing is sent.
    expect WriteFailed "capture to an unwritable path" -- "$NETDX" capture -i lo -w "$tmp/no/such/dir/x.pcap" -c 1
else
    echo "skip: interface checks need root"
fi

# -r - reads standard input and prints the same as the file.
"$NETDX" packets -r - <"$good" >"$tmp/stdin.txt" 2>"$tmp/stdin.err"
rc=$?
[[ $rc -eq 0 ]] || fail "-r -: exit $rc: $(cat "$tmp/stdin.err")"
cmp -s "$tmp/good.txt" "$tmp/stdin.txt" || fail "-r - differs from -r FILE"
"$NETDX" packets -r - <"$tmp/cut.pcap" >"$tmp/stdin-cut.txt" 2>/dev/null
rc=$?
[[ $rc -eq $(code_of TruncatedCapture) ]] || fail "-r - on a cut capture: exit $rc"
[[ $(wc -l <"$tmp/stdin-cut.txt") -eq 2 ]] || fail "-r - on a cut capture: want 2 lines"
expect NotACapture "empty standard input" -- bash -c '"$0" packets -r - </dev/null' "$NETDX"

# -c N stops after N packets.
"$NETDX" packets -r "$good" -c 3 >"$tmp/c3.txt" || fail "-c 3: exit $?"
head -n 3 "$tmp/good.txt" | cmp -s - "$tmp/c3.txt" || fail "-c 3 did not print the first 3 packets only"

# --help and --version succeed quietly on stderr.
for args in "--help" "--version" "packets --help" "capture --help"; do
    # shellcheck disable=SC2086
    "$NETDX" $args >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [[ $rc -eq 0 ]] || fail "netdx $args: exit $rc"
    [[ -s $tmp/out ]] || fail "netdx $args printed nothing"
    [[ -s $tmp/err ]] && fail "netdx $args wrote to stderr"
done
grep -q "^netdx [0-9]" <("$NETDX" --version) || fail "--version does not print 'netdx X.Y.Z'"

# A reader that goes away before the report is written (`| head`): a failed
# write with its exit code and one line, not an abort. The report is larger than
# a pipe's stdio buffer, so the write fails inside the report, not at the flush.
expect WriteFailed "analyze report into a closed pipe" -- bash -c '"$0" analyze "$1" | true; exit "${PIPESTATUS[0]}"' \
    "$NETDX" "$SOURCE_ROOT/captures/dns-problems.pcap"

[[ $fails -eq 0 ]] || { echo "$fails failure(s)"; exit 1; }
echo "all bad-input checks passed"
