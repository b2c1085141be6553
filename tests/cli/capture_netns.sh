#!/bin/bash
# Live capture end to end: two network namespaces joined by a veth pair that this
# test creates (and removes, even on failure); pings between them are the only
# traffic. Needs root and `ip netns`, otherwise skipped (77).
set -u
: "${NETDX:?}" "${SOURCE_ROOT:?}"
[[ $(id -u) -eq 0 ]] || { echo "skip: needs root"; exit 77; }
command -v ip >/dev/null && command -v ping >/dev/null || { echo "skip: needs ip and ping"; exit 77; }

id=$$
ns_a=netdx-test-$id-a
ns_b=netdx-test-$id-b
veth_a=ndx${id}a
veth_b=ndx${id}b
net=10.254.$((id % 250))
tmp=$(mktemp -d)
# Run as root, netdx capture writes as nobody (tcpdump's default -Z).
chmod 1777 "$tmp"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    # Deleting a namespace deletes the veth end inside it, and so its peer.
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
    # No IPv6 so the only packets on the link are the ones the test sends (and ARP).
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n "$ns" link set lo up
done
ip -n "$ns_a" addr add "$net.1/30" dev "$veth_a" && ip -n "$ns_a" link set "$veth_a" up || exit 1
ip -n "$ns_b" addr add "$net.2/30" dev "$veth_b" && ip -n "$ns_b" link set "$veth_b" up || exit 1

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
code_of() { sed -n "s/^ *$1 = \([0-9]*\),.*/\1/p" "$SOURCE_ROOT/src/core/exit_codes.hpp"; }
in_a() { ip netns exec "$ns_a" "$@"; }
ping_b() { in_a ping -q -c "$1" -i 0.2 -W 2 "$net.2" >/dev/null; }

# Starts `netdx capture` in the background and waits for its banner (printed once
# the handle is active and the filter applied, so no ping is missed).
start_capture() {  # NAME args...
    local name=$1
    shift
    # A plain command (no function, no timeout(1)) so that $! is netdx itself, which
    # `ip netns exec` execs, and signals reach it; finish() bounds the wait.
    ip netns exec "$ns_a" "$NETDX" capture -i "$veth_a" -w "$tmp/$name.pcap" "$@" 2>"$tmp/$name.err" &
    cap_pid=$!
    pids+=("$cap_pid")
    for _ in $(seq 100); do
        grep -q "listening on" "$tmp/$name.err" 2>/dev/null && return 0
        sleep 0.05
    done
    fail "$name: no listening banner: $(cat "$tmp/$name.err")"
    return 1
}

# Waits (at most 10 s) for the background capture; its exit code is in $cap_rc.
finish() {
    for _ in $(seq 200); do
        kill -0 "$cap_pid" 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$cap_pid" 2>/dev/null; then
        fail "capture did not stop"
        kill -9 "$cap_pid"
    fi
    wait "$cap_pid"
    cap_rc=$?
}

promiscuity() { ip -n "$ns_a" -d link show "$veth_a" | sed -n 's/.*promiscuity \([0-9]*\).*/\1/p'; }

# Checks the capture file and the end-of-capture statistics.
check_capture() {  # NAME RC MIN_REQUESTS EXACT_TOTAL(or empty)
    local name=$1 rc=$2 min=$3 exact=$4 f=$tmp/$1.pcap err=$tmp/$1.err before=$fails
    [[ $rc -eq 0 ]] || fail "$name: exit $rc: $(cat "$err")"
    for line in "packets captured" "packets received by filter" "packets dropped by kernel" \
                "packets dropped by interface"; do
        grep -Eq "^[0-9]+ $line\$" "$err" || fail "$name: no \"N $line\" line"
    done
    "$NETDX" packets -r "$f" >"$tmp/$name.txt" 2>&1 || fail "$name: netdx cannot read the file: $(head -3 "$tmp/$name.txt")"
    tcpdump -nn -r "$f" >"$tmp/$name.tcpdump" 2>/dev/null || fail "$name: tcpdump cannot read the file"
    local req rep td_req total captured
    req=$(grep -c "Echo (ping) request" "$tmp/$name.txt")
    rep=$(grep -c "Echo (ping) reply" "$tmp/$name.txt")
    td_req=$(grep -c "ICMP echo request" "$tmp/$name.tcpdump")
    total=$(wc -l <"$tmp/$name.txt")
    captured=$(sed -n 's/^\([0-9]*\) packets captured$/\1/p' "$err")
    [[ $req -ge $min && $rep -ge $min ]] || fail "$name: want >= $min echo requests and replies, got $req/$rep"
    [[ $td_req -eq $req ]] || fail "$name: tcpdump sees $td_req echo requests, netdx $req"
    [[ $captured == "$total" ]] || fail "$name: says $captured packets captured, file holds $total"
    [[ -z $exact || $total -eq $exact ]] || fail "$name: want exactly $exact packets, file holds $total"
    grep -q "$net.1 *→ *$net.2 .*ICMP" "$tmp/$name.txt" || fail "$name: no ICMP from $net.1 to $net.2 in the summary"
    [[ $fails -eq $before ]] && echo "ok: $name: $total packets ($req requests, $rep replies), exit $rc"
}

