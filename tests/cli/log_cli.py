#!/usr/bin/env python3
"""`netdx log` (conn, dns, http) against tshark 4.0 on the bundled captures.

- dns: the queries (first transmissions: transaction id, name, type) and the
  responses (id, name, rcode) are the ones tshark shows, and rtt is tshark's
  dns.time for that response.
- http: the requests (method, uri, user agent) and the final responses (status code, and
  the URI of the request tshark pairs them with) are the ones tshark shows.
- conn: one TCP line per tshark tcp.stream, with the same endpoints and the
  sum of tcp.len as orig_bytes + resp_bytes; as many REJ and SF lines as
  tshark's flags show refused and cleanly closed streams; the UDP
  address/port pairs are tshark's.
- uid: every dns and http line's uid is a conn line of the same endpoints
  whose service names that protocol; conn uids are unique.
- -T json says what the TSV says, field by field (unset fields left out).
- Wire bytes never reach the output raw: an HTTP request with ESC, DEL and
  other control bytes in its URI and Host comes out as \\xNN, and every TSV
  line has exactly one column per header field.
- tls: one line per ClientHello, with tshark's server name, and the cipher
  suite (tshark's name for it) and version of the ServerHello.
- ssh: both identification strings are tshark's ssh.protocol.
- smtp: one line per message tshark's IMF shows (by Message-ID).
- ftp: the commands are tshark's ftp.request.command; no PASS argument.
- pop3, imap: the commands (and IMAP tags) are tshark's.
- dhcp: the leases (client MAC, address, lease time) are tshark's ACKs, and
  every server a line lists answered that client.
- Bad input: an unknown log type is a usage error (exit 2), a missing file
  exit 3, each with one line on stderr.
"""
import collections
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "diff"))
from diff_common import netdx_binary, project_captures, require_tshark  # noqa: E402
from tcp_pcap import Pcap  # noqa: E402

NETDX = netdx_binary()
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


# One tshark run per capture (each costs a second or so): every frame's
# fields, filtered here.
FIELDS = ["ip.src", "ipv6.src", "ip.dst", "ipv6.dst", "tcp.stream", "tcp.srcport", "tcp.dstport", "tcp.len", "tcp.flags",
          "udp.srcport", "udp.dstport", "dns.flags.response", "dns.retransmission", "dns.id", "dns.qry.name",
          "dns.qry.type", "dns.flags.rcode", "dns.time", "http.request.method", "http.request.uri", "http.user_agent",
          "http.response.code", "http.response_for.uri", "tls.handshake.type", "tls.handshake.extensions_server_name",
          "tls.handshake.ciphersuite", "tls.handshake.extensions.supported_version", "tls.handshake.version",
          "ssh.protocol", "ftp.request.command", "imf.message_id", "dhcp.option.dhcp", "dhcp.hw.mac_addr",
          "dhcp.ip.your", "dhcp.option.ip_address_lease_time", "dhcp.option.dhcp_server_id", "pop.request.command",
          "imap.request_tag", "imap.request.command"]
_dumps = {}


def frames(path):
    if path not in _dumps:
        cmd = ["tshark", "-n", "-r", path, "-Y", "(tcp || udp) && !icmp && !icmpv6", "-T", "fields", "-E",
               "occurrence=f"]
        for f in FIELDS:
            cmd += ["-e", f]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        _dumps[path] = [dict(zip(FIELDS, line.split("\t"))) for line in out.splitlines()]
    return _dumps[path]


def src(f, proto):
    return (f["ip.src"] or f["ipv6.src"], f[proto + ".srcport"])


def dst(f, proto):
    return (f["ip.dst"] or f["ipv6.dst"], f[proto + ".dstport"])


def run_log(kind, path, fmt="tsv"):
    r = subprocess.run([NETDX, "log", kind, "-r", path, "-T", fmt], capture_output=True)
    check(r.returncode == 0, f"netdx log {kind} -T {fmt} {os.path.basename(path)} exits 0 ({r.stderr.decode().strip()})")
    return r.stdout.decode("utf-8")


