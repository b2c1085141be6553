#!/usr/bin/env python3
"""Display filters against tshark 4.0: for every (filter, capture) pair, the
frame numbers `netdx packets -r F -Y FILTER` shows must equal tshark's.

tshark needs a second or so to start, and 90 filters x 185 captures is more
than 16,000 runs, so tshark evaluates all the filters of one capture in one
pass: a Lua tap per filter (Listener.new(nil, FILTER)) records the frames it
matches, which is what -Y matches (the same dfilter engine on the same single
pass). To show the shortcut is faithful, a sample of pairs is also run as a
real `tshark -r F -Y FILTER` and must give the same frames. tshark's results
are kept, keyed by tshark's version, the Lua tap, the filters and the capture's
bytes: in tests/tshark-answers/diff-filter/ by scripts/record-tshark-answers, and
for one run in NETDX_TSHARK_CACHE (or the build tree), so a second run (release
then ASan) does not redo them.
netdx is run as the user runs it, once per pair, two at a time.

Passes when at least MIN_AGREEMENT of the pairs agree; prints the pairs that
differ. `--files F...` compares only those captures, `--filters-only` lists
the filters.
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from diff_common import corpus_dir, default_captures  # noqa: E402

CAPTURE_EXT = (".pcap", ".pcapng", ".cap", ".trace", ".dmp")
KEPT_ANSWERS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tshark-answers", "diff-filter")
MIN_AGREEMENT = 0.98
SAMPLE_REAL_Y = 8  # pairs also run as a real `tshark -Y`

FILTERS = [
    # protocols alone
    "eth", "arp", "ip", "ipv6", "icmp", "icmpv6", "tcp", "udp", "dns", "dhcp", "dhcpv6", "tls",
    "http", "smtp", "ftp", "ssh", "vlan", "pop", "imap", "not ip and not ipv6",
    # link layer, ARP
    "eth.addr == ff:ff:ff:ff:ff:ff", "eth.src[0:3] == 00:0c:29", "eth.type == 0x0806",
    "eth.src[-1] == 01", "vlan.id == 100",
    "arp.opcode == 1", "arp.src.proto_ipv4 == 10.0.0.0/8",
    # IPv4 / IPv6 / ICMP
    "ip.addr == 10.0.0.0/8", "ip.src == 192.168.0.0/16", "ip.dst == 255.255.255.255",
    "ip.ttl < 64", "ip.ttl == 64 || ip.ttl == 128", "ip.proto == 17",
    "ip.flags.df == 1", "ip.addr != 10.0.0.1", "any ip.addr == 10.0.0.0/8",
    "all ip.addr == 10.0.0.0/8", "ip.src == ip.dst",
    "ipv6.addr == fe80::/10", "ipv6.nxt == 58",
    "ipv6.dst == ff02::/16 && icmpv6",
    "icmp.type == 8", "icmp.type in {0, 8}", "icmp.type == 3 && icmp.code == 3",
    "icmpv6.type in {133..137}",
    # TCP
    "tcp.port == 80", "tcp.port in {80, 443, 8080}", "tcp.port != 443", "tcp.port !== 443",
    "tcp.srcport > 1024 and tcp.dstport < 1024",
    "tcp.flags.syn == 1 && tcp.flags.ack == 0", "tcp.flags.reset == 1",
    "tcp.flags.fin == 1 or tcp.flags.reset == 1", "tcp.flags == 0x012",
    "tcp.analysis.retransmission", "tcp.analysis.duplicate_ack", "tcp.analysis.flags",
    "tcp.stream == 0", "tcp.stream in {1..3}", "tcp.len > 0",

    "tcp.analysis.retransmission || dns.flags.rcode != 0", "tcp contains \"HTTP\"",
    "(tcp or udp) and not (tcp.port == 443 or udp.port == 53)",
    # UDP / DNS / DHCP
    "udp.port == 53", "udp.port in {67, 68}", "udp && !dns",
    "dns.qry.name contains \"google\"", "dns.qry.name matches \"\\\\.(com|net)$\"",
    "dns.flags.rcode != 0", "dns.flags.rcode == 3",
    "dns.flags.response == 0", "dns.qry.type in {1, 28}", "dns.a",
    "dns.a == 10.0.0.0/8",
    "dhcp.option.dhcp == 1", "dhcp.option.dhcp in {3, 5}", "dhcpv6.msgtype == 1",
    # TLS / HTTP / mail / FTP / SSH
    "tls.handshake.type == 1",
    "tls.handshake.extensions_server_name", "tls.record.version == 0x0303",
    "http.request.method == \"GET\"", "http.request.method == POST",
    "http.request.method in {\"GET\", \"HEAD\"}", "http.response.code >= 400",
    "http.host contains \".\"", "http.request.uri matches \"\\\\.(js|css)\"",
    "http.request or http.response",
    "smtp.req.command == \"EHLO\"", "smtp.response.code >= 500",
    "ftp.response.code == 530", "ftp.request.command == \"USER\"",
    "pop.request.command == \"USER\"",
    "ssh.protocol matches \"^SSH-2\\\\.0\"",
    # frame
    "frame.len > 1000", "frame.time_relative > 1",
    "frame.protocols contains \"dns\"", "frame contains \"HTTP\"", "frame[12:2] == 08:00",
]

LUA = r"""
local filters = {}
for line in io.lines(os.getenv("NETDX_FILTERS_FILE")) do table.insert(filters, line) end
local hits = {}
for i, f in ipairs(filters) do
  hits[i] = {}
  local ok, l = pcall(Listener.new, nil, f)
  if ok then
    function l.packet(pinfo) table.insert(hits[i], pinfo.number) end
  else
    hits[i] = nil
  end
