#!/bin/bash
# SSH failures, office LAN: OpenSSH server srv 10.77.1.10 (Debian sshd, defaults,
# ed25519 host key, key login only), workstation pc1 10.77.1.101 (Debian ssh).
#  1. a key login in BatchMode that works (runs `true`);
#  2. a client forced to diffie-hellman-group1-sha1 only (no common key exchange);
#  3. a client forced to ssh-dss host keys only (no common host key algorithm);
#  4. a connection cut during key exchange: the client's ProxyCommand passes only
#     its first 600 bytes (identification and part of its KEXINIT), then closes;
#  5. (against legacy 10.77.1.12, an sshd that also allows 3des-cbc) a key login
#     with a client forced to 3des-cbc: it works, with a weak cipher.
#  6. a client that speaks only SSH-1: socat sends the identification line
#     "SSH-1.5-Legacy_1.0" (no SSH-1 client is packaged any more) and sshd
#     answers "Protocol major versions differ.".
#                                                            -> ssh-failures
. "$(dirname "$0")/lib.sh"
lab_init ssh-failures
OUT="$LAB_OUT/ssh-failures.pcap"

lab_office srv pc1 legacy
lab_wan_bridge
lab_host srv 02:77:00:00:00:10 10.77.1.10
lab_host pc1 02:77:00:00:01:01 10.77.1.101
lab_host legacy 02:77:00:00:00:12 10.77.1.12
lab_sshd srv
lab_wait_port srv tcp 22
sed -e "s|^PidFile .*|PidFile $LAB_TMP/ssh/sshd-legacy.pid|" "$LAB_TMP/ssh/sshd_config" >"$LAB_TMP/ssh/sshd_legacy_config"
echo 'Ciphers +3des-cbc' >>"$LAB_TMP/ssh/sshd_legacy_config"
lab_bg legacy sshd-legacy /usr/sbin/sshd -D -e -f "$LAB_TMP/ssh/sshd_legacy_config"
lab_wait_port legacy tcp 22
lab_capture sw br0 "$OUT"

d="$LAB_TMP/ssh"
opts=(-i "$d/client_key" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes
      -o ConnectTimeout=5)
log="$LAB_TMP/ssh-pc1.log"
lab_ssh pc1 10.77.1.10 true >>"$log" 2>&1 || lab_die "key login failed: $(tail -3 "$log")"
sleep 0.5
on pc1 ssh "${opts[@]}" -o KexAlgorithms=diffie-hellman-group1-sha1 root@10.77.1.10 true >>"$log" 2>&1 &&
    lab_die "group1-sha1 login worked"
sleep 0.5
on pc1 ssh "${opts[@]}" -o HostKeyAlgorithms=ssh-dss root@10.77.1.10 true >>"$log" 2>&1 &&
    lab_die "ssh-dss login worked"
sleep 0.5
on pc1 ssh "${opts[@]}" -o ProxyCommand='sh -c "head -c 600 | socat -t 2 - TCP:%h:%p"' root@10.77.1.10 true \
    >>"$log" 2>&1 && lab_die "cut connection worked"
sleep 0.5
on pc1 ssh "${opts[@]}" -o Ciphers=3des-cbc root@10.77.1.12 true >>"$log" 2>&1 || lab_die "3des-cbc login failed: $(tail -3 "$log")"
sleep 0.5
{ printf 'SSH-1.5-Legacy_1.0\r\n'; sleep 1; } | on pc1 socat -t 2 - TCP:10.77.1.10:22 >"$LAB_TMP/ssh1.log" 2>&1 || true
grep -q 'no matching key exchange' "$log" || lab_die "no kex failure: $(cat "$log")"
grep -q 'no matching host key' "$log" || lab_die "no host key failure: $(cat "$log")"
grep -q 'Protocol major versions differ' "$LAB_TMP/ssh1.log" || lab_die "no version mismatch: $(cat "$LAB_TMP/ssh1.log")"
lab_finish "$OUT"
