#!/usr/bin/env python3
"""Differential test: netdx's ONC RPC packet view against tshark 4.0, with TCP
reassembly on both sides (tshark's default).

Frames compared: every frame either tool dissects as rpc in the captures
given (default: captures/rpc-*.pcap). A frame agrees when both show RPC on
it, the Protocol column is equal, tshark's Info column starts with netdx's
(netdx writes "V3 NULL Call" / "V3 NULL Reply (Call In 12)"; tshark adds the
program's own details, e.g. "Port:2049", which netdx does not read), and so
are these fields (all occurrences, in order): FIELDS below. tshark repeats
rpc.programversion when the program's dissector adds its own copy; repeated
values in a row count once on both sides. Exact Info equality is counted
apart. Every difference is printed. Fails when fewer than THRESHOLD % agree,
or when no frame is compared. Usage: diff_rpc.py [-v] [FILE...].
"""
import sys

from diff_common import compare_captures, diff_args, has_protocol, project_captures, require_tshark, verdict

THRESHOLD = 99.0
FIELDS = ["rpc.xid", "rpc.msgtyp", "rpc.version", "rpc.program", "rpc.programversion", "rpc.procedure",
          "rpc.repframe", "rpc.replystat", "rpc.state_accept", "rpc.state_reject", "rpc.state_auth",
          "rpc.programversion.min", "rpc.programversion.max", "rpc.version.min", "rpc.version.max",
          "rpc.auth.flavor"]
COLLAPSE = {"rpc.programversion"}


def collapse(value):
    out = []
    for v in value.split(","):
        if not out or out[-1] != v:
            out.append(v)
    return ",".join(out)


def same(name, a, b):
    if name in COLLAPSE:
        a, b = collapse(a), collapse(b)
    return a.startswith(b) and b != "" if name == "Info" else a == b


def main():
    args = diff_args()
    require_tshark()
    files = args.files or project_captures("rpc-*.pcap")
    compared, agree = compare_captures(files, FIELDS, lambda r: has_protocol(r, "rpc"), "rpc", args.v, same=same)
    exact_info = sum(tr[2] == nr[2] for _, tr, nr in compared)
    return verdict(agree, len(compared), THRESHOLD, "rpc", f"; Info identical on {exact_info}/{len(compared)}")


if __name__ == "__main__":
    sys.exit(main())