def tsv_rows(text):
    lines = text.splitlines()
    if not lines or not lines[0].startswith("#fields\t"):
        check(False, "TSV starts with a #fields line")
        return [], []
    fields = lines[0].split("\t")[1:]
    rows = []
    for line in lines[1:]:
        cols = line.split("\t")
        if len(cols) != len(fields):
            check(False, f"a TSV line has {len(cols)} columns for {len(fields)} fields: {line!r}")
            continue
        rows.append(dict(zip(fields, cols)))
    return fields, rows


_logs = {}


def log(kind, path):
    """The TSV lines of one log, read once per capture."""
    if (kind, path) not in _logs:
        _logs[(kind, path)] = tsv_rows(run_log(kind, path))[1]
    return _logs[(kind, path)]


def is_set(v):
    return v != "-"


# -- tsv vs json ---------------------------------------------------------------

def same_value(tsv, js):
    if isinstance(js, bool):
        return tsv == ("T" if js else "F")
    if isinstance(js, (int, float)):
        return abs(float(tsv) - js) < 1e-9 * max(1.0, abs(js))
    if isinstance(js, list):
        items = [] if tsv == "(empty)" else tsv.split(",")
        return len(items) == len(js) and all(same_value(a.replace("\\x2c", ","), b) for a, b in zip(items, js))
    if js == "":
        return tsv == "(empty)"
    return tsv == js or (tsv == "\\x2d" and js == "-")


def check_json(kind, path):
    rows = log(kind, path)
    objs = [json.loads(line) for line in run_log(kind, path, "json").splitlines()]
    ok = len(rows) == len(objs)
    bad = None
    for row, obj in zip(rows, objs):
        for k, v in row.items():
            if (v == "-") != (k not in obj) or (k in obj and not same_value(v, obj[k])):
                ok, bad = False, (k, v, obj.get(k))
    check(ok, f"{kind} {os.path.basename(path)}: -T json has the TSV's {len(rows)} lines, field by field {bad or ''}")


# -- dns -----------------------------------------------------------------------

RCODES = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"]


def check_dns(path):
    name = os.path.basename(path)
    rows = log("dns", path)
    # A query line: answered (rtt) or never answered (no rcode); the rest are
    # responses nobody was seen asking for.
    ours_q = collections.Counter((r["trans_id"], r["query"], r["qtype"]) for r in rows
                                 if is_set(r["rtt"]) or not is_set(r["rcode"]))
    dns = [f for f in frames(path) if f["dns.id"] and not f["dns.retransmission"] and "5353" not in
           (f["udp.srcport"], f["udp.dstport"])]
    theirs_q = collections.Counter((str(int(f["dns.id"], 16)), f["dns.qry.name"], f["dns.qry.type"]) for f in dns
                                   if f["dns.flags.response"] in ("0", "False"))
    check(ours_q == theirs_q and ours_q, f"dns {name}: {sum(ours_q.values())} queries (id, name, type) are tshark's "
          f"(only ours: {list((ours_q - theirs_q).elements())[:3]}, only tshark's: {list((theirs_q - ours_q).elements())[:3]})")

    resp = [(f["dns.id"], f["dns.qry.name"], f["dns.flags.rcode"], f["dns.time"]) for f in dns
            if f["dns.flags.response"] in ("1", "True")]
    theirs_r = collections.Counter((str(int(i, 16)), q, RCODES[int(c)] if int(c) < len(RCODES) else c)
                                   for i, q, c, _ in resp)
    ours_r = collections.Counter((r["trans_id"], r["query"], r["rcode_name"]) for r in rows if is_set(r["rcode"]))
    check(ours_r == theirs_r, f"dns {name}: {sum(ours_r.values())} responses (id, name, rcode) are tshark's "
          f"(only ours: {list((ours_r - theirs_r).elements())[:3]}, only tshark's: {list((theirs_r - ours_r).elements())[:3]})")

    times = collections.defaultdict(list)
    for i, q, _, t in resp:
        if t:
            times[(str(int(i, 16)), q)].append(float(t))
    off = [(r["query"], r["rtt"], times[(r["trans_id"], r["query"])]) for r in rows if is_set(r["rtt"])
           and len(times[(r["trans_id"], r["query"])]) == 1
           and abs(float(r["rtt"]) - times[(r["trans_id"], r["query"])][0]) > 2e-6]
    compared = sum(1 for r in rows if is_set(r["rtt"]) and len(times[(r["trans_id"], r["query"])]) == 1)
    check(compared > 0 and not off, f"dns {name}: rtt is tshark's dns.time on {compared} answers {off[:3]}")


