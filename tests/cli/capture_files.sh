#!/bin/bash
# netdx capture's files: pcapng output (section header, interface description,
# one packet block per packet, statistics block with libpcap's counters at close),
# tshark's ring buffer (-b filesize/packets/duration/files and its file names),
# a full disk (small tmpfs). Traffic: pings between two network namespaces joined
# by a veth pair this test creates and removes. tshark and capinfos read the
# files as the reference (the test's tools, not netdx's). Needs root, else skip (77).
set -u
: "${NETDX:?}" "${SOURCE_ROOT:?}"
[[ $(id -u) -eq 0 ]] || { echo "skip: needs root"; exit 77; }
command -v ip >/dev/null && command -v ping >/dev/null || { echo "skip: needs ip and ping"; exit 77; }
for t in tshark capinfos mergecap; do
    command -v $t >/dev/null || { echo "FAIL: $t missing (scripts/packages.txt)"; exit 1; }
done

id=$$
ns_a=netdx-cf-$id-a
ns_b=netdx-cf-$id-b
veth_a=ndf${id}a
veth_b=ndf${id}b
net=10.253.$((id % 250))
tmp=$(mktemp -d)
# Run as root, netdx capture writes as nobody (tcpdump's default -Z).
chmod 1777 "$tmp"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    umount "$tmp/small" 2>/dev/null
    ip netns del "$ns_a" 2>/dev/null
    ip netns del "$ns_b" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if ! ip netns add "$ns_a" 2>/dev/null; then echo "skip: cannot create a network namespace"; exit 77; fi
ip netns add "$ns_b" || exit 1
ip link add "$veth_a" type veth peer name "$veth_b" || { echo "skip: no veth support"; exit 77; }
ip link set "$veth_a" netns "$ns_a" && ip link set "$veth_b" netns "$ns_b" || exit 1
for ns in "$ns_a" "$ns_b"; do
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n "$ns" link set lo up
done
ip -n "$ns_a" addr add "$net.1/30" dev "$veth_a" && ip -n "$ns_a" link set "$veth_a" up || exit 1
ip -n "$ns_b" addr add "$net.2/30" dev "$veth_b" && ip -n "$ns_b" link set "$veth_b" up || exit 1

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
code_of() { sed -n "s/^ *$1 = \([0-9]*\),.*/\1/p" "$SOURCE_ROOT/src/core/exit_codes.hpp"; }
in_a() { ip netns exec "$ns_a" "$@"; }
ping_b() { in_a ping -q -c "$1" -i "${2:-0.05}" -W 2 ${3:+-s "$3"} "$net.2" >/dev/null; }

start_capture() {  # NAME OUTPUT args...: background netdx capture, waits for its banner
    local name=$1 out=$2
    shift 2
    ip netns exec "$ns_a" "$NETDX" capture -i "$veth_a" -w "$out" "$@" 2>"$tmp/$name.err" &
    cap_pid=$!
    pids+=("$cap_pid")
    for _ in $(seq 100); do
        grep -q "listening on" "$tmp/$name.err" 2>/dev/null && return 0
        kill -0 "$cap_pid" 2>/dev/null || break
        sleep 0.05
    done
    fail "$name: no listening banner: $(cat "$tmp/$name.err")"
    return 1
}
finish() {  # waits (at most 10 s); exit code in $cap_rc
    for _ in $(seq 200); do
        kill -0 "$cap_pid" 2>/dev/null || break
        sleep 0.05
    done
    kill -0 "$cap_pid" 2>/dev/null && { fail "capture did not stop"; kill -9 "$cap_pid"; }
    wait "$cap_pid"
    cap_rc=$?
}
stat_line() { sed -n "s/^\([0-9]*\) $2\$/\1/p" "$tmp/$1.err"; }
# The file's blocks as tshark's file-pcapng dissector sees them: one tshark run,
# one column per field (occurrences joined by commas).
PC=pcapng.options.option.data
BLOCK_FIELDS=(pcapng.block.type $PC.interface.name pcapng.interface_description.link_type $PC.user_application
              $PC.interface.filter.string $PC.interface.delivered_to_user $PC.interface.accepted_by_filter
              $PC.interface.dropped_by_os $PC.interface.dropped $PC.start_time $PC.end_time)
