#!/usr/bin/python3
"""ONC RPC (RFC 5531) peers for captures/lab/rpc.sh, for what no Debian daemon
in a container can show: the error replies a client only meets by sending a
call rpcinfo never sends, and an NFS/MOUNT server (the kernel's nfsd cannot run
here).

  rpc_peer.py serve ADDR      NFS v3 (100003) and MOUNT v3 (100005) on UDP and
                              TCP 2049: NULL answered SUCCESS, MOUNT v3 EXPORT
                              answered with an empty list, MNT without its
                              path GARBAGE_ARGS, NFS v3 GETATTR
                              never answered (a hung server); registered with
                              rpcbind (PMAP v2 SET) first.
  rpc_peer.py errors ADDR     calls to rpcbind on ADDR:111 that it refuses.
  rpc_peer.py nfs ADDR        NFS/MOUNT calls to ADDR:2049.
"""
import socket
import struct
import sys
import threading

CALL, REPLY = 0, 1
AUTH_NONE, AUTH_SYS = 0, 1
PMAP, NFS, MOUNT = 100000, 100003, 100005

_xid = [0x4e580000]


def next_xid():
    _xid[0] += 1
    return _xid[0]


def opaque_auth(flavor, body=b""):
    pad = (-len(body)) % 4
    return struct.pack(">II", flavor, len(body)) + body + b"\0" * pad


def auth_sys():
    name = b"lab"
    body = struct.pack(">II", 1234, len(name)) + name + b"\0" + struct.pack(">III", 0, 0, 0)
    return opaque_auth(AUTH_SYS, body)


def call(xid, prog, vers, proc, args=b"", rpcvers=2, cred=None):
    cred = cred if cred is not None else opaque_auth(AUTH_NONE)
    return struct.pack(">IIIIII", xid, CALL, rpcvers, prog, vers, proc) + cred + opaque_auth(AUTH_NONE) + args


