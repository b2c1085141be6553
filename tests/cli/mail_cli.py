#!/usr/bin/env python3
"""`netdx mail` and the mail.* rules.

1. Public captures with SMTP messages and the lab's (Postfix, Dovecot):
   every attachment netdx lists (name, type, decoded size) and the
   From/Subject of every message equal what Python's email package reads
   from the same message cut out of tshark 4.0's follow-stream (DATA to the
   lone ".", dot-unstuffed), matched by Message-ID; the lab's messages
   fetched again by POP3 and IMAP must read the same.
2. A capture built here (SMTP, POP3, IMAP): a subject with a terminal escape
   and 8-bit bytes, an executable attachment, a message refused after DATA
   and one refused at MAIL FROM SIZE=, one Message-ID relayed back to a server
   it passed (and one over an ordinary three-server path), a multipart without a boundary, a message fetched by POP3 RETR
   (dot-stuffed) and by IMAP FETCH. `netdx mail` must list every message
   with its fields and write no control byte to the terminal; `netdx
   analyze` must raise each mail.* rule once, with its count.
3. No mail.* finding on ordinary mail (the public captures above and
   captures/healthy-office.pcap).
"""
import base64
import concurrent.futures
import email
import email.policy
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcp_pcap import Pcap  # noqa: E402

NETDX = os.environ.get("NETDX", "netdx")
CAPTURES = os.environ.get("CAPTURES", "captures")
CORPUS = os.environ.get("CORPUS", "tests/corpus/public")
PUBLIC = [os.path.join(CORPUS, f) for f in [
    "chrissanders__packets__mail_sender_attachment.pcapng",
    "chrissanders__packets__mail_sender_client_1.pcapng",
    "zeek__zeek__smtp.pcap",
]]
LAB = os.path.join(CAPTURES, "mail-messages.pcap")  # Postfix and Dovecot (captures/lab/mail-messages.sh)
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def unescape(s):
    out, i = bytearray(), 0
    while i < len(s):
        if s.startswith("\\\\", i):
            out += b"\\"
            i += 2
        elif s.startswith("\\x", i):
            out.append(int(s[i + 2:i + 4], 16))
            i += 4
        else:
            out += s[i].encode()
            i += 1
    return out.decode("utf-8", "replace")


def mail_json(path):
    r = subprocess.run([NETDX, "mail", "-r", path, "-T", "json"], capture_output=True, text=True, check=True)
    return [json.loads(line) for line in r.stdout.splitlines()]


def findings(path):
    r = subprocess.run([NETDX, "analyze", "-T", "json", path], capture_output=True, text=True)
    return [f for f in json.loads(r.stdout)["findings"] if f["id"].startswith("mail.") and f["id"] != "mail.login_failed"]


def tshark_messages(path):
    """The messages of every SMTP stream with a DATA, from tshark's follow-stream
    (which drops retransmitted bytes; its IMF export of zeek's smtp.pcap keeps
    them and doubles half the message), dot-unstuffed."""
    streams = subprocess.run(["tshark", "-r", path, "-Y", 'lower(smtp.req.command) == "data"', "-T", "fields", "-e",
                              "tcp.stream"], capture_output=True, text=True, check=True).stdout.split()
    out = []
    for st in sorted(set(streams), key=int):
        raw = subprocess.run(["tshark", "-r", path, "-qz", f"follow,tcp,raw,{st}"], capture_output=True, text=True,
                             check=True).stdout.splitlines()
        # Client bytes are the lines that are hex from the first column (the server's are indented).
        client = b"".join(bytes.fromhex(line) for line in raw if re.fullmatch(r"[0-9a-f]+", line))
        at = 0
        while (found := re.compile(rb"(?i)(?:^|\r\n)data\r\n").search(client, at)):
            start = found.end()
            end = client.find(b"\r\n.\r\n", start)
            if end < 0:
                break
            body = client[start:end + 2]
            out.append(re.sub(rb"(?m)^\.\.", b".", body))
            at = end
    return out