# -- http ----------------------------------------------------------------------

def check_http(path):
    name = os.path.basename(path)
    rows = log("http", path)
    ours = collections.Counter((r["method"], r["uri"], r["user_agent"]) for r in rows if is_set(r["method"]))
    theirs = collections.Counter((f["http.request.method"], f["http.request.uri"], f["http.user_agent"] or "-")
                                 for f in frames(path) if f["http.request.method"])
    check(ours == theirs and ours, f"http {name}: {sum(ours.values())} requests (method, uri, user_agent) are tshark's "
          f"(only ours: {list((ours - theirs).elements())[:3]}, only tshark's: {list((theirs - ours).elements())[:3]})")
    theirs = collections.Counter((f["http.response.code"], f["http.response_for.uri"]) for f in frames(path)
                                 if f["http.response.code"] and (int(f["http.response.code"]) >= 200
                                                                 or f["http.response.code"] == "101"))
    ours = collections.Counter((r["status_code"], f"http://{r['host']}{r['uri']}" if is_set(r["method"]) else "")
                               for r in rows if is_set(r["status_code"]))
    check(ours == theirs, f"http {name}: {sum(ours.values())} responses (code, request URI) are tshark's pairs "
          f"(only ours: {list((ours - theirs).elements())[:3]}, only tshark's: {list((theirs - ours).elements())[:3]})")


# -- conn ----------------------------------------------------------------------

def endpoints(r):
    return frozenset([(r["id.orig_h"], r["id.orig_p"]), (r["id.resp_h"], r["id.resp_p"])])


def check_conn(path):
    name = os.path.basename(path)
    rows = log("conn", path)
    streams, flags = {}, collections.defaultdict(list)
    for f in frames(path):
        if f["tcp.stream"]:
            e = streams.setdefault(f["tcp.stream"], [frozenset([src(f, "tcp"), dst(f, "tcp")]), 0])
            e[1] += int(f["tcp.len"] or 0)
            flags[e[0]].append((src(f, "tcp"), int(f["tcp.flags"], 16)))
    theirs = collections.Counter((e, b) for e, b in streams.values())
    ours = collections.Counter((endpoints(r), int(r["orig_bytes"]) + int(r["resp_bytes"]))
                               for r in rows if r["proto"] == "tcp")
    check(ours == theirs, f"conn {name}: {sum(ours.values())} TCP lines are tshark's tcp.streams, endpoints and "
          f"payload bytes (only ours: {list((ours - theirs).elements())[:2]}, "
          f"only tshark's: {list((theirs - ours).elements())[:2]})")
    udp = {frozenset([src(f, "udp"), dst(f, "udp")]) for f in frames(path) if f["udp.srcport"]}
    ours_udp = {endpoints(r) for r in rows if r["proto"] == "udp"}
    check(ours_udp == udp, f"conn {name}: the {len(ours_udp)} UDP address/port pairs are tshark's "
          f"(only ours: {list(ours_udp - udp)[:2]}, only tshark's: {list(udp - ours_udp)[:2]})")
    # conn_state where tshark's flags decide it alone: REJ (a SYN answered by
    # a RST, no SYN-ACK) and SF (handshake, FIN from both sides, no RST).
    def tshark_state(seq):
        syn = [s for s, fl in seq if fl & 0x12 == 0x02]
        if not syn:
            return None
        orig = syn[0]
        synack = any(s != orig and fl & 0x12 == 0x12 for s, fl in seq)
        rst_resp = any(s != orig and fl & 0x04 for s, fl in seq)
        rst = any(fl & 0x04 for s, fl in seq)
        fins = {s for s, fl in seq if fl & 0x01}
        if not synack and rst_resp:
            return "REJ"
        if synack and not rst and len(fins) == 2:
            return "SF"
        return None
    tcp_rows = [r for r in rows if r["proto"] == "tcp"]
    want = collections.Counter(st for st in (tshark_state(seq) for seq in flags.values()) if st)
    got = collections.Counter(r["conn_state"] for r in tcp_rows if r["conn_state"] in ("REJ", "SF"))
    check(got == want, f"conn {name}: REJ and SF lines ({dict(got)}) are tshark's streams refused by a RST and "
          f"closed by both FINs ({dict(want)})")
    uids = [r["uid"] for r in rows]
    check(len(set(uids)) == len(uids), f"conn {name}: {len(uids)} uids, all different")
    return rows