read_blocks() {  # FILE -> $tmp/blocks, one line per field
    local args=()
    local x
    for x in "${BLOCK_FIELDS[@]}"; do args+=(-e "$x"); done
    tshark -r "$1" -X read_format:"MIME Files Format" -T fields -E occurrence=a "${args[@]}" 2>/dev/null |
        tr '\t' '\n' >"$tmp/blocks"
}
field() {  # NAME: the field's value(s) from the last read_blocks
    local i
    for i in "${!BLOCK_FIELDS[@]}"; do
        [[ ${BLOCK_FIELDS[$i]} == "$1" ]] && sed -n "$((i + 1))p" "$tmp/blocks"
    done
}
packets_in() { capinfos -M -c -T -r "$1" 2>/dev/null | cut -f2; }
# The type of a pcapng file's last block, read from its trailing length.
last_block_type() {
    local len
    len=$(tail -c 4 "$1" | od -An -tu4 | tr -d ' ')
    tail -c "$len" "$1" | head -c 4 | od -An -tx4 | tr -d ' '
}
tshark_quiet() {  # tshark -r FILE, failing on any complaint but its root warning
    tshark -r "$1" 2>"$tmp/tshark.err" >"$tmp/tshark.out"
    local rc=$?
    sed -i '/Running as user "root"/d' "$tmp/tshark.err"
    [[ $rc -eq 0 && ! -s $tmp/tshark.err ]]
}

# Checks a pcapng netdx wrote: blocks SHB, IDB, N EPB, ISB; the interface's name,
# link type, filter; the ISB counters equal to what netdx printed.
check_pcapng() {  # NAME FILE PACKETS FILTER
    local name=$1 f=$2 n=$3 filter=$4 before=$fails types
    [[ $(capinfos -t -M "$f" 2>/dev/null | sed -n 's/^File type: *//p') == *pcapng* ]] || fail "$name: capinfos: not pcapng"
    tshark_quiet "$f" || fail "$name: tshark: $(cat "$tmp/tshark.err")"
    [[ $(wc -l <"$tmp/tshark.out") -eq $n ]] || fail "$name: tshark reads $(wc -l <"$tmp/tshark.out") packets, want $n"
    read_blocks "$f"
    types=$(field pcapng.block.type)
    local want
    want="0x0a0d0d0a,0x00000001,$(yes 0x00000006 | head -n "$n" | tr '\n' ','),0x00000005"
    want=${want/,,/,}
    [[ $types == "$want" ]] || fail "$name: blocks: $types, want $want"
    [[ $(field $PC.interface.name) == "$veth_a" ]] || fail "$name: if_name not $veth_a"
    [[ $(field pcapng.interface_description.link_type) == 1 ]] || fail "$name: link type not Ethernet"
    [[ $(field $PC.user_application) == netdx ]] || fail "$name: shb_userappl not netdx"
    [[ -z $filter || $(field $PC.interface.filter.string) == "$filter" ]] || fail "$name: if_filter not $filter"
    local deliv accepted osdrop ifdrop
    deliv=$(field $PC.interface.delivered_to_user)
    accepted=$(field $PC.interface.accepted_by_filter)
    osdrop=$(field $PC.interface.dropped_by_os)
    ifdrop=$(field $PC.interface.dropped)
    [[ $deliv == "$n" && $deliv == "$(stat_line "$name" "packets captured")" ]] ||
        fail "$name: isb_usrdeliv $deliv, file $n, netdx says $(stat_line "$name" "packets captured")"
    [[ $accepted == "$(stat_line "$name" "packets received by filter")" && $accepted -ge $n ]] ||
        fail "$name: isb_filteraccept $accepted, netdx says $(stat_line "$name" "packets received by filter")"
    [[ $osdrop == "$(stat_line "$name" "packets dropped by kernel")" ]] || fail "$name: isb_osdrop $osdrop"
    [[ $ifdrop == "$(stat_line "$name" "packets dropped by interface")" ]] || fail "$name: isb_ifdrop $ifdrop"
    [[ -n $(field $PC.start_time) && -n $(field $PC.end_time) ]] || fail "$name: no isb_starttime/isb_endtime"
    "$NETDX" packets -r "$f" >"$tmp/own.txt" 2>&1 || fail "$name: netdx cannot read its own file: $(head -3 "$tmp/own.txt")"
    [[ $fails -eq $before ]] && echo "ok: $name: $n packets; SHB, IDB ($veth_a), $n EPB, ISB (usrdeliv $deliv, filteraccept $accepted, osdrop $osdrop, ifdrop $ifdrop)"
}

