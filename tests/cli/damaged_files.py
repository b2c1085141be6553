#!/usr/bin/env python3
"""Damaged capture files: netdx reads every packet before the damage, prints
them, then one error line naming the byte offset, and exits TruncatedCapture
(file ends inside a record) or DamagedCapture (a record or block that cannot be
right, corrupt compressed data). Files are built here, small, so the whole
test runs in a few seconds: pcap and pcapng, cut at several offsets (inside a
header, inside data, inside a compressed stream) and corrupted (impossible
lengths, a block whose closing length differs, an unknown interface, corrupt
gzip/zstd data). The expected packets are computed from the file's own layout,
and the output before the error must equal the undamaged file's first lines."""
import gzip
import os
import struct
import subprocess
import sys
import tempfile

from exit_codes import exit_code

NETDX = os.environ.get("NETDX", "build/netdx")

TRUNC, DAMAGED = exit_code("TruncatedCapture"), exit_code("DamagedCapture")
WRITE_FAILED = exit_code("WriteFailed")


def frame(i):
    payload = bytes([0x41 + i % 26]) * (10 + i)
    udp = struct.pack("!HHHH", 40000 + i, 53, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0,
                     bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])) + udp
    return bytes(range(1, 7)) + bytes(range(11, 17)) + b"\x08\x00" + ip


N = 8


def pcap():
    """The file and the offset where each record starts (plus the end)."""
    out = bytearray(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    starts = []
    for i in range(N):
        starts.append(len(out))
        f = frame(i)
        out += struct.pack("<IIII", 1700000000 + i, 1000 * i, len(f), len(f)) + f
    return bytes(out), starts + [len(out)]


def block(btype, body):
    body += b"\0" * (-len(body) % 4)
    return struct.pack("<II", btype, len(body) + 12) + body + struct.pack("<I", len(body) + 12)


def pcapng():
    out = bytearray(block(0x0a0d0d0a, struct.pack("<IHHq", 0x1a2b3c4d, 1, 0, -1)))
    out += block(1, struct.pack("<HHI", 1, 0, 65535) + struct.pack("<HHB3x", 9, 1, 9) + struct.pack("<HH", 0, 0))
    starts = []
    for i in range(N):
        starts.append(len(out))
        f = frame(i)
        ts = (1700000000 + i) * 10**9 + 1000 * i
        out += block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xffffffff, len(f), len(f)) + f)
    return bytes(out), starts + [len(out)]


def two_linktypes():
    """A pcapng whose interface 0 is Ethernet and interface 1 raw IP (as
    mergecap writes), packets alternating between them."""
    out = bytearray(block(0x0a0d0d0a, struct.pack("<IHHq", 0x1a2b3c4d, 1, 0, -1)))
    out += block(1, struct.pack("<HHI", 1, 0, 65535))
    out += block(1, struct.pack("<HHI", 101, 0, 65535))
    for i in range(N):
        f = frame(i) if i % 2 == 0 else frame(i)[14:]
        ts = (1700000000 + i) * 10**6
        out += block(6, struct.pack("<IIIII", i % 2, ts >> 32, ts & 0xffffffff, len(f), len(f)) + f)
    return bytes(out)


fails = 0
checks = 0


def fail(msg):
    global fails
    fails += 1
    print("FAIL:", msg)


def run(path, stdin=False):
    args = [NETDX, "packets", "-r", "-" if stdin else path]
    with open(path if stdin else os.devnull, "rb") as f:
        p = subprocess.run(args, stdin=f, capture_output=True, timeout=30)
    return p.returncode, p.stdout.decode().splitlines(), p.stderr.decode().splitlines()


def expect(desc, path, want_rc, want_packets, offset, good_lines, stdin=False):
    global checks
    checks += 1
    rc, out, err = run(path, stdin)
    if rc != want_rc:
        return fail(f"{desc}: exit {rc}, want {want_rc}: {err}")
    if len(err) != 1:
        return fail(f"{desc}: {len(err)} stderr lines, want 1: {err}")
    if out != good_lines[:want_packets]:
        return fail(f"{desc}: printed {len(out)} packets, want the first {want_packets} of the good file")
    if offset is not None and f"byte {offset}" not in err[0]:
        return fail(f"{desc}: error does not name byte {offset}: {err[0]}")
    print(f"ok: {desc} -> {rc}: {err[0]}")