def check_join(path, conn, kind, service):
    name = os.path.basename(path)
    by_uid = {r["uid"]: r for r in conn}
    rows = log(kind, path)
    bad = [r for r in rows if r["uid"] not in by_uid or endpoints(by_uid[r["uid"]]) != endpoints(r)
           or service not in by_uid[r["uid"]]["service"].split(",")]
    check(rows and not bad, f"{kind} {name}: the uid of each of {len(rows)} lines is a conn line with its "
          f"endpoints and service {service} {[(r['uid'], r['id.orig_p']) for r in bad[:3]]}")
    # The same flow of conn carries the transactions, whatever the log read first.
    flows = {r["uid"] for r in rows}
    marked = {r["uid"] for r in conn if service in r["service"].split(",")}
    check(flows == marked, f"conn {name}: the {len(marked)} flows with service {service} are those of the {kind} log")


# -- tls, ssh, smtp, ftp ---------------------------------------------------------

def cipher_names():
    """tshark's own names of the cipher suites (its value strings)."""
    out = subprocess.run(["tshark", "-G", "values"], capture_output=True, text=True, check=True).stdout
    names = {}
    for line in out.splitlines():
        p = line.split("\t")
        if len(p) == 4 and p[0] == "V" and p[1] == "tls.handshake.ciphersuite":
            names[int(p[2])] = p[3]
    return names


TLS_VERSIONS = {0x0300: "SSLv3", 0x0301: "TLSv10", 0x0302: "TLSv11", 0x0303: "TLSv12", 0x0304: "TLSv13"}


def check_tls(path, names):
    name = os.path.basename(path)
    rows = log("tls", path)
    theirs = {}
    for f in frames(path):
        port = f["tcp.srcport"] if f["tcp.dstport"] in ("443", "8443") else f["tcp.dstport"]
        e = theirs.setdefault(port, {"sni": "-", "cipher": "-", "version": "-"})
        if f["tls.handshake.type"] == "1" and f["tls.handshake.extensions_server_name"]:
            e["sni"] = f["tls.handshake.extensions_server_name"]
        if f["tls.handshake.type"] == "2":
            c = int(f["tls.handshake.ciphersuite"], 16)
            v = int(f["tls.handshake.extensions.supported_version"] or f["tls.handshake.version"], 16)
            e["cipher"] = names.get(c, f"0x{c:04x}")
            e["version"] = TLS_VERSIONS.get(v, f"0x{v:04x}")
    bad = [(r["id.orig_p"], r["server_name"], r["cipher"], r["version"], theirs.get(r["id.orig_p"])) for r in rows
           if theirs.get(r["id.orig_p"]) != {"sni": r["server_name"], "cipher": r["cipher"], "version": r["version"]}]
    hellos = {f["tcp.srcport"] for f in frames(path) if f["tls.handshake.type"] == "1"}
    check(rows and not bad and {r["id.orig_p"] for r in rows} == hellos,
          f"tls {name}: the {len(rows)} lines are tshark's ClientHellos, with its server_name, and its cipher and "
          f"version of the ServerHello {bad[:2]}")


def check_ssh(path):
    name = os.path.basename(path)
    rows = log("ssh", path)
    idents = {}
    for f in frames(path):
        if f["ssh.protocol"]:
            client = f["tcp.dstport"] == "22"
            port = f["tcp.srcport"] if client else f["tcp.dstport"]
            idents.setdefault(port, {})["client" if client else "server"] = f["ssh.protocol"]
    bad = [r["id.orig_p"] for r in rows if idents.get(r["id.orig_p"]) != {"client": r["client"], "server": r["server"]}]
    check(rows and not bad and len(rows) == len(idents),
          f"ssh {name}: the {len(rows)} lines carry tshark's ssh.protocol of each side {bad[:3]}")