# 1. pcapng with -c and a filter: 3 requests, 3 replies.
if start_capture ng "$tmp/ng.pcapng" -F pcapng -c 6 -f icmp; then
    ping_b 3 || fail "ping failed"
    finish
    [[ $cap_rc -eq 0 ]] || fail "ng: exit $cap_rc: $(cat "$tmp/ng.err")"
    check_pcapng ng "$tmp/ng.pcapng" 6 icmp
    [[ $(tshark -r "$tmp/ng.pcapng" -Y "icmp.type == 8" 2>/dev/null | wc -l) -eq 3 ]] || fail "ng: not 3 echo requests"
fi

# 2. pcapng stopped by SIGTERM: the statistics block is still written.
if start_capture ngterm "$tmp/ngterm.pcapng" -F pcapng -f icmp; then
    ping_b 2 || fail "ping failed"
    sleep 0.3
    kill -TERM "$cap_pid"
    finish
    [[ $cap_rc -eq 0 ]] || fail "ngterm: exit $cap_rc: $(cat "$tmp/ngterm.err")"
    check_pcapng ngterm "$tmp/ngterm.pcapng" 4 icmp
fi

# 3. Ring buffer by size, every file kept: each file a complete pcapng; a file
#    is switched once it holds 1000 bytes (filesize:1 = 1 kB); together they hold
#    every packet captured, in order.
if start_capture ringsize "$tmp/ring.pcapng" -F pcapng -f icmp -b filesize:1 -c 40; then
    ping_b 20 0.02 || fail "ping failed"
    finish
    [[ $cap_rc -eq 0 ]] || fail "ringsize: exit $cap_rc: $(cat "$tmp/ringsize.err")"
    mapfile -t files < <(ls "$tmp"/ring_*.pcapng 2>/dev/null)
    before=$fails total=0 i=0
    [[ ${#files[@]} -ge 4 ]] || fail "ringsize: ${#files[@]} files, want >= 4"
    for f in "${files[@]}"; do
        i=$((i + 1))
        [[ $(basename "$f") =~ ^ring_$(printf %05d $i)_[0-9]{14}\.pcapng$ ]] || fail "ringsize: file $i named $(basename "$f")"
        n=$(packets_in "$f")
        total=$((total + n))
        size=$(stat -c %s "$f")
        # All but the last file reached 1000 bytes before the packet block that
        # followed; none went past it by more than one packet (~132 bytes) + ISB.
        if [[ $i -lt ${#files[@]} ]]; then
            [[ $size -ge 1000 && $size -lt 1400 ]] || fail "ringsize: $(basename "$f") is $size bytes"
        fi
        [[ $(last_block_type "$f") == 00000005 ]] || fail "ringsize: $(basename "$f") does not end with an ISB"
    done
    [[ $total -eq 40 && $(stat_line ringsize "packets captured") -eq 40 ]] || fail "ringsize: files hold $total packets, netdx says $(stat_line ringsize "packets captured")"
    [[ $(stat_line ringsize "files written") -eq ${#files[@]} ]] || fail "ringsize: says $(stat_line ringsize "files written") files"
    mergecap -a -w "$tmp/ring-all.pcapng" "${files[@]}" &&
        seqs=$(tshark -r "$tmp/ring-all.pcapng" -Y "icmp.type == 8" -T fields -e icmp.seq 2>/dev/null | tr '\n' ' ')
    [[ $seqs == "$(seq -s ' ' 1 20) " ]] || fail "ringsize: echo requests across the files: $seqs"
    [[ $fails -eq $before ]] && echo "ok: ringsize: ${#files[@]} files (tshark's names), 1000-1400 bytes each, 40 packets in order"
    rm -f "$tmp"/ring_*
fi

# 4. Ring buffer by packet count with files:2: the two newest files are kept.
if start_capture ringfiles "$tmp/keep.pcap" -f icmp -b packets:4 -b files:2 -c 10; then
    ping_b 5 || fail "ping failed"
    finish
    [[ $cap_rc -eq 0 ]] || fail "ringfiles: exit $cap_rc: $(cat "$tmp/ringfiles.err")"
    got=$(cd "$tmp" && for f in keep_*.pcap; do echo "${f:5:5}:$(packets_in "$f")"; done | tr '\n' ' ')
    [[ $got == "00002:4 00003:2 " ]] || fail "ringfiles: kept $got, want 00002:4 00003:2"
    [[ $(capinfos -t -M "$tmp"/keep_00003_*.pcap | sed -n 's/^File type: *//p') == *pcap* ]] || fail "ringfiles: not pcap"
    [[ $got == "00002:4 00003:2 " ]] && echo "ok: ringfiles: packets:4 files:2 kept $got"
fi

# 5. Ring buffer by duration: a new file every 0.5 s, also with no packet arriving.
if start_capture ringtime "$tmp/t.pcapng" -F pcapng -f icmp -b duration:0.5; then
    ping_b 8 0.2 || fail "ping failed"
    kill -INT "$cap_pid"
    finish
    n=$(ls "$tmp"/t_*.pcapng 2>/dev/null | wc -l)
    total=0
    for f in "$tmp"/t_*.pcapng; do total=$((total + $(packets_in "$f"))); done
    [[ $cap_rc -eq 0 && $n -ge 3 && $total -eq 16 ]] || fail "ringtime: exit $cap_rc, $n files, $total packets (want >= 3 files, 16 packets)"
    [[ $cap_rc -eq 0 && $n -ge 3 && $total -eq 16 ]] && echo "ok: ringtime: duration:0.5 over ~1.6 s -> $n files, $total packets"
fi

# 5b. Ring buffer by clock interval: a new file at every whole second of the
#     clock, whenever the capture started: the names' start times (seconds) of
#     the files after the first are consecutive seconds.
if start_capture ringint "$tmp/i.pcapng" -F pcapng -f icmp -b interval:1; then
    ping_b 12 0.2 || fail "ping failed"
    kill -INT "$cap_pid"
    finish
    mapfile -t files < <(ls "$tmp"/i_*.pcapng 2>/dev/null)
    n=${#files[@]}
    total=0
    for f in "${files[@]}"; do total=$((total + $(packets_in "$f"))); done
    steps=""
    for ((i = 2; i < n; i++)); do
        a=$(basename "${files[i-1]}" | sed -E 's/^i_[0-9]{5}_([0-9]{14})\.pcapng$/\1/')
        b=$(basename "${files[i]}" | sed -E 's/^i_[0-9]{5}_([0-9]{14})\.pcapng$/\1/')
        ta=$(date -d "${a:0:8} ${a:8:2}:${a:10:2}:${a:12:2}" +%s) tb=$(date -d "${b:0:8} ${b:8:2}:${b:10:2}:${b:12:2}" +%s)
        steps+="$((tb - ta)) "
    done
    [[ $cap_rc -eq 0 && $n -ge 3 && $total -eq 24 && $steps =~ ^(1 )+$ ]] ||
        fail "ringint: exit $cap_rc, $n files, $total packets, seconds between file starts '$steps' (want >= 3 files, 24 packets, all 1)"
    [[ $cap_rc -eq 0 && $n -ge 3 && $total -eq 24 && $steps =~ ^(1 )+$ ]] &&
        echo "ok: ringint: interval:1 -> $n files starting on consecutive seconds, $total packets"
fi

# 6. A full disk: a 16 kB tmpfs. netdx stops with WriteFailed and one line, and
#    the file ends after its last complete packet block (tshark reads it without
#    complaint); what netdx says it captured is what the file holds.
mkdir -p "$tmp/small"
if mount -t tmpfs -o size=16k tmpfs "$tmp/small" 2>/dev/null; then
    want=$(code_of WriteFailed)
    if start_capture full "$tmp/small/full.pcapng" -F pcapng -f icmp; then
        ping_b 40 0.02 1400
        finish
        f=$tmp/small/full.pcapng
        err=$(grep -c "No space left on device" "$tmp/full.err")
        n=$(packets_in "$f")
        tshark_quiet "$f"
        trc=$?
        [[ $cap_rc -eq $want && $err -eq 1 ]] || fail "full disk: exit $cap_rc (want $want): $(cat "$tmp/full.err")"
        [[ $trc -eq 0 ]] || fail "full disk: tshark on the file: $(cat "$tmp/tshark.err")"
        [[ $n -gt 0 && $n == "$(stat_line full "packets captured")" ]] || fail "full disk: file holds $n packets, netdx says $(stat_line full "packets captured")"
        [[ $cap_rc -eq $want && $trc -eq 0 && $n == "$(stat_line full "packets captured")" ]] &&
            echo "ok: full disk -> $cap_rc, file intact with $n packets: $(grep "No space" "$tmp/full.err")"
    fi
    umount "$tmp/small"
else
    echo "skip: full-disk check needs a tmpfs mount"
fi

# 7. Privileges: -Z nobody switches user once the device is open (the file is
#    created as nobody, no capability left); an ordinary user given
#    cap_net_raw,cap_net_admin by setcap captures and keeps no capability.
status_of() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s '\t ' ' '; }
if nobody=$(id -u nobody 2>/dev/null); then
    nogroup=$(id -g nobody)
    mkdir "$tmp/z" && chmod 1777 "$tmp/z"
    # Root without -Z switches to nobody as root with -Z nobody does (tcpdump's default).
    for zarg in "-Z nobody" ""; do
        what=${zarg:-"root without -Z"}
        rm -f "$tmp/z/z.pcapng"
        if start_capture zdrop "$tmp/z/z.pcapng" -F pcapng -f icmp $zarg; then
            uids=$(status_of "$cap_pid" Uid) gids=$(status_of "$cap_pid" Gid) capeff=$(status_of "$cap_pid" CapEff)
            capprm=$(status_of "$cap_pid" CapPrm) groups=$(status_of "$cap_pid" Groups)
            ping_b 2 || fail "ping failed"
            sleep 0.3
            kill -INT "$cap_pid"
            finish
            before=$fails
            [[ $uids == "$nobody $nobody $nobody $nobody" && $gids == "$nogroup $nogroup $nogroup $nogroup" ]] ||
                fail "$what: uids '$uids', gids '$gids'"
            [[ $capeff == 0000000000000000 && $capprm == 0000000000000000 ]] || fail "$what: CapEff $capeff CapPrm $capprm"
            [[ $groups != *" 0 "* && $groups != "0" && $groups != "0 "* ]] || fail "$what: still in group 0 ($groups)"
            [[ $cap_rc -eq 0 && $(stat -c %u "$tmp/z/z.pcapng") == "$nobody" && $(packets_in "$tmp/z/z.pcapng") -eq 4 ]] ||
                fail "$what: exit $cap_rc, file owner $(stat -c %U "$tmp/z/z.pcapng"), $(packets_in "$tmp/z/z.pcapng") packets: $(cat "$tmp/zdrop.err")"
            [[ $fails -eq $before ]] && echo "ok: $what: uid/gid $nobody/$nogroup, no capability, file owned by nobody, 4 packets"
        fi
    done
    # -Z root stays root; root's default into a folder only root may write: one line that says why.
    mkdir -m 700 "$tmp/private"
    if start_capture zroot "$tmp/private/r.pcap" -f icmp -Z root; then
        uids=$(status_of "$cap_pid" Uid)
        kill -INT "$cap_pid"
        finish
        [[ $uids == "0 0 0 0" && $cap_rc -eq 0 && -s $tmp/private/r.pcap ]] || fail "-Z root: uids '$uids', exit $cap_rc"
        [[ $uids == "0 0 0 0" && $cap_rc -eq 0 ]] && echo "ok: -Z root stays root"
    fi
    in_a "$NETDX" capture -i "$veth_a" -w "$tmp/private/d.pcap" -c 1 >/dev/null 2>"$tmp/zpriv.err"
    rc=$?
    [[ $rc -eq $(code_of WriteFailed) && $(wc -l <"$tmp/zpriv.err") -eq 1 && $(cat "$tmp/zpriv.err") == *"Permission denied"*"-Z root"* ]] ||
        fail "default nobody into a private folder: exit $rc: $(cat "$tmp/zpriv.err")"
    in_a "$NETDX" capture -i "$veth_a" -w "$tmp/z/x.pcap" -Z netdx-no-such-user >/dev/null 2>"$tmp/zbad.err"
    rc=$?
    [[ $rc -eq $(code_of PermissionDenied) && $(cat "$tmp/zbad.err") == *"no such user"* ]] ||
        fail "-Z unknown user: exit $rc: $(cat "$tmp/zbad.err")"
    # File capabilities, no root: a copy of the binary given the two capabilities.
    cp "$NETDX" "$tmp/z/netdx-caps" && chmod 755 "$tmp/z/netdx-caps"
    if command -v setcap >/dev/null && command -v setpriv >/dev/null &&
        setcap cap_net_raw,cap_net_admin=eip "$tmp/z/netdx-caps" 2>/dev/null; then
        ip netns exec "$ns_a" setpriv --reuid="$nobody" --regid="$nogroup" --clear-groups --inh-caps=-all \
            "$tmp/z/netdx-caps" capture -i "$veth_a" -w "$tmp/z/caps.pcap" -f icmp 2>"$tmp/caps.err" &
        cap_pid=$!
        pids+=("$cap_pid")
        for _ in $(seq 100); do grep -q "listening on" "$tmp/caps.err" 2>/dev/null && break; kill -0 "$cap_pid" 2>/dev/null || break; sleep 0.05; done
        # setpriv execs the binary, so $! is netdx.
        capeff=$(status_of "$cap_pid" CapEff) capprm=$(status_of "$cap_pid" CapPrm) uids=$(status_of "$cap_pid" Uid)
        ping_b 1 || fail "ping failed"
        sleep 0.3
        kill -INT "$cap_pid"
        finish
        before=$fails
        [[ $cap_rc -eq 0 && $(packets_in "$tmp/z/caps.pcap") -eq 2 ]] ||
            fail "setcap, as nobody: exit $cap_rc, $(packets_in "$tmp/z/caps.pcap") packets: $(cat "$tmp/caps.err")"
        [[ $uids == "$nobody $nobody $nobody $nobody" && $capeff == 0000000000000000 && $capprm == 0000000000000000 ]] ||
            fail "setcap, as nobody: uids '$uids', CapEff $capeff, CapPrm $capprm while capturing"
        [[ $fails -eq $before ]] && echo "ok: setcap'd binary as nobody: captures, then holds no capability"
    else
        echo "skip: file-capability check (no setcap/setpriv or no xattrs on $tmp)"
    fi
fi

# 8. Bad -b on the command line: Usage, before any capture.
usage=$(code_of Usage)
for args in "-b files:3" "-b nosuch:1" "-b filesize:x" "-w - -b filesize:10"; do
    # shellcheck disable=SC2086
    in_a "$NETDX" capture -i "$veth_a" -w "$tmp/u.pcap" $args >/dev/null 2>"$tmp/usage.err"
    rc=$?
    [[ $rc -eq $usage && $(wc -l <"$tmp/usage.err") -eq 1 ]] || fail "capture $args: exit $rc, want $usage: $(cat "$tmp/usage.err")"
done
echo "ok: bad -b values -> Usage"

[[ $fails -eq 0 ]] || { echo "$fails failure(s)"; exit 1; }
echo "all capture file checks passed"