def against_tshark():
    for path in PUBLIC + [LAB]:
        name = os.path.basename(path)
        ref = {}
        for raw in tshark_messages(path):
            m = email.message_from_bytes(raw, policy=email.policy.default)
            atts = sorted((p.get_filename(), p.get_content_type(), len(p.get_payload(decode=True) or b""))
                          for p in m.walk() if not p.is_multipart() and p.get_filename())
            ref[(m["Message-ID"] or "").strip()] = (str(m["Subject"] or ""), m["From"].addresses[0].addr_spec, atts)
        ours = mail_json(path)
        smtp = [m for m in ours if m["protocol"] == "smtp"]
        check(len(smtp) == len(ref) and len(ref) > 0, f"{name}: {len(smtp)} SMTP message(s), tshark's streams {len(ref)}")
        # The same message fetched by POP3 or IMAP must read the same.
        for m in [m for m in ours if not m["headers_only"] and (m["protocol"] == "smtp" or m["message_id"] in ref)]:
            want = ref.get(m["message_id"])
            got_atts = sorted((unescape(a["name"]), a["type"], a["size"]) for a in m["attachments"])
            got = (unescape(m["subject"]), m["from_addresses"][0] if m["from_addresses"] else None, got_atts)
            check(want == got, f"{name} {m['protocol']} {m['message_id']}: subject, from, attachments {got} == {want}")


def smtp(pcap, client, server, msg, data_reply=b"250 2.0.0 Ok: queued\r\n", mail_reply=b"250 2.1.0 Ok\r\n",
         size=None):
    mail_from = b"MAIL FROM:<alice@lab.test>" + (b" SIZE=%d" % size if size else b"") + b"\r\n"
    segs = [(False, b"220 mx.lab.test ESMTP\r\n"), (True, b"EHLO pc1\r\n"), (False, b"250 mx.lab.test\r\n"),
            (True, mail_from), (False, mail_reply)]
    if mail_reply.startswith(b"250"):
        segs += [(True, b"RCPT TO:<bob@lab.test>\r\n"), (False, b"250 2.1.5 Ok\r\n"), (True, b"DATA\r\n"),
                 (False, b"354 End data with <CR><LF>.<CR><LF>\r\n"), (True, msg + b".\r\n"), (False, data_reply)]
    segs += [(True, b"QUIT\r\n"), (False, b"221 2.0.0 Bye\r\n")]
    pcap.conversation(client, server, 40000 + len(pcap.records), 25, segs)


def message(subject, body=b"Hello.\r\n", extra=b"", msgid=None, received=0):
    head = b"".join(b"Received: from hop%d by hop%d\r\n" % (i, i + 1) for i in range(received))
    head += b"From: Alice <alice@lab.test>\r\nTo: bob@lab.test\r\nSubject: " + subject + b"\r\n"
    head += b"Message-ID: <" + (msgid or subject.replace(b" ", b".")) + b"@lab.test>\r\n" + extra
    return head + b"\r\n" + body