def check_smtp(path):
    name = os.path.basename(path)
    rows = log("smtp", path)
    ours = collections.Counter(r["msg_id"] for r in rows)
    theirs = collections.Counter(f["imf.message_id"] for f in frames(path) if f["imf.message_id"]
                                 and "25" in (f["tcp.srcport"], f["tcp.dstport"]))
    check(rows and ours == theirs, f"smtp {name}: one line per message tshark's IMF shows, by Message-ID "
          f"(only ours: {list((ours - theirs).elements())[:2]}, only tshark's: {list((theirs - ours).elements())[:2]})")


def check_ftp(path):
    name = os.path.basename(path)
    rows = log("ftp", path)
    ours = collections.Counter(r["command"] for r in rows)
    theirs = collections.Counter(f["ftp.request.command"].upper() for f in frames(path) if f["ftp.request.command"])
    check(rows and ours == theirs, f"ftp {name}: the {len(rows)} commands are tshark's ftp.request.command "
          f"(only ours: {list((ours - theirs).elements())[:3]}, only tshark's: {list((theirs - ours).elements())[:3]})")
    check(all(r["arg"] == "-" for r in rows if r["command"] == "PASS") and any(r["command"] == "PASS" for r in rows),
          f"ftp {name}: no PASS argument is written")


def check_dhcp(path):
    name = os.path.basename(path)
    rows = log("dhcp", path)
    acks = [f for f in frames(path) if f["dhcp.option.dhcp"] == "5" and f["dhcp.ip.your"] != "0.0.0.0"]
    theirs = collections.Counter((f["dhcp.hw.mac_addr"], f["dhcp.ip.your"], f"{int(f['dhcp.option.ip_address_lease_time']):.6f}")
                                 for f in acks)
    ours = collections.Counter((r["mac"], r["assigned_addr"], r["lease_time"]) for r in rows if r["outcome"] == "leased")
    check(ours and ours == theirs, f"dhcp {name}: the {sum(ours.values())} leases (mac, address, lease time) are "
          f"tshark's ACKs (only ours: {list((ours - theirs).elements())[:2]}, "
          f"only tshark's: {list((theirs - ours).elements())[:2]})")
    offers = collections.defaultdict(set)
    for f in frames(path):
        if f["dhcp.option.dhcp"] in ("2", "5", "6") and f["dhcp.option.dhcp_server_id"]:
            offers[f["dhcp.hw.mac_addr"]].add(f["dhcp.option.dhcp_server_id"])
    bad = [r["mac"] for r in rows if r["servers"] != "-" and not set(r["servers"].split(",")) <= offers[r["mac"]]]
    check(not bad, f"dhcp {name}: every server listed answered that client in tshark's OFFER/ACK/NAK {bad[:2]}")


def check_mail_access(path):
    name = os.path.basename(path)
    pop3 = collections.Counter(r["command"] for r in log("pop3", path))
    theirs = collections.Counter(f["pop.request.command"].upper() for f in frames(path) if f["pop.request.command"])
    check(pop3 and pop3 == theirs, f"pop3 {name}: the {sum(pop3.values())} commands are tshark's pop.request.command "
          f"(only ours: {list((pop3 - theirs).elements())[:3]}, only tshark's: {list((theirs - pop3).elements())[:3]})")
    imap = collections.Counter((r["tag"], r["command"]) for r in log("imap", path))
    theirs = collections.Counter((f["imap.request_tag"], f["imap.request.command"].upper()) for f in frames(path)
                                 if f["imap.request.command"])
    check(imap and imap == theirs, f"imap {name}: the {sum(imap.values())} (tag, command) are tshark's "
          f"(only ours: {list((imap - theirs).elements())[:3]}, only tshark's: {list((theirs - imap).elements())[:3]})")


# -- escaping and bad input ------------------------------------------------------

