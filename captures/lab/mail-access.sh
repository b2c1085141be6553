#!/bin/bash
# Mail access in clear: Dovecot (dovecot-pop3d, dovecot-imapd) on srv, without
# TLS, and Python's poplib / imaplib on pc1. Each protocol: two logins with a
# wrong password, then alice's good login reading her mailbox.
#   -> mail-access-plaintext (cred.plaintext_pop3, cred.plaintext_imap,
#      mail.login_failed: 4 rejected logins from pc1)
# Usage: mail-access.sh
. "$(dirname "$0")/lib.sh"
lab_init mail-access
OUT="$LAB_OUT/mail-access-plaintext.pcap"

lab_office dns srv pc1
lab_wan_bridge
lab_host dns 02:77:00:00:00:53 10.77.1.53
lab_host srv 02:77:00:00:00:10 10.77.1.10
lab_host pc1 02:77:00:00:01:01 10.77.1.101
# The lab's test account (a local user of this machine, used only by the lab).
lab_user alice 'Secret-77'

d="$LAB_TMP/dovecot"
mkdir -p "$d/run" "$d/state" "$d/home/alice"
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
auth_failure_delay = 0
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
lab_wait_port srv tcp 110
lab_wait_port srv tcp 143
lab_capture sw br0 "$OUT"

on pc1 "$LAB_PY" - >"$LAB_TMP/clients.log" 2>&1 <<'EOF' || true
import imaplib, poplib
for pw in ("wrong-password", "Secret-88", "Secret-77"):
    p = poplib.POP3("10.77.1.10", timeout=30)  # Dovecot delays answers to an address after failures (auth penalty)
    try:
        p.user("alice")
        p.pass_(pw)
        print("pop3 ok", p.stat())
        p.list()
    except poplib.error_proto as e:
        print("pop3 rejected", e)
    p.quit()
for pw in ("wrong-password", "Secret-88", "Secret-77"):
    m = imaplib.IMAP4("10.77.1.10", timeout=30)
    try:
        m.login("alice", pw)
        print("imap ok", m.select("INBOX"))
    except imaplib.IMAP4.error as e:
        print("imap rejected", e)
    m.logout()
EOF
grep -q 'pop3 ok' "$LAB_TMP/clients.log" || lab_die "no POP3 login: $(cat "$LAB_TMP/clients.log")"
grep -q 'imap ok' "$LAB_TMP/clients.log" || lab_die "no IMAP login: $(cat "$LAB_TMP/clients.log")"
[ "$(grep -c 'rejected' "$LAB_TMP/clients.log")" = 4 ] || lab_die "expected 4 rejected logins: $(cat "$LAB_TMP/clients.log")"
lab_finish "$OUT"
