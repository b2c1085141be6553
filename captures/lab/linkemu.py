#!/usr/bin/python3
"""User-space link emulator: a two-port Ethernet bridge with delay, loss,
reordering and an MTU black hole, for kernels without sch_netem.

It reads every frame arriving on one interface through an AF_PACKET socket and
sends it out of the other after the configured impairments, in both directions.
Run it in a namespace of its own that holds just the two interfaces (the lab's
"wan" namespace between the gateway and the internet), so the kernel does
nothing else with those frames.

Impairments (all off by default; the random choices use a fixed seed):
  --delay MS         one-way delay added to every frame
  --jitter MS        plus a uniform 0..MS extra
  --loss PCT         drop this share of TCP data frames (never pure ACKs or
                     handshake frames, so every connection still starts)
  --reorder PCT      hold this share of frames back by --reorder-delay MS more,
                     so the frames behind them overtake
  --mtu N            drop IPv4 packets longer than N bytes with DF set and send
                     no ICMP fragmentation-needed (a path MTU black hole)
  --rate KBIT        serialise frames leaving each port at this many kbit/s,
                     queueing them behind each other (a slow uplink)
  --queue-ms MS      the queue of --rate holds up to MS milliseconds of frames
                     and drops what does not fit (default 2000: a deep,
                     bufferbloated queue whose delay grows while a download
                     fills it)
  --wait-usr1        forward cleanly until SIGUSR1, then apply the impairments
"""
import argparse
import heapq
import os
import random
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def open_port(ifname):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((ifname, 0))
    s.setblocking(False)
    # Frames for other MACs reach us only in promiscuous mode (PACKET_MR_PROMISC).
    mreq = struct.pack("iHH8s", socket.if_nametoindex(ifname), 1, 0, b"")
    s.setsockopt(263, 1, mreq)  # SOL_PACKET, PACKET_ADD_MEMBERSHIP
    return s


def ipv4_info(frame):
    """(total_length, df, proto, tcp_flags, tcp_payload_len) or None."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00":
        return None
    ihl = (frame[14] & 0x0F) * 4
    total = struct.unpack_from("!H", frame, 16)[0]
    df = bool(frame[20] & 0x40)
    proto = frame[23]
    flags = 0
    payload = 0
    if proto == 6 and len(frame) >= 14 + ihl + 20:
        t = 14 + ihl
        off = (frame[t + 12] >> 4) * 4
        flags = frame[t + 13]
        payload = total - ihl - off
    return total, df, proto, flags, payload


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("if_a")
    ap.add_argument("if_b")
    ap.add_argument("--delay", type=float, default=0.0)
    ap.add_argument("--jitter", type=float, default=0.0)
    ap.add_argument("--loss", type=float, default=0.0)
    ap.add_argument("--reorder", type=float, default=0.0)
    ap.add_argument("--reorder-delay", type=float, default=30.0)
    ap.add_argument("--mtu", type=int, default=0)
    ap.add_argument("--rate", type=float, default=0.0)
    ap.add_argument("--queue-ms", type=float, default=2000.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--wait-usr1", action="store_true")
    a = ap.parse_args()

    rng = random.Random(a.seed)
    active = [not a.wait_usr1]
    signal.signal(signal.SIGUSR1, lambda *_: active.__setitem__(0, True))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    ports = {a.if_a: open_port(a.if_a), a.if_b: open_port(a.if_b)}
    other = {a.if_a: ports[a.if_b], a.if_b: ports[a.if_a]}
    by_fd = {s.fileno(): name for name, s in ports.items()}
    queue = []  # (send_at, seq, socket, frame)
    seq = 0
    # When the last frame queued on each output port finishes serialising (--rate).
    busy_until = {ports[a.if_a]: 0.0, ports[a.if_b]: 0.0}
    stats = {"fwd": 0, "lost": 0, "reordered": 0, "blackholed": 0, "tail_dropped": 0}
    print(f"linkemu: {a.if_a} <-> {a.if_b} delay={a.delay}ms jitter={a.jitter}ms loss={a.loss}% "
          f"reorder={a.reorder}% mtu={a.mtu or '-'} rate={a.rate or '-'}kbit/s queue={a.queue_ms}ms"
          f"{' (after SIGUSR1)' if a.wait_usr1 else ''}",
          file=sys.stderr, flush=True)
    try:
        while True:
            now = time.monotonic()
            timeout = max(0.0, queue[0][0] - now) if queue else 0.5
            try:
                ready, _, _ = select.select(list(by_fd), [], [], timeout)
            except InterruptedError:
                ready = []
            for fd in ready:
                name = by_fd[fd]
                sock = ports[name]
                while True:
                    try:
                        frame, addr = sock.recvfrom(65535)
                    except BlockingIOError:
                        break
                    if addr[2] == PACKET_OUTGOING:
                        continue  # our own transmissions on this port
                    at = time.monotonic()
                    if active[0]:
                        info = ipv4_info(frame)
                        if a.mtu and info and info[1] and info[0] > a.mtu:
                            stats["blackholed"] += 1
                            continue
                        if a.loss and info and info[2] == 6 and info[4] > 0 and rng.random() * 100 < a.loss:
                            stats["lost"] += 1
                            continue
                        if a.rate:
                            out = other[name]
                            start = max(at, busy_until[out])
                            if start - at > a.queue_ms / 1000.0:
                                stats["tail_dropped"] += 1
                                continue
                            busy_until[out] = start + len(frame) * 8 / (a.rate * 1000.0)
                            at = busy_until[out]
                        at += (a.delay + rng.random() * a.jitter) / 1000.0
                        if a.reorder and rng.random() * 100 < a.reorder:
                            at += a.reorder_delay / 1000.0
                            stats["reordered"] += 1
                    seq += 1
                    heapq.heappush(queue, (at, seq, other[name], frame))
            now = time.monotonic()
            while queue and queue[0][0] <= now:
                _, _, out, frame = heapq.heappop(queue)
                try:
                    out.send(frame)
                    stats["fwd"] += 1
                except OSError:
                    pass
    finally:
        print(f"linkemu: {stats}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
