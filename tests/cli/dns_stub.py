#!/usr/bin/env python3
"""A tiny DNS responder for the probe tests (UDP only, python3 standard library).

  dns_stub.py ADDR PORT RULE...
RULE is NAME=ACTION with ACTION one of: A:1.2.3.4 (an A record), SERVFAIL,
REFUSED, NXDOMAIN, TXT:hex (a TXT string given as hex bytes, to send control
characters), DROP (no answer). Names not listed get NXDOMAIN. Writes READY
to stdout once the socket is bound.
"""
import socket
import struct
import sys

RCODES = {"SERVFAIL": 2, "NXDOMAIN": 3, "REFUSED": 5}


def qname(msg):
    labels, off = [], 12
    while msg[off]:
        n = msg[off]
        labels.append(msg[off + 1:off + 1 + n].decode("latin-1"))
        off += 1 + n
    return ".".join(labels).lower(), off + 5  # past the root label, type and class


def main():
    addr, port = sys.argv[1], int(sys.argv[2])
    rules = dict(r.split("=", 1) for r in sys.argv[3:])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    print("READY", flush=True)
    while True:
        msg, peer = s.recvfrom(4096)
        if len(msg) < 17:
            continue
        name, qend = qname(msg)
        action = rules.get(name, "NXDOMAIN")
        if action == "DROP":
            continue
        rcode, answer = RCODES.get(action, 0), b""
        if action.startswith("A:"):
            answer = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + socket.inet_aton(action[2:])
        elif action.startswith("TXT:"):
            txt = bytes.fromhex(action[4:])
            answer = b"\xc0\x0c" + struct.pack(">HHIH", 16, 1, 60, len(txt) + 1) + bytes([len(txt)]) + txt
        flags = 0x8180 | rcode
        header = msg[:2] + struct.pack(">HHHHH", flags, 1, 1 if answer else 0, 0, 0)
        s.sendto(header + msg[12:qend] + answer, peer)


if __name__ == "__main__":
    main()
