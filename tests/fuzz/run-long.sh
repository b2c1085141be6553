#!/bin/bash
# Runs every libFuzzer target of a fuzz build for RUNS executions each (or
# SECONDS each, whichever ends first), P targets at a time, and prints one line
# per target: executions, coverage (edges), features, corpus size, seconds,
# and whether it found a crash. Crash inputs land in OUT/crashes/TARGET/; add
# them to the target's seed directory as regression inputs once fixed.
#
#   CXX=clang++ meson setup build-fuzz -Dfuzz=true -Dbuildtype=release
#   ninja -C build-fuzz $(tests/fuzz/run-long.sh --targets)
#   tests/fuzz/run-long.sh build-fuzz 10000000 [SECONDS] [P] [OUT]
#
# The corpus grows in OUT/corpus/TARGET/ (kept between runs: a second run
# continues where the first stopped).
set -u
here=$(cd "$(dirname "$0")" && pwd)
apps="http tls ssh smtp ftp telnet pop3 imap resp memcache mqtt amqp rpc"

seeds_of() {
    case $1 in
        fuzz-decode) echo "$here/seeds" ;;
        fuzz-stream) echo "$here/stream_seeds" ;;
        fuzz-reader) echo "$here/reader_seeds" ;;
        fuzz-filter) echo "$here/filter_seeds" ;;
        fuzz-rules-config) echo "$here/rules_config_seeds" ;;
        fuzz-app-*) echo "$here/app_seeds/${1#fuzz-app-}" ;;
    esac
}

targets() {
    for t in decode stream reader filter rules-config; do echo tests/fuzz/fuzz-$t; done
    for a in $apps; do echo tests/fuzz/fuzz-app-$a; done
}

if [ "${1:-}" = --targets ]; then targets | tr '\n' ' '; echo; exit 0; fi
if [ $# -lt 2 ]; then
    echo "usage: $0 BUILD_DIR RUNS [SECONDS] [PARALLEL] [OUT]  |  $0 --targets" >&2
    exit 2
fi
build=$1 runs=$2 seconds=${3:-86400} parallel=${4:-1} out=${5:-fuzz-out}
only=${FUZZ_TARGETS:-}
mkdir -p "$out/logs" "$out/corpus" "$out/crashes"

run_one() {
    local t=$1 name
    name=$(basename "$t")
    mkdir -p "$out/corpus/$name" "$out/crashes/$name"
    local start=$SECONDS
    # -entropic=0: the entropic scheduler's bookkeeping took half the time of
    # the stream target. Leak checks only at exit (an input that allocates
    # more than it frees is normal for caches that warm up).
    ASAN_OPTIONS=${ASAN_OPTIONS:-max_malloc_fill_size=0:detect_leaks=0} \
        "$build/$t" -runs="$runs" -max_total_time="$seconds" -entropic=0 -print_final_stats=1 \
        -artifact_prefix="$out/crashes/$name/" -rss_limit_mb=4096 \
        "$out/corpus/$name" "$(seeds_of "$name")" > "$out/logs/$name.log" 2>&1
    local rc=$? took=$((SECONDS - start))
    local execs cov ft corp
    execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$out/logs/$name.log" | tail -1 | awk '{print $2}')
    cov=$(grep -o 'cov: [0-9]*' "$out/logs/$name.log" | tail -1 | awk '{print $2}')
    ft=$(grep -o 'ft: [0-9]*' "$out/logs/$name.log" | tail -1 | awk '{print $2}')
    corp=$(ls "$out/corpus/$name" | wc -l)
    local verdict=clean
    [ "$rc" -ne 0 ] && verdict="CRASH (rc=$rc, see $out/logs/$name.log)"
    printf '%-22s executions=%-10s cov=%-6s ft=%-7s corpus=%-6s seconds=%-6s %s\n' \
        "$name" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$corp" "$took" "$verdict"
    [ "$rc" -eq 0 ]
}
export -f run_one seeds_of
export build runs seconds out here

status=0
targets | while read -r t; do
    [ -n "$only" ] && ! grep -qw "$(basename "$t")" <<< "$only" && continue
    echo "$t"
done | xargs -P "$parallel" -I{} bash -c 'run_one {}' || status=1
exit $status
