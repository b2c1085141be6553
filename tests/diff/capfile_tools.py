"""Capture-file rewriting for the reader tests: the same packets in the other
byte order (pcap and pcapng), so big-endian files are tested without a
big-endian machine to record them."""
import struct

PCAP_MAGICS = (0xa1b2c3d4, 0xa1b23c4d)


def swap_pcap(data):
    """A little-endian pcap file rewritten big-endian (or the reverse)."""
    le = struct.unpack("<I", data[:4])[0] in PCAP_MAGICS
    src, dst = ("<", ">") if le else (">", "<")
    out = bytearray(struct.pack(dst + "IHHiIII", *struct.unpack(src + "IHHiIII", data[:24])))
    pos = 24
    while pos + 16 <= len(data):
        sec, frac, cap, length = struct.unpack(src + "IIII", data[pos:pos + 16])
        out += struct.pack(dst + "IIII", sec, frac, cap, length) + data[pos + 16:pos + 16 + cap]
        pos += 16 + cap
    return bytes(out)


def _swap_options(body, src, dst):
    out = bytearray()
    pos = 0
    while pos + 4 <= len(body):
        code, olen = struct.unpack(src + "HH", body[pos:pos + 4])
        value = body[pos + 4:pos + 4 + olen]
        pad = body[pos + 4 + olen:pos + 4 + ((olen + 3) & ~3)]
        if code in (14,) and olen == 8:   # if_tsoffset
            value = struct.pack(dst + "q", struct.unpack(src + "q", value)[0])
        out += struct.pack(dst + "HH", code, olen) + value + pad
        pos += 4 + ((olen + 3) & ~3)
        if code == 0:
            break
    return bytes(out) + body[pos:]


def swap_pcapng(data):
    """Every section of a pcapng file rewritten in the other byte order
    (section headers, interfaces with their options, enhanced and simple packet
    blocks; other blocks are dropped)."""
    out = bytearray()
    pos = 0
    src = "<"
    while pos + 12 <= len(data):
        btype = struct.unpack("<I", data[pos:pos + 4])[0]
        if btype == 0x0a0d0d0a:
            src = "<" if struct.unpack("<I", data[pos + 8:pos + 12])[0] == 0x1a2b3c4d else ">"
        dst = ">" if src == "<" else "<"
        btype, blen = struct.unpack(src + "II", data[pos:pos + 8])
        body = data[pos + 8:pos + blen - 4]
        if btype == 0x0a0d0d0a:
            magic, major, minor, slen = struct.unpack(src + "IHHq", body[:16])
            nb = struct.pack(dst + "IHHq", magic, major, minor, slen) + _swap_options(body[16:], src, dst)
        elif btype == 1:
            lt, res, snap = struct.unpack(src + "HHI", body[:8])
            nb = struct.pack(dst + "HHI", lt, res, snap) + _swap_options(body[8:], src, dst)
        elif btype == 6:
            iface, th, tl, cap, length = struct.unpack(src + "IIIII", body[:20])
            padded = (cap + 3) & ~3
            nb = (struct.pack(dst + "IIIII", iface, th, tl, cap, length) + body[20:20 + padded]
                  + _swap_options(body[20 + padded:], src, dst))
        elif btype == 3:
            nb = struct.pack(dst + "I", struct.unpack(src + "I", body[:4])[0]) + body[4:]
        else:  # name resolution, statistics, ...: dropped
            pos += blen
            continue
        out += struct.pack(dst + "II", btype, len(nb) + 12) + nb + struct.pack(dst + "I", len(nb) + 12)
        pos += blen
    return bytes(out)