def record(msg, pieces=1):
    """TCP record marking: `pieces` fragments, the last with the high bit."""
    step = max(1, -(-len(msg) // pieces))
    frags = [msg[i:i + step] for i in range(0, len(msg), step)] or [b""]
    out = b""
    for i, f in enumerate(frags):
        last = 0x80000000 if i == len(frags) - 1 else 0
        out += struct.pack(">I", last | len(f)) + f
    return out


def read_record(sock):
    data = b""
    while True:
        hdr = recv_exact(sock, 4)
        if hdr is None:
            return None
        (word,) = struct.unpack(">I", hdr)
        body = recv_exact(sock, word & 0x7FFFFFFF)
        if body is None:
            return None
        data += body
        if word & 0x80000000:
            return data


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def udp_call(addr, port, msg, expect_reply=True):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.sendto(msg, (addr, port))
    try:
        return s.recv(65535) if expect_reply else None
    except socket.timeout:
        return None
    finally:
        s.close()


def tcp_calls(addr, port, msgs, pieces=1):
    s = socket.create_connection((addr, port), timeout=3)
    replies = []
    for m in msgs:
        s.sendall(record(m, pieces))
        replies.append(read_record(s))
    s.close()
    return replies


def errors(addr):
    # Program not served by rpcbind: PROG_UNAVAIL.
    udp_call(addr, 111, call(next_xid(), 100021, 4, 0))
    tcp_calls(addr, 111, [call(next_xid(), 100024, 1, 0)])
    # Procedure 99 of portmapper v2: PROC_UNAVAIL.
    udp_call(addr, 111, call(next_xid(), PMAP, 2, 99))
    # GETPORT with 8 of its 16 argument bytes (rpcbind 1.2 answers port 0).
    udp_call(addr, 111, call(next_xid(), PMAP, 2, 3, struct.pack(">II", NFS, 3)))
    # A credential flavor rpcbind does not know: denied, AUTH_ERROR.
    udp_call(addr, 111, call(next_xid(), PMAP, 2, 0, cred=opaque_auth(77, b"abcd")))
    # GETPORT over TCP (answered: port 2049).
    tcp_calls(addr, 111, [call(next_xid(), PMAP, 2, 3, struct.pack(">IIII", NFS, 3, 6, 0), cred=auth_sys())])


def nfs(addr):
    udp_call(addr, 2049, call(next_xid(), NFS, 3, 0, cred=auth_sys()))
    udp_call(addr, 2049, call(next_xid(), MOUNT, 3, 5, cred=auth_sys()))
    # GETATTR of an 8-byte file handle: the server never answers it.
    udp_call(addr, 2049, call(next_xid(), NFS, 3, 1, struct.pack(">I", 8) + b"\1" * 8, cred=auth_sys()),
             expect_reply=False)
    tcp_calls(addr, 2049, [call(next_xid(), NFS, 3, 0, cred=auth_sys()),
                           call(next_xid(), MOUNT, 3, 0, cred=auth_sys())])
    # A record in three fragments; MNT without its path: GARBAGE_ARGS.
    tcp_calls(addr, 2049, [call(next_xid(), MOUNT, 3, 0, cred=auth_sys()),
                           call(next_xid(), MOUNT, 3, 1, cred=auth_sys())], pieces=3)


def reply_to(msg):
    """The reply a tiny NFS/MOUNT server gives, or None to stay silent."""
    if len(msg) < 40:
        return None
    xid, mtype, _rpcvers, prog, vers, proc = struct.unpack(">IIIIII", msg[:24])
    if mtype != CALL:
        return None
    head = struct.pack(">II", xid, REPLY) + struct.pack(">I", 0) + opaque_auth(AUTH_NONE)
    if prog not in (NFS, MOUNT):
        return head + struct.pack(">I", 1)  # PROG_UNAVAIL
    if vers != 3:
        return head + struct.pack(">III", 2, 3, 3)  # PROG_MISMATCH 3..3
    if prog == NFS and proc == 1:
        return None
    if proc == 0:
        return head + struct.pack(">I", 0)
    if prog == MOUNT and proc == 1 and len(msg) < 4 + 24 + 2 * 8 + 40:
        return head + struct.pack(">I", 4)  # GARBAGE_ARGS: no dirpath
    if prog == MOUNT and proc == 5:
        return head + struct.pack(">II", 0, 0)  # EXPORT: no entries
    return head + struct.pack(">I", 3)  # PROC_UNAVAIL


def serve(addr):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind((addr, 2049))
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind((addr, 2049))
    t.listen(8)

    def udp_loop():
        while True:
            msg, peer = u.recvfrom(65535)
            r = reply_to(msg)
            if r is not None:
                u.sendto(r, peer)

    def tcp_conn(c):
        while True:
            msg = read_record(c)
            if msg is None:
                c.close()
                return
            r = reply_to(msg)
            if r is not None:
                c.sendall(record(r))

    threading.Thread(target=udp_loop, daemon=True).start()
    # PMAP v2 SET for both programs and transports, from 127.0.0.1 and a
    # privileged port: rpcbind refuses SET from anywhere else (AUTH_TOOWEAK).
    for prog in (NFS, MOUNT):
        for proto in (17, 6):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(("127.0.0.1", 800 + proto))
            s.settimeout(2)
            s.sendto(call(next_xid(), PMAP, 2, 1, struct.pack(">IIII", prog, 3, proto, 2049), cred=auth_sys()),
                     (addr, 111))
            try:
                s.recv(100)
            except socket.timeout:
                pass
            s.close()
    print("serving", flush=True)
    while True:
        c, _ = t.accept()
        threading.Thread(target=tcp_conn, args=(c,), daemon=True).start()


if __name__ == "__main__":
    # Each mode its own xids: tshark pairs calls and replies by xid alone.
    _xid[0] += {"serve": 0, "errors": 0x1000, "nfs": 0x2000}[sys.argv[1]]
    {"serve": serve, "errors": errors, "nfs": nfs}[sys.argv[1]](sys.argv[2])
