#!/bin/bash
# Shared by the probe_*.sh and doctor_*.sh tests (sourced): a small office in
# network namespaces that the test creates and removes, even on failure.
#
#   cl  (client, 10.N.1.10/24 on cl0)  --bridge br0 in gw--  gw (10.N.1.1, router, dnsmasq)
#   other hosts (a rogue DHCP server, a host with the client's address) join br0
#   gw (10.N.2.1 on gs0) -- srv (10.N.2.2/24 on sg0, TCP listeners)
#
# Nothing is created in the host's namespace: every veth is made with both
# ends inside lab namespaces, whose names carry $$. Needs root and ip netns;
# otherwise the test is skipped (77).
set -u
: "${NETDX:?}"
[[ $(id -u) -eq 0 ]] || { echo "skip: needs root"; exit 77; }
command -v ip >/dev/null || { echo "skip: needs iproute2"; exit 77; }

LAB=ndx$$
N=$(( $$ % 200 + 20 ))
LAN=10.$N.1
SRVNET=10.$N.2
lab_tmp=$(mktemp -d)
lab_ns_list=()
lab_pids=()
lab_etc=()
fails=0

lab_cleanup() {
    for p in "${lab_pids[@]}"; do kill "$p" 2>/dev/null; done
    for f in "$lab_tmp"/*.pid; do [[ -f $f ]] && kill "$(cat "$f")" 2>/dev/null; done
    for ns in "${lab_ns_list[@]}"; do ip netns del "$ns" 2>/dev/null; done
    for d in "${lab_etc[@]}"; do rm -rf "$d"; done
    rm -rf "$lab_tmp"
}
trap lab_cleanup EXIT
trap 'exit 1' INT TERM

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
code_of() { sed -n "s/^ *$1 = \([0-9]*\),.*/\1/p" "$SOURCE_ROOT/src/core/exit_codes.hpp"; }
in_ns() { local ns=$LAB-$1; shift; ip netns exec "$ns" "$@"; }

lab_ns() {  # NAME
    local ns=$LAB-$1
    if ! ip netns add "$ns" 2>/dev/null; then
        [[ ${#lab_ns_list[@]} -eq 0 ]] && { echo "skip: cannot create a network namespace"; exit 77; }
        fail "cannot create namespace $ns"; exit 1
    fi
    lab_ns_list+=("$ns")
    # No IPv6: the only traffic is what the test and the probes send.
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n "$ns" link set lo up
}

lab_link() {  # NS1 IF1 NS2 IF2
    ip link add "$2" netns "$LAB-$1" type veth peer name "$4" netns "$LAB-$3" || { echo "skip: no veth support"; exit 77; }
}

# A host on the office LAN: its veth's other end is a port of br0 in gw.
lab_lan_host() {  # NAME IF ADDR/PREFIX [ip addr options...]
    local name=$1 dev=$2 addr=$3
    shift 3
    lab_ns "$name"
    lab_link "$name" "$dev" gw "p-$name"
    ip -n "$LAB-gw" link set "p-$name" master br0 up
    [[ $addr == none ]] || ip -n "$LAB-$name" addr add "$addr" dev "$dev" "$@"
    ip -n "$LAB-$name" link set "$dev" up
}

# The office: gw with the LAN bridge and the server link, srv behind it, the
# client cl on the LAN with a default route through gw. Extra arguments go to
# the client's `ip addr add` (e.g. valid_lft 3600 preferred_lft 3600 for a leased address).
lab_office() {
    lab_ns gw
    ip -n "$LAB-gw" link add br0 type bridge
    ip -n "$LAB-gw" addr add "$LAN.1/24" dev br0
    ip -n "$LAB-gw" link set br0 up
    in_ns gw sysctl -qw net.ipv4.ip_forward=1
    lab_ns srv
    lab_link gw gs0 srv sg0
    ip -n "$LAB-gw" addr add "$SRVNET.1/24" dev gs0
    ip -n "$LAB-gw" link set gs0 up
    ip -n "$LAB-srv" addr add "$SRVNET.2/24" dev sg0
    ip -n "$LAB-srv" link set sg0 up
    ip -n "$LAB-srv" route add default via "$SRVNET.1"
    lab_lan_host cl cl0 "$LAN.10/24" "$@"
    ip -n "$LAB-cl" route add default via "$LAN.1"
}

# dnsmasq inside a namespace, bound to one interface only; its pid file, leases
# and log live in the test's temporary folder.
lab_dnsmasq() {  # NAME NS IFACE dnsmasq-options...
    local name=$1 ns=$2 dev=$3
    shift 3
    command -v dnsmasq >/dev/null || { echo "skip: needs dnsmasq"; exit 77; }
    [[ -f $lab_tmp/$name.leases ]] || : >"$lab_tmp/$name.leases"  # a test may prepare leases
    in_ns "$ns" dnsmasq --conf-file=/dev/null --no-resolv --no-hosts --interface="$dev" --bind-interfaces \
        --except-interface=lo --pid-file="$lab_tmp/$name.pid" --dhcp-leasefile="$lab_tmp/$name.leases" \
        --log-facility="$lab_tmp/$name.log" --user=root --group=root "$@" ||
        { fail "dnsmasq $name did not start: $(tail -3 "$lab_tmp/$name.log" 2>/dev/null)"; return 1; }
}

# A TCP listener (python3, accepts and closes) in a namespace; waits until it listens.
lab_listen() {  # NS PORT
    # ip netns exec execs the program, so $! is the listener itself (a function would be a subshell).
    ip netns exec "$LAB-$1" python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(16)
while True:
    c, _ = s.accept(); c.close()
' "$2" &
    lab_pids+=($!)
    for _ in $(seq 50); do
        in_ns "$1" ss -ltn "sport = :$2" | grep -q LISTEN && return 0
        sleep 0.05
    done
    fail "listener on port $2 in $1 did not start"
}

# The DNS stub (tests/cli/dns_stub.py) on ADDR:53 in a namespace; waits until it is bound.
lab_dns_stub() {  # NS ADDR RULE...
    local ns=$1 addr=$2
    shift 2
    ip netns exec "$LAB-$ns" python3 "$SOURCE_ROOT/tests/cli/dns_stub.py" "$addr" 53 "$@" >"$lab_tmp/stub-$ns.out" &
    lab_pids+=($!)
    for _ in $(seq 100); do
        grep -q READY "$lab_tmp/stub-$ns.out" 2>/dev/null && return 0
        sleep 0.05
    done
    fail "DNS stub in $ns did not start"
}

# The client's resolv.conf as `ip netns exec` shows it (/etc/netns/NS/resolv.conf).
lab_resolv_conf() {  # NS lines...
    local ns=$1 dir=/etc/netns/$LAB-$1
    shift
    mkdir -p "$dir"
    lab_etc+=("$dir")
    printf '%s\n' "$@" >"$dir/resolv.conf"
}

# Runs netdx in the client namespace; output in $lab_tmp/NAME.out/.err, exit code in $rc.
netdx_in() {  # NS NAME args...
    local ns=$1 name=$2
    shift 2
    in_ns "$ns" timeout 60 "$NETDX" "$@" >"$lab_tmp/$name.out" 2>"$lab_tmp/$name.err"
    rc=$?
}

# Checks doctor's JSON: the check that failed, its status, and a finding id.
# Usage: expect_doctor NAME RC STOPPED_AT FINDING_ID [CHECK=STATUS...]
expect_doctor() {
    local name=$1 want_rc=$2 stopped=$3 finding=$4
    shift 4
    python3 - "$lab_tmp/$name.out" "$stopped" "$finding" "$@" <<'PY' || { fail "$name: $(cat "$lab_tmp/$name.err")"; return 1; }
import json, sys
doc = json.load(open(sys.argv[1]))
stopped, finding = sys.argv[2], sys.argv[3]
errors = []
got = doc["stopped_at"] or "none"
if got != stopped:
    errors.append(f"stopped at {got}, want {stopped}")
ids = [f["id"] for f in doc["findings"]]
if finding != "-" and finding not in ids:
    errors.append(f"no finding {finding} (have {ids})")
checks = {c["id"]: c for c in doc["checks"]}
for want in sys.argv[4:]:
    cid, status = want.split("=")
    if checks[cid]["status"] != status:
        errors.append(f"check {cid} is {checks[cid]['status']} ({checks[cid]['summary']}), want {status}")
if stopped != "none":
    order = [c["id"] for c in doc["checks"]]
    after = order[order.index(stopped) + 1:]
    bad = [c for c in after if checks[c]["status"] != "not_run"]
    if bad:
        errors.append(f"checks after {stopped} ran: {bad}")
    if finding != "-" and finding not in checks[stopped]["findings"]:
        errors.append(f"{finding} is not among the findings of check {stopped}: {checks[stopped]['findings']}")
if errors:
    print("; ".join(errors))
    for c in doc["checks"]:
        print(f"   {c['id']:<10} {c['status']:<8} {c['summary']}")
    sys.exit(1)
PY
    [[ $rc -eq $want_rc ]] || { fail "$name: exit $rc, want $want_rc"; return 1; }
    ok "$name: doctor stops at $stopped with $finding (exit $rc)"
}

lab_done() {
    [[ $fails -eq 0 ]] || { echo "$fails failure(s)"; exit 1; }
    echo "all checks passed"
}
