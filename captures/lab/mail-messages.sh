#!/bin/bash
# E-mail messages in clear: Postfix (message_size_limit 20000) and Dovecot
# (POP3, IMAP, no TLS) on srv; Python's smtplib, poplib and imaplib on pc1.
#  - SMTP: a multipart message with a PDF and an .exe attachment (accepted),
#    a 40 kB message sent without SIZE= (552 5.3.4 after DATA) and the same
#    with SIZE= (552 5.3.4 to MAIL FROM);
#  - alice's mailbox holds that multipart message and a plain one: POP3 RETR
#    of both, IMAP FETCH BODY[] of both and a header fetch.
#   -> mail-messages (mail.size_rejected: 2 refusals; mail.executable_attachment:
#      3, through SMTP, POP3 and IMAP)
# Usage: mail-messages.sh
. "$(dirname "$0")/lib.sh"
lab_init mail-messages
OUT="$LAB_OUT/mail-messages.pcap"

lab_office dns srv pc1
lab_wan_bridge
lab_host dns 02:77:00:00:00:53 10.77.1.53
lab_host srv 02:77:00:00:00:10 10.77.1.10
lab_host pc1 02:77:00:00:01:01 10.77.1.101
lab_user alice 'Secret-77'

# The messages, written once: sent over SMTP and stored for Dovecot alike.
"$LAB_PY" - "$LAB_TMP" <<'EOF'
import sys
from email.message import EmailMessage
tmp = sys.argv[1]
m = EmailMessage()
m["From"] = "Bob Example <bob@lab.test>"
m["To"] = "alice@lab.test"
m["Subject"] = "=?UTF-8?Q?Rechnung_f=C3=BCr_Dezember?="
m["Message-ID"] = "<invoice-1@lab.test>"
m["Date"] = "Mon, 07 Dec 2026 07:00:00 +0000"
m.set_content("The invoice and the tool are attached.\n")
m.add_attachment(b"%PDF-1.4\n" + bytes(range(256)) * 8, maintype="application", subtype="pdf", filename="invoice.pdf")
m.add_attachment(b"MZ" + bytes(4094), maintype="application", subtype="octet-stream", filename="setup.exe")
open(f"{tmp}/multipart.eml", "wb").write(bytes(m))
p = EmailMessage()
p["From"] = "carol@lab.test"
p["To"] = "alice@lab.test"
p["Subject"] = "lunch"
p["Message-ID"] = "<lunch-1@lab.test>"
p.set_content("Noon?\n.a line that starts with a dot\n")
open(f"{tmp}/plain.eml", "wb").write(bytes(p))
big = EmailMessage()
big["From"] = "bob@lab.test"
big["To"] = "alice@lab.test"
big["Subject"] = "big"
big["Message-ID"] = "<big-1@lab.test>"
big.set_content("x" * 76 + "\n" * 1 + ("y" * 76 + "\n") * 520)
open(f"{tmp}/big.eml", "wb").write(bytes(big))
EOF

d="$LAB_TMP/dovecot"
mkdir -p "$d/run" "$d/state" "$d/home/alice/Maildir/new" "$d/home/alice/Maildir/cur" "$d/home/alice/Maildir/tmp"
cp "$LAB_TMP/multipart.eml" "$d/home/alice/Maildir/new/1.lab"
cp "$LAB_TMP/plain.eml" "$d/home/alice/Maildir/new/2.lab"
chown -R alice: "$d/home/alice"
echo 'alice:{PLAIN}Secret-77' >"$d/users"
cat >"$d/dovecot.conf" <<EOF
protocols = pop3 imap
listen = 10.77.1.10
base_dir = $d/run
state_dir = $d/state
log_path = $d/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN $d/users
}
userdb {
  driver = static
  args = uid=alice gid=alice home=$d/home/%u
}
EOF
lab_bg srv dovecot dovecot -F -c "$d/dovecot.conf"
lab_postfix srv mail.lab.test 127.0.0.0/8
on srv postconf -c "$LAB_TMP/postfix/etc" -e message_size_limit=20000
lab_wait_port srv tcp 25
on srv postfix -c "$LAB_TMP/postfix/etc" reload >/dev/null 2>&1 || true
lab_wait_port srv tcp 110
lab_wait_port srv tcp 143
sleep 1
lab_capture sw br0 "$OUT"

on pc1 "$LAB_PY" - "$LAB_TMP" >"$LAB_TMP/clients.log" 2>&1 <<'EOF' || true
import imaplib, poplib, smtplib, sys
tmp = sys.argv[1]
multipart = open(f"{tmp}/multipart.eml", "rb").read()
big = open(f"{tmp}/big.eml", "rb").read()
s = smtplib.SMTP("10.77.1.10", 25, local_hostname="pc1.lab.test", timeout=30)
print("multipart", s.sendmail("bob@lab.test", ["alice@lab.test"], multipart))
# Without SIZE=: the server learns the size only from the DATA itself.
s.mail("bob@lab.test")
s.rcpt("alice@lab.test")
print("big after DATA", s.data(big))
s.rset()
# With SIZE= (smtplib adds it when the server announces SIZE): refused at MAIL FROM.
try:
    s.sendmail("bob@lab.test", ["alice@lab.test"], big)
except smtplib.SMTPException as e:
    print("big at MAIL FROM", e)
s.quit()
p = poplib.POP3("10.77.1.10", timeout=30)
p.user("alice")
p.pass_("Secret-77")
for i in (1, 2):
    print("pop3 retr", i, len(p.retr(i)[1]))
p.quit()
m = imaplib.IMAP4("10.77.1.10", timeout=30)
m.login("alice", "Secret-77")
m.select("INBOX", readonly=True)
print("imap header fetch", m.fetch("1:2", "(RFC822.SIZE BODY.PEEK[HEADER])")[0])
print("imap body fetch", m.fetch("1:2", "(BODY.PEEK[])")[0])
m.logout()
EOF
grep -q "^multipart {}" "$LAB_TMP/clients.log" || lab_die "multipart not accepted: $(cat "$LAB_TMP/clients.log")"
grep -q "big after DATA (552" "$LAB_TMP/clients.log" || lab_die "no 552 after DATA: $(cat "$LAB_TMP/clients.log")"
grep -q "big at MAIL FROM (552" "$LAB_TMP/clients.log" || lab_die "no 552 at MAIL FROM: $(cat "$LAB_TMP/clients.log")"
[ "$(grep -c 'pop3 retr' "$LAB_TMP/clients.log")" = 2 ] || lab_die "POP3 RETR failed: $(cat "$LAB_TMP/clients.log")"
grep -q "imap body fetch" "$LAB_TMP/clients.log" || lab_die "IMAP FETCH failed: $(cat "$LAB_TMP/clients.log")"
lab_finish "$OUT"
