#!/usr/bin/env bash
# Every capture we have, in every output mode (summary, -V, -T json), must end
# with exit 0 or a documented bad-input code, never a crash (signal) or an
# internal error. Under an ASan/UBSan build a sanitizer report exits 1 and fails.
set -u
: "${NETDX:?}" "${CAPTURES:?}"
# Documented bad-input exit codes (src/core/exit_codes.hpp, README "Exit codes"):
# not a capture, truncated capture, unsupported link type, damaged capture.
ALLOWED=" 0 4 5 9 14 "

files=()
add_dir() {
    [ -d "$1" ] || return 0
    while IFS= read -r -d '' f; do files+=("$f"); done \
        < <(find "$1" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) -print0 | sort -z)
}
add_dir "$CAPTURES"
[ -d "${CORPUS:-}" ] || { echo "FAIL: reference corpus missing: ${CORPUS:-unset}"; exit 1; }
add_dir "$CORPUS"
if [ ${#files[@]} -eq 0 ]; then
    echo "SKIP: no capture to run"
    exit 77
fi

export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
fail=0 runs=0
for f in "${files[@]}"; do
    for mode in summary verbose json; do
        case $mode in
            summary) args=(packets -r "$f") ;;
            verbose) args=(packets -r "$f" -V) ;;
            json) args=(packets -r "$f" -T json) ;;
        esac
        "$NETDX" "${args[@]}" >/dev/null 2>/tmp/corpus_smoke.$$.err
        rc=$?
        runs=$((runs + 1))
        if [ $rc -gt 128 ]; then
            echo "CRASH: signal $((rc - 128)) on $mode $f"
            fail=1
        elif [[ "$ALLOWED" != *" $rc "* ]]; then
            echo "FAIL: exit $rc on $mode $f: $(head -c 2000 /tmp/corpus_smoke.$$.err)"
            fail=1
        elif [ $rc -ne 0 ]; then
            echo "note: exit $rc on $mode $(basename "$f"): $(head -n1 /tmp/corpus_smoke.$$.err)"
        fi
    done
done
rm -f /tmp/corpus_smoke.$$.err
echo "$runs runs over ${#files[@]} captures"
exit $fail
