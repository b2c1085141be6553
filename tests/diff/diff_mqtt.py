#!/usr/bin/env python3
"""Differential test: netdx's MQTT packet view against tshark 4.0, with TCP
reassembly on both sides (tshark's default).

Frames compared: every frame either tool dissects as mqtt in the captures
given (default: captures/mqtt-*.pcap). A frame agrees when both show MQTT on
it, the Protocol and Info columns are equal, and so are these fields (all
occurrences, in order): FIELDS below (message type, header flags, length,
packet id, topic, CONNECT's protocol/version/keepalive/client id/user name,
CONNACK's flags and 3.1.1 return code or 5 reason code, SUBSCRIBE's requested
QoS, SUBACK's granted QoS or 5 reason code, 5 PUB*/DISCONNECT reason codes).
Every difference is printed. Fails when fewer than THRESHOLD % agree, or when
no frame is compared. Usage: diff_mqtt.py [-v] [FILE...].
"""
import sys

from diff_common import compare_captures, diff_args, has_protocol, project_captures, require_tshark, verdict

THRESHOLD = 99.0
FIELDS = ["mqtt.msgtype", "mqtt.hdrflags", "mqtt.len", "mqtt.msgid", "mqtt.topic", "mqtt.qos",
          "mqtt.proto_len", "mqtt.protoname", "mqtt.ver", "mqtt.conflags", "mqtt.kalive", "mqtt.clientid",
          "mqtt.username", "mqtt.conack.flags", "mqtt.conack.val", "mqtt.connack.reason_code", "mqtt.sub.qos",
          "mqtt.suback.qos", "mqtt.suback.reason_code", "mqtt.unsuback.reason_code", "mqtt.puback.reason_code",
          "mqtt.pubrec.reason_code", "mqtt.pubcomp.reason_code", "mqtt.disconnect.reason_code"]


def main():
    args = diff_args()
    require_tshark()
    files = args.files or project_captures("mqtt-*.pcap")
    compared, agree = compare_captures(files, FIELDS, lambda r: has_protocol(r, "mqtt"), "mqtt", args.v)
    return verdict(agree, len(compared), THRESHOLD, "mqtt")


if __name__ == "__main__":
    sys.exit(main())
