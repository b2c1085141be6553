#!/bin/bash
# AMQP 0-9-1: a real rabbitmq-server (Debian 3.10, Erlang 25) in a namespace of
# its own, driven over its loopback by amqp_client.py (Debian's pika 1.2).
# Broker on 127.0.0.20:5672, one user (alice) on vhost "/", clients ask for a
# 2 s heartbeat. Only the namespace's lo is used (epmd and the Erlang
# distribution port too).
#   amqp-healthy  a publisher with confirms (10 messages, each acked), idle 5 s
#                 with heartbeats both ways, a consumer acking the ten
#                 deliveries                                          -> amqp-healthy
#   amqp-errors   a wrong password (connection.close 403), an unknown vhost
#                 (530), a confirmed publish to a missing exchange (channel
#                 close 404), a queue redeclared with other arguments (406),
#                 publishes over a full reject-publish queue (two nacked), a
#                 basic.reject, a client that stops sending heartbeats (the
#                 broker drops it after 6 s of silence)               -> amqp-errors
# Usage: amqp.sh SCENARIO
. "$(dirname "$0")/lib.sh"
SC=${1:?scenario}
lab_init "$SC"
OUT="$LAB_OUT/$SC.pcap"
case $SC in amqp-healthy) step=healthy ;; amqp-errors) step=errors ;; *) lab_die "unknown scenario $SC" ;; esac

lab_ns box
on box ip addr add 127.0.0.20/8 dev lo

R="$LAB_TMP/rabbitmq"; mkdir -p "$R"
cat >"$R/rabbitmq.conf" <<CONF
listeners.tcp.1 = 127.0.0.20:5672
loopback_users = none
default_user = alice
default_pass = alice-pw
default_vhost = /
log.console = true
log.file = false
CONF
echo "[]." >"$R/enabled_plugins"
# The broker runs as root with everything under the lab's temp dir; the
# Erlang cookie goes to HOME.
lab_bg box rabbitmq env HOME="$R" RABBITMQ_NODENAME=rabbit@localhost RABBITMQ_CONFIG_FILE="$R/rabbitmq" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$R/enabled_plugins" RABBITMQ_MNESIA_BASE="$R/mnesia" \
    RABBITMQ_LOG_BASE="$R/log" RABBITMQ_PID_FILE="$R/pid" ERL_EPMD_ADDRESS=127.0.0.1 \
    /usr/lib/rabbitmq/bin/rabbitmq-server
# Erlang takes its time: up to 60 s.
for _ in $(seq 600); do
    on box ss -Hlnt "sport = :5672" 2>/dev/null | grep -q . && break
    sleep 0.1
done
on box ss -Hlnt "sport = :5672" | grep -q . || lab_die "rabbitmq did not listen (log: $LAB_TMP/rabbitmq.log)"
lab_capture box lo "$OUT" "tcp port 5672"
on box "$LAB_PY" "$LAB_DIR/amqp_client.py" "$step" 127.0.0.20 alice alice-pw || lab_die "client failed"
# Under load the capture lags the traffic: let it drain before it is stopped.
sleep 2
lab_finish "$OUT"
