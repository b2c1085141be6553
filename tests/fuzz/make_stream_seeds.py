#!/usr/bin/env python3
"""Turns captures into seeds for fuzz_stream.cpp: the first packets of each
capture as records (time step, link type, length, bytes).
Usage: make_stream_seeds.py OUT_DIR CAPTURE... [--max-packets N]"""
import argparse
import os
import struct


def read_pcap(path):
    """Yields (linktype, ts_seconds, bytes) of a classic pcap file."""
    with open(path, 'rb') as f:
        head = f.read(24)
        magic = struct.unpack('<I', head[:4])[0]
        if magic in (0xa1b2c3d4, 0xa1b23c4d):
            order = '<'
        elif magic in (0xd4c3b2a1, 0x4d3cb2a1):
            order = '>'
        else:
            raise ValueError(f'{path}: not a classic pcap file')
        nano = magic in (0xa1b23c4d, 0x4d3cb2a1)
        linktype = struct.unpack(order + 'I', head[20:24])[0] & 0x0fffffff
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            sec, frac, incl, _orig = struct.unpack(order + 'IIII', rec)
            data = f.read(incl)
            yield linktype, sec + frac / (1e9 if nano else 1e6), data


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out_dir')
    ap.add_argument('captures', nargs='+')
    ap.add_argument('--max-packets', type=int, default=120)
    a = ap.parse_args()
    os.makedirs(a.out_dir, exist_ok=True)
    for path in a.captures:
        out = bytearray()
        prev = None
        for i, (lt, ts, data) in enumerate(read_pcap(path)):
            if i >= a.max_packets:
                break
            step = 0 if prev is None else min(255, max(0, round((ts - prev) / 0.037)))
            prev = ts
            data = data[:0xffff]
            out += struct.pack('>BBH', step, lt if lt < 256 else 0, len(data)) + data
        name = os.path.splitext(os.path.basename(path))[0]
        with open(os.path.join(a.out_dir, name), 'wb') as f:
            f.write(out)


if __name__ == '__main__':
    main()
