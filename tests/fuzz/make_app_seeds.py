#!/usr/bin/env python3
"""Turns the TCP connections of captures into seeds for fuzz_app.cpp: each
connection to PORT becomes one input, its segments' payloads as chunks in
capture order (client data op 0, server data op 1), ending with a FIN.
tshark extracts the payloads; the seeds are committed, so only whoever
regenerates them needs it.
Usage: make_app_seeds.py OUT_DIR PORT CAPTURE... [--max-connections N]"""
import argparse
import collections
import os
import subprocess

END_FIN = 1  # EndReason::Fin, in bits 1-3 of the flags byte


def connections(capture, port):
    out = subprocess.run(
        ['tshark', '-n', '-r', capture, '-Y', f'tcp.port == {port} && tcp.len > 0', '-T', 'fields',
         '-e', 'tcp.stream', '-e', 'tcp.srcport', '-e', 'tcp.payload'],
        check=True, capture_output=True, text=True).stdout
    streams = collections.OrderedDict()
    for line in out.splitlines():
        stream, srcport, payload = (line.split('\t') + ['', '', ''])[:3]
        if not payload:
            continue
        from_server = int(srcport) == port
        streams.setdefault(stream, []).append((from_server, bytes.fromhex(payload.replace(':', ''))))
    return streams.values()


def seed(chunks):
    out = bytearray([END_FIN << 1])
    for from_server, data in chunks:
        for i in range(0, len(data), 0x3fff):
            part = data[i:i + 0x3fff]
            out += bytes([(len(part) >> 8) << 2 | (1 if from_server else 0), len(part) & 0xff]) + part
    return bytes(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out_dir')
    ap.add_argument('port', type=int)
    ap.add_argument('captures', nargs='+')
    ap.add_argument('--max-connections', type=int, default=8)
    a = ap.parse_args()
    os.makedirs(a.out_dir, exist_ok=True)
    for path in a.captures:
        name = os.path.splitext(os.path.basename(path))[0]
        for n, chunks in enumerate(list(connections(path, a.port))[:a.max_connections]):
            data = seed(chunks)
            if len(data) > 1 << 16:
                continue  # keep the committed seeds small
            with open(os.path.join(a.out_dir, f'{name}-{n}'), 'wb') as f:
                f.write(data)


if __name__ == '__main__':
    main()
