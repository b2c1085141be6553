"""Writes small pcap files of TCP conversations for the CLI tests (Ethernet,
IPv4, TCP with valid checksums): a handshake, the segments given, a FIN each
way. Python standard library only."""
import struct


def _csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def _ip(a):
    return bytes(int(x) for x in a.split("."))


class Pcap:
    def __init__(self):
        self.records = []
        self.t = 1_700_000_000.0

    def packet(self, src, dst, sport, dport, seq, ack, flags, payload=b""):
        tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 5 << 4, flags, 64240, 0, 0)
        pseudo = _ip(src) + _ip(dst) + struct.pack("!BBH", 0, 6, len(tcp) + len(payload))
        tcp = tcp[:16] + struct.pack("!H", _csum(pseudo + tcp + payload)) + tcp[18:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload), 1, 0x4000, 64, 6, 0, _ip(src), _ip(dst))
        ip = ip[:10] + struct.pack("!H", _csum(ip)) + ip[12:]
        eth = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00"
        self.t += 0.001
        self.records.append((self.t, eth + ip + tcp + payload))

    def conversation(self, client, server, cport, sport, segments):
        """segments: list of (from_client: bool, bytes)."""
        cseq, sseq = 1000, 5000
        self.packet(client, server, cport, sport, cseq, 0, 0x02)
        self.packet(server, client, sport, cport, sseq, cseq + 1, 0x12)
        cseq += 1
        sseq += 1
        self.packet(client, server, cport, sport, cseq, sseq, 0x10)
        for from_client, data in segments:
            if from_client:
                self.packet(client, server, cport, sport, cseq, sseq, 0x18, data)
                cseq += len(data)
            else:
                self.packet(server, client, sport, cport, sseq, cseq, 0x18, data)
                sseq += len(data)
        self.packet(client, server, cport, sport, cseq, sseq, 0x11)
        self.packet(server, client, sport, cport, sseq, cseq + 1, 0x11)
        self.packet(client, server, cport, sport, cseq + 1, sseq + 1, 0x10)

    def write(self, path):
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
            for t, data in self.records:
                sec = int(t)
                f.write(struct.pack("<IIII", sec, int((t - sec) * 1e6), len(data), len(data)))
                f.write(data)
