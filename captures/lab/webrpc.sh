#!/bin/bash
# XML-RPC and JSON-RPC over HTTP on the lo of a namespace of their own
# (127.0.0.30): Python's xmlrpc.server (SimpleXMLRPCServer) on 8000 and a
# JSON-RPC 2.0 server on http.server on 8080 (captures/lab/webrpc_peer.py),
# called by xmlrpc.client and http.client.
#   webrpc  XML-RPC: add, echo, system.listMethods, an echo of 20,000 bytes
#           each way (over netdx's 16 KiB body cap), a missing method and two
#           ZeroDivisionError (fault 1 each); JSON-RPC on one keep-alive
#           connection: add, a missing method (-32601), add with one param
#           (-32602), a batch of four (a result, -32601, a notification, a
#           result) and a lone notification (204)                -> webrpc
#   webrpc-slow  XML-RPC: add x3, sleep(0.01) x2 and sleep(0.4) x3; JSON-RPC on
#           one keep-alive connection: add x3 and sleep(0.3) x3   -> webrpc-slow
#   webrpc-bench  N (WEBRPC_CALLS, default 5000) XML-RPC calls and N JSON-RPC
#           calls, one in ten failing, for timing netdx; not committed
#                                                              -> webrpc-bench
# Usage: webrpc.sh webrpc|webrpc-slow|webrpc-bench
. "$(dirname "$0")/lib.sh"
SC=${1:?scenario}
lab_init "$SC"
OUT="$LAB_OUT/$SC.pcap"
case "$SC" in webrpc|webrpc-slow|webrpc-bench) ;; *) lab_die "unknown scenario $SC" ;; esac
PEER="$LAB_PY $LAB_DIR/webrpc_peer.py"
S=127.0.0.30

lab_ns box
on box ip addr add $S/8 dev lo
lab_bg box xmlrpc $PEER xmlrpc-serve $S 8000
lab_bg box jsonrpc $PEER jsonrpc-serve $S 8080
lab_wait_port box tcp 8000
lab_wait_port box tcp 8080
lab_capture box lo "$OUT" "tcp port 8000 or tcp port 8080"
if [ "$SC" = webrpc ]; then
    on box $PEER clients $S 8000 8080 >"$LAB_TMP/clients.log"
elif [ "$SC" = webrpc-slow ]; then
    on box $PEER slow-clients $S 8000 8080
else
    on box $PEER bench $S 8000 8080 "${WEBRPC_CALLS:-5000}"
fi
lab_finish "$OUT"
