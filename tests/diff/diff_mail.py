#!/usr/bin/env python3
"""Differential test: `netdx mail` against tshark 4.0's IMF dissector.

Messages compared: every IMF layer tshark shows (`-Y imf`, its default SMTP,
POP and IMAP reassembly) in the files given (default: FILES, the captures and
bundled public corpus files where tshark shows IMF). Each is matched with the
netdx message that ended on the same frame (in order when a frame ends
several), else with the first unmatched one ending up to SHIFT frames before
(tshark shows an IMAP literal on the frame that ends the FETCH response, netdx
on the frame of its last byte). They agree when these are equal:
- From and To: the addresses (addr-specs, lower-cased) of the header, read
  from tshark's raw header value with Python's email.utils;
- Subject: tshark's raw value RFC 2047-decoded by Python's email.header,
  whitespace collapsed; netdx's escaped UTF-8 unescaped;
- Message-ID as written.
IMF layers where tshark found no header at all (From, To, Subject and
Message-ID all absent) are counted apart, not compared: where netdx lists no
message they are not messages (tshark reads every POP3 multi-line answer,
LIST and UIDL too, and the lines a client sends after a refused DATA, as IMF);
where netdx lists one, tshark showed it as text lines (imf.message_text).
Every difference is printed, and the netdx messages tshark does not show.
Fails when fewer than THRESHOLD % agree or when nothing is compared.
Usage: diff_mail.py [-v] [FILE...].
"""
import argparse
import concurrent.futures
import email.header
import email.utils
import json
import os
import re
import subprocess
import sys