end
local done = false
local t = Listener.new(nil, nil)
function t.draw()
  if done then return end
  done = true
  local out = io.open(os.getenv("NETDX_FILTERS_OUT"), "w")
  for i = 1, #filters do
    if hits[i] == nil then out:write("ERROR\n") else out:write(table.concat(hits[i], " "), "\n") end
  end
  out:close()
end
"""


def tshark_version():
    out = subprocess.run(["tshark", "--version"], capture_output=True, text=True, check=True).stdout
    return out.splitlines()[0]


def tshark_all(path, cache_dir, version):
    """{filter: [frames]} for every filter on one capture, from the cache or one Lua pass."""
    h = hashlib.sha256()
    h.update(version.encode())
    h.update(LUA.encode())
    h.update("\n".join(FILTERS).encode())
    with open(path, "rb") as f:
        h.update(f.read())
    name = h.hexdigest() + ".json"
    cached = os.path.join(cache_dir, name)
    # The recorded answers (see tests/tools/tshark) first, unless asked to run tshark.
    kept = [] if os.environ.get("NETDX_TSHARK_LIVE") == "1" else [os.path.join(KEPT_ANSWERS, name)]
    for candidate in kept + [cached]:
        if os.path.exists(candidate):
            with open(candidate) as f:
                res = json.load(f)
            record(name, res)
            return res
    with tempfile.TemporaryDirectory() as tmp:
        lua, flist, out = (os.path.join(tmp, n) for n in ("f.lua", "filters.txt", "out.txt"))
        with open(lua, "w") as f:
            f.write(LUA)
        with open(flist, "w") as f:
            f.write("\n".join(FILTERS) + "\n")
        env = dict(os.environ, NETDX_FILTERS_FILE=flist, NETDX_FILTERS_OUT=out)
        subprocess.run(["tshark", "-q", "-n", "-r", path, "-X", "lua_script:" + lua], env=env,
                       capture_output=True, check=False)
        if not os.path.exists(out):
            raise SystemExit(f"tshark's Lua pass wrote nothing for {path}")
        with open(out) as f:
            lines = f.read().split("\n")
    res = {}
    for i, flt in enumerate(FILTERS):
        line = lines[i] if i < len(lines) else "ERROR"
        res[flt] = None if line == "ERROR" else [int(x) for x in line.split()]
    os.makedirs(cache_dir, exist_ok=True)
    with open(cached, "w") as f:
        json.dump(res, f)
    record(name, res)
    return res


def record(name, res):
    """scripts/record-tshark-answers keeps what the Lua pass answered."""
    folder = os.environ.get("NETDX_TSHARK_RECORD")
    if folder:
        os.makedirs(os.path.join(folder, "diff-filter"), exist_ok=True)
        with open(os.path.join(folder, "diff-filter", name), "w") as f:
            json.dump(res, f)


def sanitized(netdx):
    """Whether netdx is an ASan build (ten times slower to start and run)."""
    out = subprocess.run(["ldd", netdx], capture_output=True, text=True).stdout
    return "libasan" in out


def pick_files(netdx, everything):
    """Every lab capture and every second corpus capture (sorted by name): 90
    filters x 110 captures keeps a release run near two minutes on two cores.
    An ASan build takes every fourth lab capture (there each of its ~0.2 s starts
    looks for memory errors, which corpus-smoke seeks on every capture: all the
    lab captures took 1,067 s); --all takes everything."""
    files = default_captures(CAPTURE_EXT)
    lab = [f for f in files if not f.startswith(os.path.abspath(corpus_dir())) and "/corpus/" not in f]
    corpus = [f for f in files if f not in lab]
    if everything:
        return files
    if sanitized(netdx):
        return lab[::4]
    return lab + corpus[::2]


def frames_of(out):
    return [int(x) for x in out.split()]


def tshark_y(path, flt):
    r = subprocess.run(["tshark", "-n", "-r", path, "-Y", flt, "-T", "fields", "-e", "frame.number"],
                       capture_output=True, text=True)
    return frames_of(r.stdout) if r.returncode == 0 else None


def netdx_y(netdx, path, flt):
    r = subprocess.run([netdx, "packets", "-r", path, "-Y", flt, "-T", "fields", "-e", "frame.number"],
                       capture_output=True, text=True)
    if r.returncode not in (0, 5):  # 5: capture cut short; the frames before the cut count
        return None, r.stderr.strip()
    return frames_of(r.stdout), ""


def short(frames, limit=8):
    s = " ".join(map(str, frames[:limit]))
    return s + (f" ... ({len(frames)})" if len(frames) > limit else "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", nargs="*")
    ap.add_argument("--filters-only", action="store_true")
    ap.add_argument("--all", action="store_true", help="every capture of captures/ and the corpus")
    args = ap.parse_args()
    if args.filters_only:
        print("\n".join(FILTERS))
        return 0
    netdx = os.environ.get("NETDX") or "build/netdx"
    files = args.files or pick_files(netdx, args.all)
    if not files:
        raise SystemExit("no captures")
    version = tshark_version()
    # scripts/test-all shares one folder between its two builds (see tests/tools/tshark).
    cache_dir = os.path.join(os.environ.get("NETDX_TSHARK_CACHE") or os.environ.get("BUILD_ROOT")
                             or tempfile.gettempdir(), "diff-filter-cache")

    # netdx must accept every filter: a filter it rejects is a bug, not a difference.
    bad = []
    for flt in FILTERS:
        r = subprocess.run([netdx, "packets", "-r", files[0], "-Y", flt, "-c", "1"], capture_output=True, text=True)
        if r.returncode == 13:
            bad.append(f"{flt}: {r.stderr.strip()}")
    if bad:
        print("netdx rejects filters tshark accepts:\n  " + "\n  ".join(bad))
        return 1

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        expected = dict(zip(files, pool.map(lambda p: tshark_all(p, cache_dir, version), files)))
        rejected = sorted({f for p in files for f, v in expected[p].items() if v is None})
        if rejected:
            print("tshark rejects these filters:\n  " + "\n  ".join(rejected))
            return 1
        pairs = [(flt, p) for p in files for flt in FILTERS]
        got = list(pool.map(lambda fp: netdx_y(netdx, fp[1], fp[0]), pairs))

        # The Lua shortcut against real -Y runs, on a spread of pairs (some with frames).
        nonempty = [fp for fp in pairs if expected[fp[1]][fp[0]]]
        step = max(1, len(nonempty) // SAMPLE_REAL_Y)
        sample = nonempty[::step][:SAMPLE_REAL_Y]
        real = list(pool.map(lambda fp: tshark_y(fp[1], fp[0]), sample))
    unfaithful = [(fp, r) for fp, r in zip(sample, real) if r != expected[fp[1]][fp[0]]]
    if unfaithful:
        for (flt, p), r in unfaithful:
            print(f"tshark Lua tap and -Y disagree: {flt!r} on {os.path.basename(p)}: -Y {short(r or [])}")
        return 1

    same = 0
    differing = []
    per_filter = {}
    for (flt, p), (frames, err) in zip(pairs, got):
        want = expected[p][flt]
        ok = frames == want
        same += ok
        per_filter.setdefault(flt, [0, 0])[0 if ok else 1] += 1
        if not ok:
            differing.append((flt, p, want, frames, err))
    for flt, p, want, frames, err in differing:
        if frames is None:
            print(f"DIFF {flt!r} {os.path.basename(p)}: netdx failed: {err}")
            continue
        only_t = sorted(set(want) - set(frames))
        only_n = sorted(set(frames) - set(want))
        print(f"DIFF {flt!r} {os.path.basename(p)}: only tshark [{short(only_t)}] only netdx [{short(only_n)}]")
    total = len(pairs)
    worst = sorted(((v[1], f) for f, v in per_filter.items() if v[1]), reverse=True)[:10]
    if worst:
        print("filters with the most differing files: " + ", ".join(f"{f!r} {n}" for n, f in worst))
    print(f"{len(FILTERS)} filters x {len(files)} captures: {same}/{total} (filter, file) pairs equal "
          f"({100.0 * same / total:.2f}%); Lua tap checked against {len(sample)} real tshark -Y runs")
    return 0 if same >= MIN_AGREEMENT * total else 1


if __name__ == "__main__":
    sys.exit(main())
