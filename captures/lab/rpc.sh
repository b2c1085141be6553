#!/bin/bash
# ONC RPC: Debian's rpcbind 1.2 in a namespace of its own on 127.0.0.20, asked
# by rpcinfo (libtirpc) over UDP and TCP, plus captures/lab/rpc_peer.py for
# what no daemon here shows: a tiny NFS v3 / MOUNT v3 server on 2049 (the
# kernel's nfsd cannot run in this container) and calls rpcbind refuses.
# Only the namespace's lo is used.
#   rpc-portmap  rpcinfo -p (PMAP v2 DUMP over TCP) and rpcinfo (RPCBIND v4
#                DUMP); rpcinfo -u/-t on portmapper (answered), on versions
#                rpcbind does not serve (PROG_MISMATCH 2..4), on mount 3
#                (GETPORT then NULL to the peer); the peer's PMAP SETs; calls to
#                rpcbind for nlockmgr/status (PROG_UNAVAIL), procedure 99
#                (PROC_UNAVAIL), a cut GETPORT (answered port 0),
#                flavor 77 (AUTH_ERROR); to the peer a MOUNT MNT without
#                its path in three record fragments (GARBAGE_ARGS), NFS/MOUNT NULL
#                and EXPORT, and
#                an NFS GETATTR it never answers (6 s before a last
#                rpcinfo -u nfs 3)                                 -> rpc-portmap
#   rpc-slow     rpcbind stalled (SIGSTOP, then SIGCONT 0.5 s later) while
#                three rpcinfo -p (TCP) and one rpcinfo -u (UDP) wait: each
#                stalls the RPCBIND V4 GETADDR rpcinfo asks first; unstalled
#                rpcinfo -p, -t and -u around them give the round trip
#                                                                  -> rpc-slow
# Usage: rpc.sh SCENARIO
. "$(dirname "$0")/lib.sh"
SC=${1:?scenario}
lab_init "rpc-$SC"
OUT="$LAB_OUT/$SC.pcap"
case "$SC" in rpc-portmap|rpc-slow) ;; *) lab_die "unknown scenario $SC" ;; esac
PEER="$LAB_PY $LAB_DIR/rpc_peer.py"

lab_ns box
on box ip addr add 127.0.0.20/8 dev lo
mkdir -p /run/rpcbind
# -f: foreground; -w off: no state file from an earlier run.
lab_bg box rpcbind /usr/sbin/rpcbind -f
lab_wait_port box udp 111
lab_wait_port box tcp 111
lab_capture box lo "$OUT" "port 111 or port 2049"

S=127.0.0.20
if [ "$SC" = rpc-slow ]; then
    RPCBIND=""
    for p in $(ip netns pids "$(ns box)"); do
        [ "$(cat /proc/$p/comm 2>/dev/null)" = rpcbind ] && RPCBIND=$p
    done
    [ -n "$RPCBIND" ] || lab_die "no rpcbind pid"
    # stalled CMD...: the call waits while rpcbind is stopped (the kernel
    # still queues its datagram, or completes its TCP handshake).
    stalled() {
        kill -STOP "$RPCBIND"
        on box "$@" >/dev/null & local c=$!
        sleep 0.5
        kill -CONT "$RPCBIND"
        wait "$c" || lab_die "$* failed"
    }
    for i in 1 2; do
        on box rpcinfo -p $S >/dev/null
        on box rpcinfo -t $S portmapper 2 >/dev/null
        on box rpcinfo -u $S portmapper 2 >/dev/null
    done
    for i in 1 2 3; do stalled rpcinfo -p $S; on box rpcinfo -p $S >/dev/null; done
    stalled rpcinfo -u $S portmapper 2
    lab_finish "$OUT"
    exit 0
fi
on box rpcinfo -p $S >"$LAB_TMP/rpcinfo-p.log"
on box rpcinfo $S >"$LAB_TMP/rpcinfo.log"
on box rpcinfo -u $S portmapper 2
on box rpcinfo -t $S portmapper 4
on box rpcinfo -u $S portmapper 7 && lab_die "portmapper 7 answered"
on box rpcinfo -t $S portmapper 1 && lab_die "portmapper 1 answered"
lab_bg box peer $PEER serve $S
for i in $(seq 50); do grep -q serving "$LAB_TMP/peer.log" && break; sleep 0.1; done
grep -q serving "$LAB_TMP/peer.log" || lab_die "rpc_peer did not start"
on box rpcinfo -u $S mountd 3
on box rpcinfo -t $S nfs 3
on box $PEER errors $S
on box $PEER nfs $S
# The GETATTR left unanswered: over 5 s before the capture ends.
sleep 6
on box rpcinfo -u $S nfs 3
lab_finish "$OUT"
