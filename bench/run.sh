#!/bin/bash
# Benchmarks netdx against tshark, tcpdump and a bare libpcap loop.
#   bench/run.sh                 generate (once, cached in bench/out/) and time a 1M-packet capture
#   bench/run.sh FILE            time on FILE
#   N=100000 bench/run.sh        another generated size
#   BUILD=build-x bench/run.sh   use another (release) build directory; default build/
# Extra options after FILE go to bench.py (--runs 5, --only "netdx packets,tshark").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${BUILD:-$root/build}
[[ $build = /* ]] || build=$root/$build
n=${N:-1000000}

if [[ ! -f $build/build.ninja ]]; then
    echo "bench: no build in $build (meson setup $build --buildtype=release)" >&2
    exit 1
fi
ninja -C "$build" netdx bench/pcap_loop >/dev/null

if [[ $# -ge 1 && $1 != -* ]]; then
    file=$1
    shift
else
    file=$here/out/bench-$n.pcap
    if [[ ! -f $file ]]; then
        mkdir -p "$here/out"
        echo "bench: generating $n packets into $file (about 30 s per million)" >&2
        # The generator reads its certs/ folder relative to itself.
        (cd "$here" && python3 gen_bench_pcap.py -n "$n" -o "$file.tmp") >&2
        mv "$file.tmp" "$file"
    fi
fi

exec python3 "$here/bench.py" "$file" --netdx "$build/netdx" --loop "$build/bench/pcap_loop" "$@"
