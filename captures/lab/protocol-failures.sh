#!/bin/bash
# Scenario 8: application protocol failures, office LAN, server srv 10.77.1.10,
# workstation pc1 10.77.1.101.
# Usage: protocol-failures.sh tls|http|smtp|ftp|telnet|tls-handshake|http-hang
#  tls:    an old client offering only TLS 1.0 (openssl s_client -tls1) against
#          nginx allowing TLS 1.2/1.3 (server answers a protocol_version alert);
#          then curl to a TLS 1.2 server whose certificate expired 30 days ago
#          (the client sends a certificate_expired alert).      -> tls-failures
#  http:   20 requests to nginx: /api proxies to a dead backend (502), /error
#          returns 503, / answers 200.                           -> http-5xx
#  smtp:   swaks to Postfix: a delivery to alice@lab.test (accepted), a
#          recipient that does not exist (550 5.1.1), and a message for
#          someone@example.org from a client outside mynetworks (554 5.7.1
#          relay access denied).                                 -> smtp-rejected
#  ftp:    curl logs in to vsftpd as alice with a wrong password (530), twice,
#          then anonymously (works).                             -> ftp-login-failed
#  telnet: inetutils telnet logs in to telnetd as alice, and curl logs in to
#          vsftpd as alice: both passwords cross the LAN in clear.  -> plaintext-logins
#  tls-handshake: nginx allowing only ECDHE-RSA-AES128-GCM-SHA256 (TLS 1.2);
#          openssl s_client -tls1_2 offering only AES128-SHA: no shared cipher,
#          the server answers a handshake_failure alert (twice). -> tls-handshake-failed
#  http-hang: socat on srv:80 accepts and reads the request but never answers;
#          curl --max-time 15 gives up; the capture keeps running until the
#          request is ~15.5 s old.                              -> http-unanswered
. "$(dirname "$0")/lib.sh"
MODE=${1:?usage: protocol-failures.sh tls|http|smtp|ftp|telnet|tls-handshake|http-hang}
lab_init "proto-$MODE"
case "$MODE" in
  tls) OUT="$LAB_OUT/tls-failures.pcap" ;;
  http) OUT="$LAB_OUT/http-5xx.pcap" ;;
  smtp) OUT="$LAB_OUT/smtp-rejected.pcap" ;;
  ftp) OUT="$LAB_OUT/ftp-login-failed.pcap" ;;
  telnet) OUT="$LAB_OUT/plaintext-logins.pcap" ;;
  tls-handshake) OUT="$LAB_OUT/tls-handshake-failed.pcap" ;;
  http-hang) OUT="$LAB_OUT/http-unanswered.pcap" ;;
  *) lab_die "unknown mode $MODE" ;;
esac

lab_office dns srv pc1
lab_wan_bridge
lab_host dns 02:77:00:00:00:53 10.77.1.53
lab_host srv 02:77:00:00:00:10 10.77.1.10
lab_host pc1 02:77:00:00:01:01 10.77.1.101
hosts=$(lab_hosts_file lan "10.77.1.10 files.lab.test www.lab.test mail.lab.test ftp.lab.test old.lab.test")
lab_dnsmasq dns dns --interface=eth0 --bind-interfaces --domain=lab.test --local=/lab.test/ --addn-hosts="$hosts"
lab_wait_port dns udp 53
# The lab's test account (a local user of this machine, used only by the lab).
lab_user alice 'Secret-77'

