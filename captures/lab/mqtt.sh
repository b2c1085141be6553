#!/bin/bash
# MQTT: a real mosquitto broker (Debian 2.0) with a password file and an ACL, in
# a namespace of its own, driven over its loopback by mosquitto_pub/mosquitto_sub
# (MQTT 3.1.1 and 5). Broker on 127.0.0.20:1883, clients from 127.0.0.1xx.
# Only the namespace's lo is used.
#   mqtt-broker  sensor-sub subscribes sensors/# (QoS 2) and receives a QoS 0, 1
#                and 2 publish from sensor-pub (3.1.1), the same again in MQTT 5;
#                a wrong password, once per version (CONNACK 5 / reason code
#                0x87); a subscription to secret/plans that the ACL denies, once
#                per version (mosquitto 2.0.11 still grants it: its ACL applies
#                when messages are delivered); a 3.1.1 and an MQTT 5 client idle
#                with a 5 s keepalive (PINGREQ/PINGRESP)          -> mqtt-broker
#   mqtt-keepalive  two mosquitto_sub with a 5 s keepalive: idle-ok pings;
#                stalled is stopped (SIGSTOP) right after its SUBSCRIBE, the
#                broker closes it past 1.5 x 5 s ("exceeded timeout"), then it
#                is killed (its socket closes); idle-ok leaves with DISCONNECT
#                                                                -> mqtt-keepalive
# Usage: mqtt.sh SCENARIO
. "$(dirname "$0")/lib.sh"
SC=${1:?scenario}
lab_init "mqtt-$SC"
OUT="$LAB_OUT/$SC.pcap"
case "$SC" in mqtt-broker|mqtt-keepalive) ;; *) lab_die "unknown scenario $SC" ;; esac

lab_ns box
on box ip addr add 127.0.0.20/8 dev lo
on box ip addr add 127.0.0.101/8 dev lo
on box ip addr add 127.0.0.102/8 dev lo
on box ip addr add 127.0.0.103/8 dev lo

# Passwords hashed by mosquitto_passwd; alice may read and write sensors/#,
# alice is denied secret/#.
touch "$LAB_TMP/passwd"; chmod 600 "$LAB_TMP/passwd"
mosquitto_passwd -b "$LAB_TMP/passwd" alice alice-pw
mosquitto_passwd -b "$LAB_TMP/passwd" bob bob-pw
cat >"$LAB_TMP/acl" <<ACL
user alice
topic readwrite sensors/#
topic deny secret/#
user bob
topic readwrite sensors/#
topic write secret/#
ACL
cat >"$LAB_TMP/mosquitto.conf" <<CONF
listener 1883 127.0.0.20
allow_anonymous false
password_file $LAB_TMP/passwd
acl_file $LAB_TMP/acl
persistence false
# Stay root: the files above are in the lab's private temp dir.
user root
log_dest stdout
CONF
lab_bg box mosquitto /usr/sbin/mosquitto -c "$LAB_TMP/mosquitto.conf"
lab_wait_port box tcp 1883
lab_capture box lo "$OUT" "tcp port 1883"

B=(-h 127.0.0.20 -p 1883)
if [ "$SC" = mqtt-keepalive ]; then
    # Started without `on` (a function: its & would fork a subshell), so $!
    # is mosquitto_sub itself (ip netns exec execs it).
    ip netns exec "$(ns box)" mosquitto_sub "${B[@]}" -u alice -P alice-pw -t sensors/idle -k 5 \
        -A 127.0.0.101 -i idle-ok >/dev/null 2>&1 &
    ok=$!
    ip netns exec "$(ns box)" mosquitto_sub "${B[@]}" -u alice -P alice-pw -t sensors/idle -k 5 \
        -A 127.0.0.102 -i stalled >/dev/null 2>&1 &
    stalled=$!
    sleep 1
    [ "$(cat /proc/$stalled/comm)" = mosquitto_sub ] || lab_die "stalled is not mosquitto_sub"
    kill -STOP "$stalled"
    # The broker's close shows as the stopped client's socket in CLOSE-WAIT
    # (mosquitto's log to a file is buffered: no line to wait for).
    closed() { on box ss -Htn state close-wait src 127.0.0.102 | grep -q .; }
    for i in $(seq 200); do closed && break; sleep 0.1; done
    closed || lab_die "mosquitto kept the stalled client"
    kill -KILL "$stalled"
    sleep 1
    kill -TERM "$ok"   # mosquitto_sub sends DISCONNECT on SIGTERM
    wait "$ok" || true
    lab_finish "$OUT"
    exit 0
fi
for v in mqttv311 mqttv5; do
    # Subscriber first; it leaves after the three messages.
    on box mosquitto_sub "${B[@]}" -A 127.0.0.101 -V $v -i "sensor-sub-$v" -u alice -P alice-pw \
        -t 'sensors/#' -q 2 -C 3 -W 10 >"$LAB_TMP/sub-$v.log" 2>&1 &
    sub=$!
    sleep 0.5
    for q in 0 1 2; do
        on box mosquitto_pub "${B[@]}" -A 127.0.0.102 -V $v -i "sensor-pub-$v" -u bob -P bob-pw \
            -t "sensors/room1/temp" -q $q -m "21.$q"
    done
    wait "$sub" || lab_die "subscriber ($v) did not get its messages"
    # A wrong password: CONNACK 5 (3.1.1) / reason code 0x87 (5).
    on box mosquitto_pub "${B[@]}" -A 127.0.0.103 -V $v -i "intruder-$v" -u alice -P wrong \
        -t sensors/x -m x && lab_die "bad password accepted ($v)"
    # A topic the ACL denies (granted all the same by mosquitto 2.0.11).
    on box mosquitto_sub "${B[@]}" -A 127.0.0.103 -V $v -i "snoop-$v" -u alice -P alice-pw \
        -t 'secret/plans' -E -W 3 || true
done
# Idle clients: keepalive 5 s, pings at 5 s and 10 s.
on box mosquitto_sub "${B[@]}" -A 127.0.0.101 -V mqttv311 -i idle-311 -u alice -P alice-pw -t sensors/idle -k 5 -W 11 &
idle=$!
on box mosquitto_sub "${B[@]}" -A 127.0.0.102 -V mqttv5 -i idle-5 -u alice -P alice-pw -t sensors/idle -k 5 -W 11 || true
wait "$idle" || true
lab_finish "$OUT"
