#!/usr/bin/env python3
"""Differential test: netdx's AMQP 0-9-1 packet view against tshark 4.0, with
TCP reassembly on both sides (tshark's default).

Frames compared: every frame either tool shows as AMQP (amqp in
frame.protocols, or AMQP in the Protocol column: tshark writes the columns of
a protocol header frame without an amqp tree) in the captures given (default:
captures/amqp-*.pcap). A frame agrees when the Protocol and Info columns are
equal, frame.protocols agree on amqp, and so are FIELDS (all occurrences, in
order: every frame of a segment). Every difference is printed. Fails when
fewer than THRESHOLD % agree, or when no frame is compared.
Usage: diff_amqp.py [-v] [FILE...].
"""
import sys

from diff_common import compare_captures, diff_args, has_protocol, project_captures, require_tshark, verdict

THRESHOLD = 99.0
FIELDS = ["amqp.type", "amqp.channel", "amqp.length", "amqp.method.class", "amqp.method.method",
          "amqp.method.arguments.version_major", "amqp.method.arguments.version_minor",
          "amqp.method.arguments.mechanism", "amqp.method.arguments.channel_max",
          "amqp.method.arguments.frame_max", "amqp.method.arguments.heartbeat",
          "amqp.method.arguments.virtual_host", "amqp.method.arguments.reply_code",
          "amqp.method.arguments.reply_text", "amqp.method.arguments.class_id",
          "amqp.method.arguments.method_id", "amqp.method.arguments.exchange", "amqp.method.arguments.type",
          "amqp.method.arguments.routing_key", "amqp.method.arguments.queue",
          "amqp.method.arguments.consumer_tag", "amqp.method.arguments.delivery_tag",
          "amqp.method.arguments.multiple", "amqp.method.arguments.requeue",
          "amqp.method.arguments.message_count", "amqp.method.arguments.consumer_count",
          "amqp.method.arguments.prefetch_count", "amqp.header.class", "amqp.header.weight",
          "amqp.header.body-size", "amqp.header.property-flags", "amqp.method.properties.content_type",
          "amqp.method.properties.delivery_mode"]


def is_amqp(row):
    return has_protocol(row, "amqp") or row[1] == "AMQP"


def main():
    args = diff_args()
    require_tshark()
    files = args.files or project_captures("amqp-*.pcap")
    compared, agree = compare_captures(files, FIELDS, is_amqp, "amqp", args.v, clip=90)
    return verdict(agree, len(compared), THRESHOLD, "amqp")


if __name__ == "__main__":
    sys.exit(main())
