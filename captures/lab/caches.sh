#!/bin/bash
# Caches: a real redis-server (Debian 7.0) and a real memcached (Debian 1.6) in a
# namespace of their own, driven over its loopback by cache_client.py (raw
# sockets, so pipelining, inline commands and failing commands are exactly as
# written there). Servers on 127.0.0.10 (redis) and 127.0.0.11 (memcached), the
# client from 127.0.0.101. Only the namespace's lo is used.
#   redis-healthy     RESP2 session with pipelined batches (25 SET, 25 GET), lists,
#                     MGET with a nil, inline PING/EXISTS, a 100 kB value; then a
#                     RESP3 session (HELLO 3: maps, sets, null, double)  -> redis-healthy
#   redis-errors      requirepass: GET before AUTH (-NOAUTH x5 over two clients),
#                     a wrong password (-WRONGPASS), WRONGTYPE x2, unknown commands
#                     x3 (one inline), wrong arity                        -> redis-errors
#   redis-slow        SET/GET pairs with DEBUG SLEEP 0.25 every fifth step -> redis-slow
#   memcached-hits    8 keys set, 30 single gets + one 4-key get (10 hits,
#                     24 misses), add/replace refused, incr/decr, deletes  -> memcached-hits
#   memcached-errors  unknown commands (ERROR x3), CLIENT_ERROR x2, values over
#                     the 64 KiB item limit (SERVER_ERROR x3)             -> memcached-errors
# Usage: caches.sh SCENARIO
. "$(dirname "$0")/lib.sh"
SC=${1:?scenario}
lab_init "cache-$SC"
OUT="$LAB_OUT/$SC.pcap"

lab_ns box
on box ip addr add 127.0.0.10/8 dev lo
on box ip addr add 127.0.0.11/8 dev lo
on box ip addr add 127.0.0.101/8 dev lo
pw=""
case $SC in
redis-*)
    args=(--bind 127.0.0.10 --port 6379 --save '' --appendonly no --daemonize no --dir "$LAB_TMP"
          --enable-debug-command yes --protected-mode no)
    [ "$SC" = redis-errors ] && { pw=lab-secret; args+=(--requirepass "$pw"); }
    lab_bg box redis /usr/bin/redis-server "${args[@]}"
    lab_wait_port box tcp 6379
    host=127.0.0.10 port=6379 ;;
memcached-*)
    lab_bg box memcached /usr/bin/memcached -u nobody -l 127.0.0.11 -p 11211 -U 0 -m 16 -I 64k -o slab_chunk_max=16384
    lab_wait_port box tcp 11211
    host=127.0.0.11 port=11211 ;;
*) lab_die "unknown scenario $SC" ;;
esac
lab_capture box lo "$OUT" "tcp port $port"
on box "$LAB_PY" "$LAB_DIR/cache_client.py" "$SC" "$host" "$port" $pw || lab_die "client failed"
lab_finish "$OUT"
