#!/bin/bash
# Golden test of user rules ([user.NAME] in the rules config): the findings of
# tests/golden_user/http-5xx.toml on captures/http-5xx.pcap equal
# tests/golden_user/http-5xx.expect (id, severity, title from the template,
# hosts, evidence frames, total), the evidence frames are the frames tshark -Y
# selects with each rule's filter, the rule below its threshold raises nothing,
# and the findings are ordinary ones: JUnit, --fail-on, --finding, `netdx rules`.
# A bad user rule is exit 12 (BadConfig) with one line.
set -u
: "${NETDX:?}" "${CAPTURES:?}" "${SOURCE_ROOT:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
cap=$CAPTURES/http-5xx.pcap
cfg=$SOURCE_ROOT/tests/golden_user/http-5xx.toml
expect=$SOURCE_ROOT/tests/golden_user/http-5xx.expect
for f in "$cap" "$cfg" "$expect"; do [[ -f $f ]] || { echo "missing $f"; exit 1; }; done

"$NETDX" analyze --config "$cfg" "$cap" -T json >"$tmp/report.json" || fail "analyze: exit $?"
python3 - "$tmp/report.json" >"$tmp/got" <<'PY'
import json, sys
for f in json.load(open(sys.argv[1]))["findings"]:
    if f["id"].startswith("user."):
        print("\t".join([f["id"], f["severity"], f["title"], ",".join(f["hosts"]),
                         " ".join(map(str, f["evidence"]["frames"])), str(f["evidence"]["total"])]))
PY
if diff -u "$expect" "$tmp/got"; then echo "ok: findings equal the golden file"; else fail "findings differ from $expect"; fi

# the evidence is what tshark -Y selects with the rule's filter
for rule in 'user.server_errors|http.response.code >= 500' 'user.gets|http.request.method == "GET"'; do
    id=${rule%%|*} flt=${rule#*|}
    want=$(tshark -n -r "$cap" -Y "$flt" -T fields -e frame.number 2>/dev/null | head -32 | tr '\n' ' ' | sed 's/ $//')
    got=$(awk -F'\t' -v id="$id" '$1 == id { print $5 }' "$tmp/got")
    [[ -n $want && $got == "$want" ]] || fail "$id evidence [$got], tshark -Y [$want]"
done
grep -q '^user.syn_burst' "$tmp/got" && fail "user.syn_burst fired below its rate"

# ordinary findings: JUnit testcases, --fail-on, --finding with --evidence, netdx rules
"$NETDX" analyze --config "$cfg" "$cap" -T junit >"$tmp/junit.xml"
grep -q '<testcase classname="netdx.user" name="user.server_errors">' "$tmp/junit.xml" || fail "junit: no user.server_errors testcase"
grep -q '<testcase classname="netdx.user" name="user.syn_burst">' "$tmp/junit.xml" || fail "junit: no testcase for a rule that did not fire"
grep -q '<failure type="warning" message="Server error 502 from 10.77.1.10">' "$tmp/junit.xml" || fail "junit: no failure for user.server_errors"
"$NETDX" analyze --config "$cfg" "$cap" --fail-on warning >/dev/null; rc=$?
[[ $rc -eq 20 ]] || fail "--fail-on warning: exit $rc, want 20"
"$NETDX" analyze --config "$cfg" "$cap" --evidence "$tmp/ev.pcap" --finding user.server_errors >/dev/null 2>&1 || fail "--finding user.server_errors: exit $?"
n=$(tshark -n -r "$tmp/ev.pcap" 2>/dev/null | wc -l)
[[ $n -eq 16 ]] || fail "--evidence --finding user.server_errors wrote $n packets, want 16"
"$NETDX" rules --config "$cfg" >"$tmp/rules.txt"
for id in user.server_errors user.gets user.syn_burst; do grep -q "^$id " "$tmp/rules.txt" || fail "netdx rules lacks $id"; done
grep -q "^    filter  *= http.response.code >= 500$" "$tmp/rules.txt" || fail "netdx rules does not show the filter"

# a bad user rule: BadConfig, one line naming it
printf '[user.bad]\nfilter = "http.response.cod >= 500"\n' >"$tmp/bad.toml"
"$NETDX" analyze --config "$tmp/bad.toml" "$cap" >/dev/null 2>"$tmp/err"; rc=$?
[[ $rc -eq 12 && $(wc -l <"$tmp/err") -eq 1 ]] || fail "bad user rule: exit $rc, $(wc -l <"$tmp/err") lines"
grep -q 'user.bad: bad filter: unknown field "http.response.cod" at column 1; did you mean "http.response.code"?' "$tmp/err" ||
    fail "bad user rule message: $(cat "$tmp/err")"

# counts past what a 64-bit count holds are refused, not converted (the
# fuzzer found min_count = 4e20); so is a rate whose count over the window is
for body in 'min_count = 444444444444444444442.5' 'min_count = inf' 'min_rate = 1e11
window_s = 1e8'; do
    printf '[user.huge]\nfilter = "tcp"\n%s\n' "$body" >"$tmp/huge.toml"
    "$NETDX" analyze --config "$tmp/huge.toml" "$cap" >/dev/null 2>"$tmp/err"; rc=$?
    [[ $rc -eq 12 && $(wc -l <"$tmp/err") -eq 1 ]] && grep -q 'user.huge' "$tmp/err" ||
        fail "huge count ($body): exit $rc, $(cat "$tmp/err")"
done

[[ $fails -eq 0 ]] && echo "all passed"
exit $((fails > 0))
