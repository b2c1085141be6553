#!/usr/bin/env python3
"""Writes a pcap of N distinct TCP SYNs (one per source address/port), for the
flow table's memory bound: `python3 bench/gen_syn_flood.py -n 1000000 -o syn-1m.pcap`.
Output is not committed."""
import argparse
import struct


def checksum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=1000000)
    ap.add_argument("-o", required=True)
    a = ap.parse_args()
    eth = bytes.fromhex("000000000002000000000001") + b"\x08\x00"
    with open(a.o, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i in range(a.n):
            src = bytes([10, (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff])
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, i & 0xffff, 0, 64, 6, 0, src, bytes([192, 0, 2, 1]))
            ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
            tcp = struct.pack("!HHIIBBHHH", 1024 + (i % 60000), 80, i * 7919 & 0xffffffff, 0, 0x50, 0x02, 64240, 0, 0)
            pkt = eth + ip + tcp
            ts = i // 100000  # 100k SYNs per second of capture time
            f.write(struct.pack("<IIII", ts, (i % 100000) * 10, len(pkt), len(pkt)))
            f.write(pkt)


if __name__ == "__main__":
    main()