case "$MODE" in
  tls)
    good=$(lab_tls_cert www www.lab.test 365)
    old=$(lab_tls_cert old old.lab.test 30 -60)
    lab_nginx srv tls "    server { listen 443 ssl; ssl_certificate $good.crt; ssl_certificate_key $good.key;
        ssl_protocols TLSv1.2 TLSv1.3; return 200 'ok\n'; }
    server { listen 8443 ssl; ssl_certificate $old.crt; ssl_certificate_key $old.key;
        ssl_protocols TLSv1.2; return 200 'ok\n'; }"
    lab_wait_port srv tcp 8443
    lab_capture sw br0 "$OUT"
    on pc1 timeout 5 openssl s_client -connect www.lab.test:443 -servername www.lab.test -tls1 \
        -cipher 'DEFAULT@SECLEVEL=0' </dev/null >"$LAB_TMP/s_client.log" 2>&1 || true
    lab_curl pc1 --cacert "$LAB_TMP/tls/ca.crt" https://old.lab.test:8443/
    grep -q -i 'expired' "$LAB_TMP/curl-pc1.log" || lab_die "curl did not see the expired certificate"
    grep -q -i 'alert\|protocol' "$LAB_TMP/s_client.log" || lab_die "TLS 1.0 handshake did not fail"
    ;;
  http)
    lab_nginx srv web "    server { listen 80; location / { return 200 'ok\n'; } location /error { return 503; }
        location /api { proxy_pass http://127.0.0.1:9; } }"
    lab_wait_port srv tcp 80
    lab_capture sw br0 "$OUT"
    for i in $(seq 1 8); do
        lab_curl pc1 http://www.lab.test/api/orders
        lab_curl pc1 http://www.lab.test/error
    done
    for i in 1 2 3 4; do lab_curl pc1 http://www.lab.test/; done
    ;;
  smtp)
    lab_postfix srv mail.lab.test 127.0.0.0/8
    lab_wait_port srv tcp 25
    lab_capture sw br0 "$OUT"
    sw_() { on pc1 swaks --server 10.77.1.10 --helo pc1.lab.test --timeout 10 "$@" >>"$LAB_TMP/swaks.log" 2>&1 || true; }
    sw_ --from bob@lab.test --to alice@lab.test
    sw_ --from bob@lab.test --to nosuchuser@lab.test
    sw_ --from bob@lab.test --to someone@example.org
    grep -q '<\*\* 550' "$LAB_TMP/swaks.log" || lab_die "no 550"
    grep -q '<\*\* 554' "$LAB_TMP/swaks.log" || lab_die "no relay denied"
    ;;
  ftp|telnet)
    lab_vsftpd srv
    lab_wait_port srv tcp 21
    if [ "$MODE" = ftp ]; then
        lab_capture sw br0 "$OUT"
        lab_curl pc1 --list-only ftp://alice:wrong-password@ftp.lab.test/
        lab_curl pc1 --list-only ftp://alice:Secret-78@ftp.lab.test/
        lab_curl pc1 --list-only ftp://ftp.lab.test/
        grep -q 'Access denied: 530' "$LAB_TMP/curl-pc1.log" || lab_die "no 530"
    else
        lab_telnetd srv
        lab_wait_port srv tcp 23
        lab_capture sw br0 "$OUT"
        { sleep 2; echo alice; sleep 1; echo 'Secret-77'; sleep 2; echo 'id'; sleep 1; echo exit; sleep 1; } |
            on pc1 timeout 15 telnet 10.77.1.10 >"$LAB_TMP/telnet.log" 2>&1 || true
        lab_curl pc1 --list-only ftp://alice:Secret-77@ftp.lab.test/
        grep -q 'uid=' "$LAB_TMP/telnet.log" || lab_die "telnet login failed: $(tail -5 "$LAB_TMP/telnet.log")"
        [ ! -s "$LAB_TMP/curl-pc1.log" ] || lab_die "ftp login failed: $(cat "$LAB_TMP/curl-pc1.log")"
    fi
    ;;
  tls-handshake)
    cert=$(lab_tls_cert www www.lab.test 365)
    lab_nginx srv tlsfail "    server { listen 443 ssl; ssl_certificate $cert.crt; ssl_certificate_key $cert.key;
        ssl_protocols TLSv1.2; ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256; return 200 'ok\n'; }"
    lab_wait_port srv tcp 443
    lab_capture sw br0 "$OUT"
    for i in 1 2; do
        on pc1 timeout 5 openssl s_client -connect www.lab.test:443 -servername www.lab.test -tls1_2 \
            -cipher AES128-SHA </dev/null >>"$LAB_TMP/s_client.log" 2>&1 || true
        sleep 0.5
    done
    grep -q -i 'handshake failure' "$LAB_TMP/s_client.log" || lab_die "no handshake failure: $(tail -5 "$LAB_TMP/s_client.log")"
    ;;
  http-hang)
    # A listener that reads the request and never writes a byte back.
    lab_bg srv socat-hang socat TCP-LISTEN:80,fork,reuseaddr EXEC:'sleep 60'
    lab_wait_port srv tcp 80
    lab_capture sw br0 "$OUT"
    on pc1 curl -sS -o /dev/null --connect-timeout 4 --max-time 15 http://www.lab.test/status \
        >>"$LAB_TMP/curl-pc1.log" 2>&1 || true
    grep -q -i 'timed out' "$LAB_TMP/curl-pc1.log" || lab_die "curl did not time out: $(cat "$LAB_TMP/curl-pc1.log")"
    ;;
esac
lab_finish "$OUT"