# 1. -c N with a filter: exactly the 3 requests and 3 replies.
if start_capture count -c 6 -f icmp; then
    ping_b 3 || fail "ping between the namespaces failed"
    finish
    check_capture count "$cap_rc" 3 6
fi

# 2. Stopped by SIGINT, then by SIGTERM, with no filter (ARP may be in the file too).
for sig in INT TERM; do
    if start_capture "sig$sig"; then
        [[ $(promiscuity) -ge 1 ]] || fail "sig$sig: interface not promiscuous while capturing"
        ping_b 2 || fail "ping between the namespaces failed"
        sleep 0.3
        kill -s "$sig" "$cap_pid"
        finish
        check_capture "sig$sig" "$cap_rc" 2 ""
    fi
done

# 3. -p leaves the interface out of promiscuous mode.
if start_capture nopromisc -p -c 2 -f icmp; then
    [[ $(promiscuity) -eq 0 ]] || fail "-p: interface is promiscuous ($(promiscuity))"
    ping_b 1 || fail "ping between the namespaces failed"
    finish
    check_capture nopromisc "$cap_rc" 1 2
fi

# 4. Live `netdx packets`: pings run until it has printed 4 ICMP packets.
in_a ping -q -c 100 -i 0.2 "$net.2" >/dev/null 2>&1 &
ping_pid=$!
pids+=("$ping_pid")
in_a timeout 20 "$NETDX" packets -i "$veth_a" -c 4 -f icmp >"$tmp/live.txt" 2>"$tmp/live.err"
rc=$?
kill "$ping_pid" 2>/dev/null
[[ $rc -eq 0 ]] || fail "live packets: exit $rc: $(cat "$tmp/live.err")"
[[ $(wc -l <"$tmp/live.txt") -eq 4 ]] || fail "live packets -c 4: $(wc -l <"$tmp/live.txt") lines"
[[ $(grep -c "ICMP .*Echo (ping)" "$tmp/live.txt") -eq 4 ]] || { fail "live packets: not 4 ICMP echo lines"; cat "$tmp/live.txt"; }
[[ $rc -eq 0 ]] && echo "ok: live packets -c 4 -f icmp"

# 4b. Every live reader gives up root once the interface is open: nobody by
#     default (tcpdump's), -Z root stays root. /proc shows the uid while it waits.
if nobody=$(id -u nobody 2>/dev/null); then
    for cmd in "packets" "flows" "dns" "analyze" "packets -Z root"; do
        # shellcheck disable=SC2086
        # Not through in_a: $! must be netdx itself (ip netns exec execs it).
        ip netns exec "$ns_a" "$NETDX" $cmd -i "$veth_a" -f "udp port 9" >/dev/null 2>"$tmp/z.err" &
        zpid=$!
        pids+=("$zpid")
        want=$nobody
        [[ $cmd == *"-Z root"* ]] && want=0
        uid=""
        # Ready once it catches SIGINT (SigCgt bit 1): a background job of a
        # script starts with SIGINT ignored, so an earlier signal would be lost.
        for _ in $(seq 100); do
            uid=$(sed -n 's/^Uid:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$zpid/status" 2>/dev/null)
            sigcgt=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$zpid/status" 2>/dev/null)
            [[ $uid == "$want" && -n $sigcgt ]] && (( 0x$sigcgt & 2 )) && break
            sleep 0.05
        done
        capeff=$(sed -n 's/^CapEff:[[:space:]]*//p' "/proc/$zpid/status" 2>/dev/null)
        kill -INT "$zpid" 2>/dev/null
        for _ in $(seq 100); do kill -0 "$zpid" 2>/dev/null || break; sleep 0.05; done
        kill -0 "$zpid" 2>/dev/null && { fail "live $cmd: still running 5 s after SIGINT"; kill -9 "$zpid"; }
        wait "$zpid" 2>/dev/null
        if [[ $want == 0 ]]; then
            [[ $uid == 0 ]] || fail "live $cmd: uid '$uid', want 0: $(cat "$tmp/z.err")"
        else
            [[ $uid == "$nobody" && $capeff == 0000000000000000 ]] ||
                fail "live $cmd as root: uid '$uid' CapEff '$capeff', want nobody and no capability: $(cat "$tmp/z.err")"
        fi
        [[ $uid == "$want" ]] && echo "ok: live $cmd -i as root -> uid $uid"
    done
fi

# 5. Without privileges: PermissionDenied and one line on stderr.
if command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
    want=$(code_of PermissionDenied)
    for cmd in "capture -w $tmp/nobody.pcap" "packets"; do
        # shellcheck disable=SC2086
        in_a setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups --inh-caps=-all \
            timeout 10 "$NETDX" $cmd -i "$veth_a" -c 1 >/dev/null 2>"$tmp/perm.err"
        rc=$?
        [[ $rc -eq $want ]] || fail "as nobody, $cmd: exit $rc, want $want: $(cat "$tmp/perm.err")"
        [[ $(wc -l <"$tmp/perm.err") -eq 1 ]] || fail "as nobody, $cmd: stderr is not one line"
        [[ $rc -eq $want ]] && echo "ok: as nobody, $cmd -> $rc: $(cat "$tmp/perm.err")"
    done
else
    echo "skip: permission check needs setpriv and user nobody"
fi

[[ $fails -eq 0 ]] || { echo "$fails failure(s)"; exit 1; }
echo "all live capture checks passed"