def check_escaping(tmp):
    p = Pcap()
    uri = b"/a\x1b[31mred\x7f\x01\xff"
    req = b"GET " + uri + b" HTTP/1.1\r\nHost: x\x1b]0;title\x07y\r\n\r\n"
    p.conversation("192.0.2.10", "192.0.2.80", 40001, 80,
                   [(True, req), (False, b"HTTP/1.1 200 O\x1bK\r\nContent-Length: 0\r\n\r\n")])
    path = os.path.join(tmp, "escapes.pcap")
    p.write(path)
    for fmt in ("tsv", "json"):
        r = subprocess.run([NETDX, "log", "http", "-r", path, "-T", fmt], capture_output=True)
        raw = r.stdout
        control = [b for b in raw if (b < 0x20 and b not in (9, 10)) or b == 0x7f]
        text = raw.decode("utf-8", "replace")
        if fmt == "json" and r.returncode == 0:  # the JSON string holds the same escape text
            text = "\t".join(str(v) for v in json.loads(text).values())
        check(r.returncode == 0 and not control and "\\x1b[31mred\\x7f\\x01\\xff" in text
              and "x\\x1b]0;title\\x07y" in text and "O\\x1bK" in text,
              f"http -T {fmt}: control bytes of the URI, Host and reason are written as \\xNN ({text.strip()[-160:]!r})")
    if r.returncode == 0:
        _, rows = tsv_rows(run_log("http", path))
        check(len(rows) == 1, "http escapes.pcap: one TSV line with one column per field")


def check_bad_input(tmp):
    r = subprocess.run([NETDX, "log", "nosuch", "-r", project_captures("http-5xx.pcap")[0]], capture_output=True,
                       text=True)
    check(r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and not r.stdout,
          f"an unknown log type: exit 2, one line ({r.returncode}, {r.stderr.strip()!r})")
    r = subprocess.run([NETDX, "log", "dns", "-r", os.path.join(tmp, "missing.pcap")], capture_output=True, text=True)
    check(r.returncode == 3 and len(r.stderr.strip().splitlines()) == 1,
          f"a missing capture: exit 3, one line ({r.returncode}, {r.stderr.strip()!r})")


def main():
    require_tshark()
    dns_caps = project_captures("dns-problems.pcap", "healthy-office.pcap")
    # Each capture costs a tshark run (most of this test's time): few, chosen
    # for what they hold (rcodes, 5xx, refused connections, TLS alerts, failed
    # FTP logins, a second DHCP server) next to the mixed office.
    http_caps = project_captures("http-5xx.pcap", "healthy-office.pcap")
    conn_caps = project_captures("healthy-office.pcap", "http-5xx.pcap", "port-scan.pcap")
    check(len(dns_caps) == 2 and len(http_caps) == 2 and len(conn_caps) == 3, "the captures are there")
    # tshark's runs overlap (most of this test's time is waiting for them).
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        names = pool.submit(cipher_names)
        list(pool.map(frames, sorted(set(dns_caps + http_caps + conn_caps + project_captures(
            "tls-failures.pcap", "ftp-login-failed.pcap", "dhcp-rogue.pcap", "mail-access-plaintext.pcap")))))
        names = names.result()
    for c in dns_caps:
        check_dns(c)
    for c in http_caps:
        check_http(c)
    conn_office = None
    for c in conn_caps:
        conn = check_conn(c)
        if c.endswith("healthy-office.pcap"):
            conn_office = conn
        if c in dns_caps or c.endswith("http-5xx.pcap"):
            check_join(c, conn, "dns", "dns")
        if c in http_caps:
            check_join(c, conn, "http", "http")
    for c in project_captures("healthy-office.pcap", "tls-failures.pcap"):
        check_tls(c, names)
    check_ssh(project_captures("healthy-office.pcap")[0])
    office = project_captures("healthy-office.pcap")[0]
    check_smtp(office)
    for c in project_captures("healthy-office.pcap", "dhcp-rogue.pcap"):
        check_dhcp(c)
    mail = project_captures("mail-access-plaintext.pcap")[0]
    check_mail_access(mail)
    conn_mail = log("conn", mail)
    for kind in ("pop3", "imap"):
        check_join(mail, conn_mail, kind, kind)
    check_ftp(project_captures("ftp-login-failed.pcap")[0])
    for kind, service in (("tls", "ssl"), ("ssh", "ssh"), ("smtp", "smtp"), ("ftp", "ftp")):
        check_join(office, conn_office, kind, service)
    for kind in ("conn", "dns", "http", "tls", "ssh", "smtp", "ftp", "dhcp"):
        check_json(kind, office)
    for kind in ("pop3", "imap"):
        check_json(kind, mail)
    with tempfile.TemporaryDirectory() as tmp:
        check_escaping(tmp)
        check_bad_input(tmp)
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
