#!/bin/bash
# Live-capture drops (issue 14): tcpdump, netdx capture and netdx analyze -i on
# one end of a veth pair while tcpreplay feeds the other end at several rates.
# Run as root. Everything happens in two network namespaces this script creates
# (and removes on exit); no other interface is touched, no traffic leaves them.
#   bench/live_drops.sh                 generate (once, bench/out/) a 200,000-packet capture
#   bench/live_drops.sh FILE            replay FILE
#   RATES="50000 topspeed" BUF_KIB=4096 BUILD=build-x bench/live_drops.sh
# Per run: sent = tcpreplay's successful packets; veth drop = the receiving
# veth's rx_dropped (packets the kernel never handed to any socket);
# captured = packets in the file (capinfos) or analyzed (JSON summary);
# unaccounted = sent - veth drop - captured - reported kernel drops, i.e. loss
# the tool did not report (0 is honest). "tcpdump --imm" is tcpdump with
# --immediate-mode, the mode netdx opens live sources in.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${BUILD:-$root/build}
[[ $build = /* ]] || build=$root/$build
netdx=$build/netdx
rates=${RATES:-"50000 100000 200000 topspeed"}
buf_kib=${BUF_KIB:-2048}

[[ $(id -u) -eq 0 ]] || { echo "live_drops: run as root" >&2; exit 1; }
for t in tcpdump tcpreplay capinfos ip python3; do
    command -v "$t" >/dev/null || { echo "live_drops: $t not found" >&2; exit 1; }
done
[[ -x $netdx ]] || { echo "live_drops: no $netdx (build first)" >&2; exit 1; }

if [[ $# -ge 1 ]]; then
    file=$1
else
    file=$here/out/live-200000.pcap
    if [[ ! -f $file ]]; then
        mkdir -p "$here/out"
        echo "live_drops: generating 200000 packets into $file" >&2
        (cd "$here" && python3 gen_bench_pcap.py -n 200000 --seed 1 -o "$file.tmp") >&2
        mv "$file.tmp" "$file"
    fi
fi
[[ -f $file ]] || { echo "live_drops: no file $file" >&2; exit 1; }

# Names unique to this run (interface names stay under 15 characters).
ns_tx=ndxdrops-tx-$$
ns_rx=ndxdrops-rx-$$
if_tx=ndxdt$$
if_rx=ndxdr$$
tmp=$(mktemp -d /tmp/live_drops.XXXXXX)
cap_pid=
cleanup() {
    [[ -n $cap_pid ]] && kill "$cap_pid" 2>/dev/null || true
    ip netns del "$ns_tx" 2>/dev/null || true
    ip netns del "$ns_rx" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$ns_tx"
ip netns add "$ns_rx"
ip link add "$if_tx" netns "$ns_tx" type veth peer name "$if_rx" netns "$ns_rx"
for pair in "$ns_tx $if_tx" "$ns_rx $if_rx"; do
    set -- $pair
    # No addresses and no IPv6: the only frames on the link are the replayed ones.
    ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1"
    ip -n "$1" link set "$2" up
done
ip -n "$ns_rx" link set lo up

rx_dropped() { ip netns exec "$ns_rx" cat "/sys/class/net/$if_rx/statistics/rx_dropped"; }

# One run: $1 = rate (pps number or topspeed), $2 = tool label. Prints a table row.
run_one() {
    local rate=$1 tool=$2 out=$tmp/out err=$tmp/err rep=$tmp/replay ready
    rm -f "$out" "$err" "$rep"
    case $tool in
    tcpdump) ip netns exec "$ns_rx" tcpdump -i "$if_rx" -B "$buf_kib" -Z root -w "$out" 2>"$err" & ready="listening on" ;;
    # netdx opens live sources in immediate mode: this row tells that setting apart from the rest.
    "tcpdump --imm") ip netns exec "$ns_rx" tcpdump --immediate-mode -i "$if_rx" -B "$buf_kib" -Z root -w "$out" 2>"$err" & ready="listening on" ;;
    "netdx capture") ip netns exec "$ns_rx" "$netdx" capture -i "$if_rx" -B "$buf_kib" -Z root -w "$out" 2>"$err" & ready="listening on" ;;
    "netdx analyze") ip netns exec "$ns_rx" "$netdx" analyze -i "$if_rx" -B "$buf_kib" -Z root -T json >"$out" 2>"$err" & ready="capturing on" ;;
    esac
    cap_pid=$!
    for _ in $(seq 100); do grep -q "$ready" "$err" 2>/dev/null && break; sleep 0.05; done
    grep -q "$ready" "$err" || { echo "live_drops: $tool did not start:" >&2; cat "$err" >&2; exit 1; }
    local drop0; drop0=$(rx_dropped)
    local speed=--topspeed
    [[ $rate = topspeed ]] || speed=--pps=$rate
    ip netns exec "$ns_tx" tcpreplay -i "$if_tx" "$speed" "$file" >"$rep" 2>&1
    sleep 1
    kill -INT "$cap_pid"
    wait "$cap_pid" || true
    cap_pid=
    local vdrop=$(( $(rx_dropped) - drop0 ))
    local sent pps captured kdrop
    sent=$(sed -n 's/.*Successful packets: *\([0-9]*\).*/\1/p' "$rep")
    pps=$(sed -n 's/.*Rated:.* \([0-9.]*\) pps.*/\1/p' "$rep" | head -1)
    if [[ $tool = "netdx analyze" ]]; then
        captured=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["packets"])' "$out")
    else
        captured=$(capinfos -c -M "$out" | sed -n 's/.*Number of packets: *\([0-9]*\).*/\1/p')
    fi
    kdrop=$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$err" | tail -1)
    local unacc
    if [[ -n $kdrop ]]; then
        unacc=$(( sent - vdrop - captured - kdrop ))
    else
        kdrop="n/a"
        unacc=$(( sent - vdrop - captured ))
    fi
    printf '| %-8s | %-13s | %7s | %8s | %9s | %8s | %12s | %11s |\n' \
        "$rate" "$tool" "$sent" "${pps%.*}" "$vdrop" "$captured" "$kdrop" "$unacc"
    rm -f "$out"
}

echo "live_drops: $(date -u '+%Y-%m-%d %H:%M UTC'), $(basename "$file") ($(capinfos -c -M "$file" | sed -n 's/.*Number of packets: *//p') packets), -B $buf_kib KiB for every tool, kernel $(uname -r)"
printf '| %-8s | %-13s | %7s | %8s | %9s | %8s | %12s | %11s |\n' rate tool sent "real pps" "veth drop" captured "kernel drops" unaccounted
echo '|----------|---------------|---------|----------|-----------|----------|--------------|-------------|'
for rate in $rates; do
    for tool in tcpdump "tcpdump --imm" "netdx capture" "netdx analyze"; do
        run_one "$rate" "$tool"
    done
done