def main():
    global checks
    tmp = tempfile.mkdtemp(prefix="netdx-damaged-")
    for kind, (data, starts) in (("pcap", pcap()), ("pcapng", pcapng())):
        good = os.path.join(tmp, "good." + kind)
        with open(good, "wb") as f:
            f.write(data)
        rc, good_lines, err = run(good)
        if rc != 0 or len(good_lines) != N:
            fail(f"{kind}: the undamaged file: exit {rc}, {len(good_lines)} packets: {err}")
            continue
        path = os.path.join(tmp, "bad." + kind)

        def write(b, p=path):
            with open(p, "wb") as f:
                f.write(b)
            return p

        # Cut at several offsets: inside a record header, inside packet data, on
        # the last byte. Every packet whose record is whole is printed.
        for rec in (0, 3, N - 1):
            for into in (5, 17, starts[rec + 1] - starts[rec] - 1):
                cut = starts[rec] + into
                write(data[:cut])
                expect(f"{kind} cut at {cut} (record {rec + 1})", path, TRUNC, rec, starts[rec], good_lines)
        # The same cut on standard input and inside a gzip stream.
        cut = starts[4] + 20
        write(data[:cut])
        expect(f"{kind} cut, standard input", path, TRUNC, 4, starts[4], good_lines, stdin=True)
        gz = gzip.compress(data)
        write(gz[: len(gz) * 2 // 3], path + ".gz")
        checks_before = fails
        rc, out, err = run(path + ".gz")
        if rc != TRUNC or len(err) != 1 or out != good_lines[: len(out)] or "gzip" not in err[0]:
            fail(f"{kind}.gz cut: exit {rc}, {len(out)} packets, {err}")
        elif checks_before == fails:
            print(f"ok: {kind}.gz cut -> {rc}: {len(out)} packets, {err[0]}")
        # Corrupt compressed data (bytes in the middle of the deflate stream). The
        # packets decoded before zlib notices may already carry wrong bytes (the
        # CRC comes last), so only the count is bounded.
        bad = bytearray(gz)
        for k in range(len(bad) // 2, len(bad) // 2 + 16):
            bad[k] ^= 0xff
        write(bytes(bad), path + ".gz")
        rc, out, err = run(path + ".gz")
        if rc not in (DAMAGED, TRUNC) or len(err) != 1 or len(out) >= N:
            fail(f"{kind}.gz corrupt: exit {rc}, {len(out)} packets, {err}")
        else:
            print(f"ok: {kind}.gz corrupt -> {rc}: {len(out)} packets, {err[0]}")

        # Impossible lengths in the third record / block.
        b = bytearray(data)
        r = starts[2]
        if kind == "pcap":
            struct.pack_into("<I", b, r + 8, 0x7fffffff)  # caplen
            write(bytes(b))
            expect("pcap caplen 2^31", path, DAMAGED, 2, r, good_lines)
        else:
            struct.pack_into("<I", b, r + 4, 13)  # block length not a multiple of 4
            write(bytes(b))
            expect("pcapng block length 13", path, DAMAGED, 2, r, good_lines)
            b = bytearray(data)
            struct.pack_into("<I", b, r + 4, 0x7ffffff0)  # block length far past the file
            write(bytes(b))
            expect("pcapng block length 2 GB", path, DAMAGED, 2, r, good_lines)
            b = bytearray(data)
            struct.pack_into("<I", b, starts[3] - 4, 999)  # closing length differs
            write(bytes(b))
            expect("pcapng closing length differs", path, DAMAGED, 2, r, good_lines)
            b = bytearray(data)
            struct.pack_into("<I", b, r + 8, 7)  # interface 7 of 1
            write(bytes(b))
            expect("pcapng unknown interface", path, DAMAGED, 2, r, good_lines)
            b = bytearray(data)
            struct.pack_into("<I", b, r + 20, 5000)  # caplen past the block
            write(bytes(b))
            expect("pcapng caplen past its block", path, DAMAGED, 2, r, good_lines)
    # Two link types in one pcapng: every packet is decoded with its own
    # interface's; -w (pcap, one link type) writes the first link type's and
    # says how many it could not write, with WriteFailed.
    path = os.path.join(tmp, "two-linktypes.pcapng")
    with open(path, "wb") as f:
        f.write(two_linktypes())
    p = subprocess.run([NETDX, "packets", "-r", path, "-T", "fields", "-e", "udp.srcport"], capture_output=True,
                       timeout=30)
    want = [str(40000 + i) for i in range(N)]
    got = p.stdout.decode().split()
    checks += 1
    if p.returncode != 0 or got != want:
        fail(f"two link types: exit {p.returncode}, udp.srcport {got}, want {want}")
    else:
        print(f"ok: two link types in one pcapng -> {N} packets decoded")
    out = os.path.join(tmp, "two-linktypes-out.pcap")
    p = subprocess.run([NETDX, "packets", "-r", path, "-w", out], capture_output=True, timeout=30)
    err = p.stderr.decode()
    back = subprocess.run([NETDX, "packets", "-r", out, "-T", "fields", "-e", "udp.srcport"], capture_output=True,
                          timeout=30).stdout.decode().split()
    checks += 1
    if (p.returncode != WRITE_FAILED or f"{N // 2} packet(s) not written" not in err
            or back != want[0::2]):
        fail(f"-w with two link types: exit {p.returncode}, stderr {err.strip()!r}, written {back}")
    else:
        print(f"ok: -w with two link types -> {p.returncode}, {len(back)} written, {err.strip()}")
    # analyze keeps what it read: the report covers the packets before the cut.
    data, starts = pcap()
    path = os.path.join(tmp, "cut-analyze.pcap")
    with open(path, "wb") as f:
        f.write(data[: starts[5] + 3])
    p = subprocess.run([NETDX, "analyze", "-T", "json", path], capture_output=True, timeout=30)
    import json
    try:
        packets = json.loads(p.stdout)["summary"]["packets"]
    except (ValueError, KeyError, TypeError) as e:
        packets = f"no report ({e})"
    if p.returncode != TRUNC or packets != 5:
        fail(f"analyze on a cut file: exit {p.returncode}, packets {packets}")
    else:
        print(f"ok: analyze on a cut file -> {p.returncode}, report of {packets} packets")
    print(f"{checks} checks, {fails} failures")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
