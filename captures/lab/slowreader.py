#!/usr/bin/python3
"""An HTTP client that reads slowly through a tiny receive buffer, so its TCP
receive window fills and it advertises zero windows (a stalled receiver).
Usage: slowreader.py HOST PORT PATH [--rcvbuf B] [--chunk B] [--interval S] [--limit B]"""
import argparse
import socket
import time

ap = argparse.ArgumentParser()
ap.add_argument("host")
ap.add_argument("port", type=int)
ap.add_argument("path")
ap.add_argument("--rcvbuf", type=int, default=2048)
ap.add_argument("--chunk", type=int, default=1024)
ap.add_argument("--interval", type=float, default=0.25)
ap.add_argument("--limit", type=int, default=60000)
a = ap.parse_args()

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
# Before connect(): the window scale offered in the SYN follows the buffer.
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, a.rcvbuf)
s.connect((a.host, a.port))
s.sendall(f"GET {a.path} HTTP/1.1\r\nHost: {a.host}\r\nConnection: close\r\n\r\n".encode())
got = 0
while got < a.limit:
    time.sleep(a.interval)
    data = s.recv(a.chunk)
    if not data:
        break
    got += len(data)
s.close()
print(f"slowreader: read {got} bytes")