THRESHOLD = 95.0
SHIFT = 3
SRC = os.environ.get("SOURCE_ROOT", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CAPTURES = os.environ.get("CAPTURES", os.path.join(SRC, "captures"))
CORPUS = os.environ.get("CORPUS", os.path.join(SRC, "tests", "corpus", "public"))
FILES = [os.path.join(CAPTURES, f) for f in ["healthy-office.pcap", "smtp-rejected.pcap", "mail-messages.pcap"]] + [
    os.path.join(CORPUS, f) for f in [
        "OISF__suricata-verify__imap-detection.pcap",
        "OISF__suricata-verify__pop3-02-bug-7709.pcap",
        "OISF__suricata-verify__smtp-data-rejected-10.7.29.101_49898-178.63.41.150_25.pcap",
        "OISF__suricata-verify__smtp-errors-smtperr.pcap",
        "chrissanders__packets__mail_receiver_server_3.pcapng",
        "chrissanders__packets__mail_sender_attachment.pcapng",
        "chrissanders__packets__mail_sender_client_1.pcapng",
        "chrissanders__packets__mail_sender_server_2.pcapng",
        "zeek__zeek__pop3-unknown-commands.pcap",
        "zeek__zeek__smtp-mail-transactions-invalid.pcap",
        "zeek__zeek__smtp-multi-addr.pcap",
        "zeek__zeek__smtp.pcap",
    ]]


def unescape(s):
    """netdx's escaping (printable ASCII as is, \\\\ and \\xHH) back to text."""
    out = bytearray()
    i = 0
    while i < len(s):
        if s[i] == "\\" and s[i + 1:i + 2] == "\\":
            out += b"\\"
            i += 2
        elif s[i] == "\\" and s[i + 1:i + 2] == "x":
            out.append(int(s[i + 2:i + 4], 16))
            i += 4
        else:
            out += s[i].encode()
            i += 1
    return out.decode("utf-8", "replace")


def addresses(raw):
    raw = re.sub(r"\r?\n[ \t]", " ", raw or "")
    return sorted(a.lower() for _, a in email.utils.getaddresses([raw]) if a)


def decoded_subject(raw):
    raw = re.sub(r"\r?\n[ \t]", " ", raw or "")
    try:
        text = str(email.header.make_header(email.header.decode_header(raw)))
    except Exception:  # noqa: BLE001 - undecodable words stay as written
        text = raw
    return " ".join(text.split())


def tshark_messages(path):
    out = subprocess.run(["tshark", "-n", "-r", path, "-Y", "imf", "-T", "json", "-J", "frame imf",
                          "--no-duplicate-keys"], capture_output=True, text=True, errors="replace", check=True).stdout
    msgs = []
    for pkt in json.loads(out or "[]"):
        layers = pkt["_source"]["layers"]
        frame = int(layers["frame"]["frame.number"])
        imfs = layers["imf"] if isinstance(layers["imf"], list) else [layers["imf"]]
        for i in imfs:
            msgs.append((frame, {"from": addresses(i.get("imf.from")), "to": addresses(i.get("imf.to")),
                                 "subject": decoded_subject(i.get("imf.subject")),
                                 "message_id": (i.get("imf.message_id") or "").strip()}))
    return msgs


def netdx_messages(netdx, path):
    out = subprocess.run([netdx, "mail", "-r", path, "-T", "json"], capture_output=True, text=True,
                         check=True).stdout
    msgs = []
    for line in out.splitlines():
        m = json.loads(line)
        msgs.append((m["frame"], {"from": sorted(a.lower() for a in m["from_addresses"]),
                                  "to": sorted(a.lower() for a in m["to_addresses"]),
                                  "subject": " ".join(unescape(m["subject"]).split()),
                                  "message_id": m["message_id"]}))
    return msgs


global_counts = {}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-v", action="store_true")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    netdx = os.environ.get("NETDX", "netdx")
    total = agree = extra = 0
    global_counts.update(shifted=0, not_messages=0, text_only=0)
    files = a.files or FILES
    # Both tools start up once per file (tshark's start-up is most of the
    # time): two files at a time.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        read = list(pool.map(lambda f: (tshark_messages(f), netdx_messages(netdx, f)), files))
    for path, (theirs, ours) in zip(files, read):
        by_frame = {}
        for frame, m in ours:
            by_frame.setdefault(frame, []).append(m)
        used = {}  # frame -> how many of its netdx messages are matched

        def take(frame):
            k = used.get(frame, 0)
            cands = by_frame.get(frame, [])
            if k < len(cands):
                used[frame] = k + 1
                return cands[k]
            return None

        file_agree = file_total = 0
        for frame, t in theirs:
            n = take(frame)
            for back in range(1, SHIFT + 1):
                if n is not None:
                    break
                n = take(frame - back)
                if n is not None:
                    global_counts["shifted"] += 1
            if not (t["from"] or t["to"] or t["subject"] or t["message_id"]):
                # No header field: not a message, or one tshark shows only as
                # text lines (imf.message_text); nothing to compare either way.
                global_counts["not_messages" if n is None else "text_only"] += 1
                continue
            total += 1
            file_total += 1
            if n == t:
                agree += 1
                file_agree += 1
            else:
                print(f"DIFF {os.path.basename(path)} frame {frame}:\n  tshark {t}\n  netdx  {n}")
        for frame, ms in by_frame.items():
            if len(ms) > used.get(frame, 0):
                extra += len(ms) - used.get(frame, 0)
                if a.v:
                    print(f"ONLY NETDX {os.path.basename(path)} frame {frame}: {ms[used.get(frame, 0):]}")
        print(f"{os.path.basename(path)}: {file_agree}/{file_total} agree, netdx {len(ours)} message(s)")
    pct = 100.0 * agree / total if total else 0.0
    print(f"TOTAL {agree}/{total} IMF messages agree ({pct:.1f}%), {global_counts['shifted']} of them matched "
          f"up to {SHIFT} frames earlier; not compared: {global_counts['not_messages']} IMF layer(s) without any "
          f"header where netdx lists no message, {global_counts['text_only']} message(s) tshark shows only as text "
          f"lines; {extra} netdx message(s) tshark does not show")
    if not total:
        print("FAIL: nothing compared")
        return 1
    return 0 if pct >= THRESHOLD else 1


if __name__ == "__main__":
    sys.exit(main())