def synthetic(path):
    p = Pcap()
    exe = base64.b64encode(b"MZ" + bytes(998)).decode().encode()
    multipart = (b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n",
                 b"--XX\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--XX\r\n"
                 b"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
                 b"Content-Disposition: attachment; filename=\"invoice.pdf.exe\"\r\n\r\n" + exe + b"\r\n--XX--\r\n")
    # 1: terminal escape and Latin-1 bytes in the subject, an executable attachment
    smtp(p, "10.0.0.2", "10.0.0.25", message(b"pay \x1b[31mnow\x1b[0m caf\xe9", multipart[1], multipart[0], b"exe"))
    # 2, 3: refused for size after DATA and at MAIL FROM
    smtp(p, "10.0.0.3", "10.0.0.25", message(b"big", b"x" * 3000 + b"\r\n"),
         data_reply=b"552 5.3.4 Message size exceeds fixed limit\r\n")
    smtp(p, "10.0.0.3", "10.0.0.25", b"", mail_reply=b"552 5.3.4 Message size exceeds fixed limit\r\n",
         size=90000000)
    # 4: one message relayed back and forth between two servers, one more
    # Received header each time; and an ordinary three-hop path (no loop)
    for hop, server in enumerate(["10.0.1.1", "10.0.1.2", "10.0.1.1"]):
        smtp(p, "10.0.0.4", server, message(b"looping", msgid=b"loop1", received=hop + 1))
    for hop, server in enumerate(["10.0.2.1", "10.0.2.2", "10.0.2.3"]):
        smtp(p, "10.0.0.4", server, message(b"path", msgid=b"path1", received=hop))
    # 5: a multipart without its boundary
    smtp(p, "10.0.0.5", "10.0.0.25", message(b"broken", b"--x\r\n\r\nhi\r\n--x--\r\n",
                                             b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n"))
    # 6: POP3 RETR (dot-stuffed) and IMAP FETCH of an ordinary message
    fetched = message(b"fetched", b".a dotted line\r\n")
    stuffed = fetched.replace(b"\r\n.a", b"\r\n..a")  # as POP3 sends it
    p.conversation("10.0.0.6", "10.0.0.110", 41000, 110, [
        (False, b"+OK ready\r\n"), (True, b"RETR 1\r\n"), (False, b"+OK\r\n" + stuffed + b".\r\n"),
        (True, b"QUIT\r\n"), (False, b"+OK bye\r\n")])
    literal = fetched  # IMAP counts bytes: nothing stuffed
    p.conversation("10.0.0.6", "10.0.0.143", 41001, 143, [
        (False, b"* OK ready\r\n"), (True, b"a1 FETCH 1 (BODY[])\r\n"),
        (False, b"* 1 FETCH (BODY[] {%d}\r\n" % len(literal) + literal + b")\r\na1 OK done\r\n")])
    p.write(path)
    return len(literal)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        against_tshark()

        path = os.path.join(tmp, "mail.pcap")
        literal_size = synthetic(path)
        ms = mail_json(path)
        check(len(ms) == 11, f"synthetic: 11 messages listed ({len(ms)})")
        by_subject = {unescape(m["subject"]): m for m in ms}
        first = next((m for m in ms if m["message_id"] == "<exe@lab.test>"), None)
        check(first is not None and unescape(first["subject"]).startswith("pay \x1b[31mnow\x1b[0m caf")
              and "\\x1b" in first["subject"], "the escape in the subject is escaped in JSON")
        check(first is not None and [(a["name"], a["size"]) for a in first["attachments"]] == [("invoice.pdf.exe", 1000)],
              "the executable attachment: name and decoded size")
        big = by_subject.get("big")
        check(big is not None and big["reply_code"] == 552 and big["enhanced_status"] == "5.3.4",
              "the message refused after DATA carries 552 5.3.4")
        check(by_subject.get("fetched") is not None and
              sorted(m["protocol"] for m in ms if unescape(m["subject"]) == "fetched") == ["imap", "pop3"],
              "the fetched message is listed for POP3 and IMAP")
        sizes = sorted(m["size"] for m in ms if unescape(m["subject"]) == "fetched")
        check(sizes == [literal_size, literal_size], f"POP3 size after dot-unstuffing equals the IMAP literal {sizes}")
        text = subprocess.run([NETDX, "mail", "-r", path], capture_output=True, check=True).stdout
        check(b"\x1b" not in text and b"\\x1b[31m" in text, "text output: no raw escape byte, shown as \\x1b")
        check(text.rstrip().endswith(b"# 11 message(s)") and b"attachment: invoice.pdf.exe" in text,
              "text output: attachment line and message count")

        got = {}
        for f in findings(path):
            got.setdefault(f["id"], []).append(f)
        counts = {k: [int(f["figures"].get("count", 0)) for f in v] for k, v in got.items()}
        check(counts.get("mail.size_rejected") == [2], f"mail.size_rejected once with 2 refusals {counts}")
        check(counts.get("mail.executable_attachment") == [1], "mail.executable_attachment once")
        check(counts.get("mail.malformed_mime") == [1], "mail.malformed_mime once")
        loops = got.get("mail.loop", [])
        check(len(loops) == 1 and "<loop1@lab.test>" in loops[0]["title"] and len(loops[0]["evidence"]["frames"]) == 3,
              "mail.loop once, naming the Message-ID, with the three relays as evidence")
        check(set(got) == {"mail.size_rejected", "mail.executable_attachment", "mail.malformed_mime", "mail.loop"},
              f"no other mail.* finding ({sorted(got)})")

    ordinary = PUBLIC + [os.path.join(CAPTURES, "healthy-office.pcap")]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for path, fs in zip(ordinary, pool.map(findings, ordinary)):
            check(not fs, f"{os.path.basename(path)}: no mail.* finding ({[f['id'] for f in fs]})")
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
