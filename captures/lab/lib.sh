# Shared topology helpers for the capture lab. Source it from a scenario script:
#   . "$(dirname "$0")/lib.sh"; lab_init NAME
# Everything a scenario creates lives in network namespaces named nxl-NAME-ROLE
# and a temp dir; the EXIT trap kills what was started (by pid) and deletes the
# namespaces even when a step fails. No interface outside those namespaces is
# touched, so no packet can reach the host's real network.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_ROOT=$(cd "$LAB_DIR/../.." && pwd)
LAB_OUT=${LAB_OUT:-$LAB_ROOT/captures}
LAB_PY=/usr/bin/python3   # Debian's python3, whatever pyenv shims are on PATH

lab_find_netdx() {
    if [ -n "${NETDX:-}" ] && [ -x "$NETDX" ]; then echo "$NETDX"; return; fi
    local b
    for b in "$LAB_ROOT/build/netdx" "$LAB_ROOT"/build-*/netdx; do
        [ -x "$b" ] && { echo "$b"; return; }
    done
    echo ""
}

lab_log() { printf '[lab %s] %s\n' "$LAB_NAME" "$*" >&2; }
lab_die() { lab_log "FAILED: $*"; exit 1; }

lab_init() {
    LAB_NAME=$1
    [ "$(id -u)" = 0 ] || { echo "lab: must run as root (network namespaces)" >&2; exit 77; }
    LAB_PFX="nxl-${LAB_NAME}-"
    LAB_TMP=$(mktemp -d "/tmp/netdx-lab.${LAB_NAME}.XXXXXX")
    chmod 755 "$LAB_TMP"
    LAB_PIDS=()
    LAB_NSES=()
    LAB_CAP_PIDS=()
    LAB_NETDX_BIN=$(lab_find_netdx)
    # Stale namespaces from a killed earlier run of this scenario.
    local n
    for n in $(ip netns list | awk '{print $1}' | grep "^${LAB_PFX}" || true); do
        lab_kill_ns_procs "$n"; ip netns del "$n" 2>/dev/null || true
    done
    trap lab_cleanup EXIT
    trap 'exit 130' INT TERM
}

lab_kill_ns_procs() {
    local p
    for p in $(ip netns pids "$1" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
    sleep 0.2
    for p in $(ip netns pids "$1" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
}

lab_cleanup() {
    local rc=$?
    set +e
    lab_capture_stop_all
    local p n
    for p in "${LAB_PIDS[@]}"; do kill "$p" 2>/dev/null; done
    sleep 0.2
    for p in "${LAB_PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
    # Daemons that fork away from the pid we know are still inside our namespaces.
    for n in "${LAB_NSES[@]}"; do lab_kill_ns_procs "$n"; done
    for n in "${LAB_NSES[@]}"; do ip netns del "$n" 2>/dev/null; rm -rf "/etc/netns/$n"; done
    if [ "$rc" != 0 ] && [ -d "$LAB_TMP" ]; then
        lab_log "exit $rc; logs kept in $LAB_TMP"
    else
        rm -rf "$LAB_TMP"
    fi
    return "$rc"
}

# ns ROLE: the namespace name of a role.
ns() { echo "${LAB_PFX}$1"; }
# on ROLE CMD...: run a command inside a role's namespace.
on() { local r=$1; shift; ip netns exec "$(ns "$r")" "$@"; }

# lab_ns ROLE...: create namespaces (IPv6 off so only the scenario's traffic shows).
lab_ns() {
    local r n
    for r in "$@"; do
        n=$(ns "$r")
        ip netns add "$n"
        LAB_NSES+=("$n")
        on "$r" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
        on "$r" ip link set lo up
        # ip netns exec bind-mounts /etc/netns/NS/* over /etc: names resolve
        # through the lab's resolver, never the host's.
        mkdir -p "/etc/netns/$n"
        echo "nameserver 10.77.1.53" >"/etc/netns/$n/resolv.conf"
    done
}

# lab_resolv ROLE ADDR: the resolver a role's programs use.
lab_resolv() { echo "nameserver $2" >"/etc/netns/$(ns "$1")/resolv.conf"; }

# lab_switch: a namespace "sw" with bridge br0 that every LAN host plugs into.
# br0 is promiscuous so a capture on it sees frames forwarded between ports.
lab_switch() {
    lab_ns sw
    on sw ip link add br0 type bridge stp_state 0 forward_delay 0 ageing_time 30000
    on sw ip link set br0 promisc on up
}

# lab_lan ROLE MAC [IF]: plug ROLE's interface (default eth0) into the switch.
lab_lan() {
    local r=$1 mac=$2 ifn=${3:-eth0}
    local port="p-$r"; port=${port:0:15}
    on "$r" ip link add "$ifn" address "$mac" type veth peer name "$port" netns "$(ns sw)"
    on sw ip link set "$port" master br0 up
    on "$r" ip link set "$ifn" up
    lab_no_offload "$r" "$ifn"; lab_no_offload sw "$port"
}

# Without this, veth hands TSO/GRO super-frames of up to 64 KiB to the capture
# and to linkemu; real NICs put MTU-sized frames on the wire.
lab_no_offload() {
    on "$1" ethtool -K "$2" tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
}

# lab_p2p ROLE_A IF_A MAC_A ROLE_B IF_B MAC_B: a point-to-point cable.
lab_p2p() {
    on "$1" ip link add "$2" address "$3" type veth peer name "$5" netns "$(ns "$4")"
    on "$4" ip link set "$5" address "$6"
    on "$1" ip link set "$2" up
    on "$4" ip link set "$5" up
    lab_no_offload "$1" "$2"; lab_no_offload "$4" "$5"
}

lab_router() { on "$1" sysctl -qw net.ipv4.ip_forward=1; }

# lab_bg ROLE LOGNAME CMD...: start a long-running program, remember its pid.
lab_bg() {
    local r=$1 log=$2; shift 2
    ip netns exec "$(ns "$r")" "$@" >"$LAB_TMP/$log.log" 2>&1 &
    LAB_PIDS+=($!)
}

# lab_wait_port ROLE PROTO PORT: wait until something listens (up to 5 s).
lab_wait_port() {
    local r=$1 proto=$2 port=$3 i
    for i in $(seq 50); do
        if on "$r" ss -Hln"${proto:0:1}" "sport = :$port" 2>/dev/null | grep -q .; then return 0; fi
        sleep 0.1
    done
    lab_die "nothing listens on $proto/$port in $r"
}

# lab_capture ROLE IF FILE [BPF]: record with netdx capture (tcpdump if no netdx).
lab_capture() {
    local r=$1 ifn=$2 file=$3 filt=${4:-}
    local log="$LAB_TMP/capture-$r-$ifn.log" i
    rm -f "$file"
    if [ -n "$LAB_NETDX_BIN" ]; then
        if [ -n "$filt" ]; then
            ip netns exec "$(ns "$r")" "$LAB_NETDX_BIN" capture -Z root -i "$ifn" -w "$file" -f "$filt" >"$log" 2>&1 &
        else
            ip netns exec "$(ns "$r")" "$LAB_NETDX_BIN" capture -Z root -i "$ifn" -w "$file" >"$log" 2>&1 &
        fi
    else
        ip netns exec "$(ns "$r")" tcpdump -U -i "$ifn" -w "$file" ${filt:+"$filt"} >"$log" 2>&1 &
    fi
    LAB_CAP_PIDS+=($!)
    for i in $(seq 50); do
        grep -q 'listening on' "$log" 2>/dev/null && { sleep 0.3; return 0; }
        sleep 0.1
    done
    cat "$log" >&2
    lab_die "capture on $r/$ifn did not start"
}

lab_capture_stop_all() {
    local p
    for p in "${LAB_CAP_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
    for p in "${LAB_CAP_PIDS[@]}"; do wait "$p" 2>/dev/null; done
    LAB_CAP_PIDS=()
}

# lab_finish FILE...: stop the capture(s) and report what was recorded.
lab_finish() {
    sleep 0.5
    lab_capture_stop_all
    local f
    for f in "$@"; do
        [ -s "$f" ] || lab_die "$f is empty"
        lab_log "wrote $f ($(tshark -r "$f" 2>/dev/null | wc -l) packets, $(stat -c %s "$f") bytes)"
    done
}

# ---- daemons -------------------------------------------------------------

# lab_dnsmasq ROLE NAME ARGS...: dnsmasq in the foreground with no system config.
lab_dnsmasq() {
    local r=$1 name=$2; shift 2
    lab_bg "$r" "dnsmasq-$name" dnsmasq --keep-in-foreground --conf-file=/dev/null \
        --no-resolv --no-hosts --user=root --group=root \
        --pid-file="$LAB_TMP/dnsmasq-$name.pid" --log-facility=- "$@"
}

# lab_hosts_file NAME "ADDR NAME..." ...: a hosts file for dnsmasq --addn-hosts.
lab_hosts_file() {
    local f="$LAB_TMP/$1.hosts"; shift
    printf '%s\n' "$@" >"$f"
    echo "$f"
}

# lab_tls_cert NAME CN DAYS [OFFSET_DAYS]: self-signed cert; a negative offset
# makes a certificate that already expired (notBefore/notAfter in the past).
lab_tls_cert() {
    local name=$1 cn=$2 days=$3 off=${4:-0}
    local d="$LAB_TMP/tls"; mkdir -p "$d"
    if [ "$off" = 0 ]; then
        openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/$name.key" -out "$d/$name.crt" \
            -days "$days" -subj "/CN=$cn" -addext "subjectAltName=DNS:$cn" 2>/dev/null
    else
        # openssl 3.0's req cannot backdate; x509 -not_before is 3.4+. Sign with a
        # throwaway CA via 'openssl ca', which takes explicit dates.
        local start end
        start=$(date -u -d "$off days" +%Y%m%d%H%M%SZ)
        end=$(date -u -d "$((off + days)) days" +%Y%m%d%H%M%SZ)
        mkdir -p "$d/ca/newcerts"; : >"$d/ca/index.txt"; echo 01 >"$d/ca/serial"
        openssl req -newkey rsa:2048 -nodes -keyout "$d/$name.key" -out "$d/$name.csr" -subj "/CN=$cn" 2>/dev/null
        openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/ca.key" -out "$d/ca.crt" -days 3650 -subj "/CN=Lab CA" 2>/dev/null
        cat >"$d/ca.cnf" <<EOF
[ ca ]
default_ca = lab
[ lab ]
dir = $d/ca
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
serial = \$dir/serial
default_md = sha256
policy = any
[ any ]
commonName = supplied
EOF
        openssl ca -batch -config "$d/ca.cnf" -cert "$d/ca.crt" -keyfile "$d/ca.key" \
            -startdate "$start" -enddate "$end" -in "$d/$name.csr" -out "$d/$name.crt" -notext 2>/dev/null
    fi
    echo "$d/$name"
}

# lab_nginx ROLE NAME CONF_BODY: nginx in the foreground with a private prefix;
# CONF_BODY is the inside of the http{} block.
lab_nginx() {
    local r=$1 name=$2 body=$3
    local d="$LAB_TMP/nginx-$name"; mkdir -p "$d/logs" "$d/tmp"
    cat >"$d/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/logs/error.log info;
events { worker_connections 64; }
http {
    access_log $d/logs/access.log;
    client_body_temp_path $d/tmp/body;
    proxy_temp_path $d/tmp/proxy;
    fastcgi_temp_path $d/tmp/fastcgi;
    uwsgi_temp_path $d/tmp/uwsgi;
    scgi_temp_path $d/tmp/scgi;
    default_type text/plain;
$body
}
EOF
    lab_bg "$r" "nginx-$name" nginx -p "$d" -c "$d/nginx.conf"
}

# lab_sshd ROLE: OpenSSH server on port 22 with a fresh host key, key auth only.
lab_sshd() {
    local r=$1 d="$LAB_TMP/ssh"; mkdir -p "$d"; chmod 700 "$d"
    ssh-keygen -q -t ed25519 -N '' -f "$d/host_key"
    ssh-keygen -q -t ed25519 -N '' -f "$d/client_key"
    cp "$d/client_key.pub" "$d/authorized_keys"
    mkdir -p /run/sshd
    cat >"$d/sshd_config" <<EOF
Port 22
HostKey $d/host_key
AuthorizedKeysFile $d/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
PidFile $d/sshd.pid
EOF
    lab_bg "$r" sshd /usr/sbin/sshd -D -e -f "$d/sshd_config"
}

# lab_ssh ROLE ADDR CMD: one ssh session with the lab's client key.
lab_ssh() {
    local d="$LAB_TMP/ssh"
    on "$1" ssh -i "$d/client_key" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        -o BatchMode=yes -o ConnectTimeout=5 -o LogLevel=ERROR "root@$2" "$3"
}

# lab_user NAME PASSWORD: a local account for FTP/Telnet logins (kept after the
# run: it is the lab's own test user, created once, with no real password use).
lab_user() {
    id "$1" >/dev/null 2>&1 || useradd -m -s /bin/bash "$1"
    echo "$1:$2" | chpasswd
}

# lab_vsftpd ROLE: vsftpd on 21 allowing local logins (passive ports 30000-30010).
lab_vsftpd() {
    local r=$1 d="$LAB_TMP/vsftpd"; mkdir -p "$d/empty" "$d/anon"
    echo "lab readme" >"$d/anon/README"; chmod 555 "$d/anon"
    cat >"$d/vsftpd.conf" <<EOF
listen=YES
listen_ipv6=NO
anonymous_enable=YES
anon_root=$d/anon
no_anon_password=YES
local_enable=YES
write_enable=NO
pam_service_name=vsftpd
secure_chroot_dir=$d/empty
pasv_enable=YES
pasv_min_port=30000
pasv_max_port=30010
seccomp_sandbox=NO
background=NO
xferlog_enable=NO
EOF
    lab_bg "$r" vsftpd vsftpd "$d/vsftpd.conf"
}

# lab_telnetd ROLE: inetutils telnetd on 23 under openbsd-inetd (foreground).
lab_telnetd() {
    local r=$1 d="$LAB_TMP/inetd"; mkdir -p "$d"
    echo "telnet stream tcp nowait root /usr/sbin/tcpd /usr/sbin/telnetd" >"$d/inetd.conf"
    [ -x /usr/sbin/tcpd ] || echo "telnet stream tcp nowait root /usr/sbin/telnetd telnetd" >"$d/inetd.conf"
    lab_bg "$r" inetd /usr/sbin/inetd -d "$d/inetd.conf"
}

# lab_postfix ROLE HOSTNAME MYNETWORKS: Postfix with a private config and queue.
lab_postfix() {
    local r=$1 host=$2 nets=$3 d="$LAB_TMP/postfix"
    mkdir -p "$d/etc" "$d/queue"
    cp /etc/postfix/master.cf "$d/etc/master.cf"
    # No chroot: the private queue dir holds none of the files a chroot needs.
    sed -i -E 's/^(smtp +inet +n +- +)y/\1n/' "$d/etc/master.cf"
    cat >"$d/etc/main.cf" <<EOF
compatibility_level = 3.6
myhostname = $host
mydomain = lab.test
myorigin = \$mydomain
mydestination = \$myhostname, \$mydomain, localhost
mynetworks = 127.0.0.0/8 $nets
inet_interfaces = all
inet_protocols = ipv4
queue_directory = $d/queue
data_directory = $d/data
smtpd_banner = \$myhostname ESMTP
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
local_recipient_maps = proxy:unix:passwd.byname
local_transport = discard:
default_transport = discard:
alias_maps =
alias_database =
maillog_file_prefixes = /tmp
maillog_file = $d/maillog
biff = no
mailbox_size_limit = 0
smtputf8_enable = no
EOF
    on "$r" postfix -c "$d/etc" set-permissions >/dev/null 2>&1 || true
    on "$r" postfix -c "$d/etc" check >"$LAB_TMP/postfix-check.log" 2>&1 || true
    lab_bg "$r" postfix postfix -c "$d/etc" start-fg
}

# lab_dhclient ROLE NAME [GIVE_UP_SECONDS]: ISC dhclient on eth0 in the
# background with the lab's own script and lease file; it keeps renewing its
# lease. With GIVE_UP_SECONDS it tries once (-1) and exits if no lease comes.
lab_dhclient() {
    local r=$1 name=$2 once=${3:-}
    local cf="$LAB_TMP/dhclient-$name.conf"
    cat >"$cf" <<EOT
send host-name "$name";
request subnet-mask, broadcast-address, routers, domain-name-servers, domain-name;
timeout ${once:-60};
retry 60;
initial-interval 1;
backoff-cutoff 2;
EOT
    lab_bg "$r" "dhclient-$name" dhclient -d ${once:+-1} -cf "$cf" -sf "$LAB_DIR/dhclient-script" \
        -lf "$LAB_TMP/dhclient-$name.leases" -pf "$LAB_TMP/dhclient-$name.pid" eth0
}

# lab_wait_addr ROLE PREFIX [SECONDS]: wait until eth0 has an address starting with PREFIX.
lab_wait_addr() {
    local r=$1 pfx=$2 n=$(( ${3:-10} * 10 )) i
    for i in $(seq "$n"); do
        on "$r" ip -4 -o addr show dev eth0 | grep -q "inet $pfx" && return 0
        sleep 0.1
    done
    lab_die "$r got no address in $pfx"
}

# ---- the office topology ---------------------------------------------------
# LAN 10.77.1.0/24 on the switch: gw .1, dns .53 (dnsmasq), srv .10 (services),
# workstations .101... The gateway NATs to 198.51.100.2 on its uplink eth1,
# which runs through a "wan" namespace (kernel bridge, or linkemu.py when the
# scenario wants a bad link) to the "isp" namespace: 198.51.100.1 is the ISP
# router, 198.51.100.53 the ISP resolver (named), and 203.0.113.0/24 the
# "internet" servers. All of it TEST-NET / private space inside our namespaces.

# lab_office ROLE...: switch + gw + wan + isp, then the named LAN roles.
lab_office() {
    lab_switch
    lab_ns gw wan isp
    lab_lan gw 02:77:00:00:00:01
    on gw ip addr add 10.77.1.1/24 dev eth0
    lab_p2p gw eth1 02:77:00:00:ff:02 wan w0 02:77:00:00:fe:00
    lab_p2p isp eth0 02:77:00:00:ff:01 wan w1 02:77:00:00:fe:01
    on gw ip addr add 198.51.100.2/24 dev eth1
    on gw ip route add default via 198.51.100.1
    lab_router gw
    on gw nft -f - <<NFT
table ip nat {
    chain post { type nat hook postrouting priority srcnat; oifname "eth1" ip saddr 10.77.1.0/24 masquerade; }
}
NFT
    on isp ip addr add 198.51.100.1/24 dev eth0
    on isp ip addr add 198.51.100.53/24 dev eth0
    # On lo a /24 makes every 203.0.113.x local to isp (no dummy module here).
    on isp ip addr add 203.0.113.1/24 dev lo
    local r
    for r in "$@"; do lab_ns "$r"; done
}

# lab_wan_bridge: a plain cable between gw and isp.
lab_wan_bridge() {
    on wan ip link add br0 type bridge stp_state 0 forward_delay 0
    on wan ip link set w0 master br0
    on wan ip link set w1 master br0
    on wan ip link set br0 up
}

# lab_wan_emu ARGS...: linkemu.py between gw and isp (see its --help).
lab_wan_emu() {
    lab_bg wan linkemu "$LAB_PY" "$LAB_DIR/linkemu.py" w0 w1 "$@"
    LAB_EMU_PID=${LAB_PIDS[-1]}
    sleep 0.5
}

# lab_host ROLE MAC ADDR: a LAN host with a static address and the gw as router.
lab_host() {
    lab_lan "$1" "$2"
    on "$1" ip addr add "$3/24" dev eth0
    on "$1" ip route add default via 10.77.1.1
}

# lab_isp_named ZONEFILE_BODY...: the ISP resolver 198.51.100.53 (BIND 9),
# authoritative for example.net (zone body given) and with a zone
# broken.example.net whose file does not load, so it answers SERVFAIL.
lab_isp_named() {
    local d="$LAB_TMP/named"; mkdir -p "$d"
    cat >"$d/named.conf" <<EOT
options {
    directory "$d"; pid-file "$d/named.pid";
    listen-on { 198.51.100.53; }; listen-on-v6 { none; };
    recursion no; dnssec-validation no; allow-query { any; };
    minimal-responses yes;
};
zone "example.net" { type primary; file "$d/example.net.zone"; };
zone "broken.example.net" { type primary; file "$d/broken.zone"; };
EOT
    {
        printf '$TTL 300\n@ IN SOA ns.example.net. hostmaster.example.net. 1 3600 600 86400 300\n'
        printf '@ IN NS ns.example.net.\nns IN A 198.51.100.53\n'
        printf '%s\n' "$@"
    } >"$d/example.net.zone"
    # A CNAME without a target: the zone fails to load and named SERVFAILs it.
    printf '$TTL 300\n@ IN SOA ns.example.net. hostmaster.example.net. 1 3600 600 86400 300\n@ IN NS ns.example.net.\nwww IN CNAME\n' >"$d/broken.zone"
    lab_bg isp named named -g -u root -c "$d/named.conf"
    lab_wait_port isp udp 53
}

# lab_office_dc: the server room 10.77.2.0/24 behind the gateway's eth2, with
# the intranet web server dc at 10.77.2.10.
lab_office_dc() {
    lab_ns dc
    lab_p2p gw eth2 02:77:00:00:02:01 dc eth0 02:77:00:00:02:10
    on gw ip addr add 10.77.2.1/24 dev eth2
    on dc ip addr add 10.77.2.10/24 dev eth0
    on dc ip route add default via 10.77.2.1
}

# lab_web ROLE NAME [TLS_CERT_BASE]: nginx serving a small page on 80 (and on
# 443 with the given certificate), /big a 200 KB file, /error a 503.
lab_web() {
    local r=$1 name=$2 cert=${3:-}
    local root="$LAB_TMP/www-$name"; mkdir -p "$root"
    printf '<html><body>%s works</body></html>\n' "$name" >"$root/index.html"
    head -c 200000 /dev/zero | tr '\0' 'x' >"$root/big"
    local tls=""
    [ -n "$cert" ] && tls="listen 443 ssl; ssl_certificate $cert.crt; ssl_certificate_key $cert.key; ssl_protocols TLSv1.2 TLSv1.3;"
    lab_nginx "$r" "$name" "    server { listen 80; $tls root $root; location /error { return 503; } }"
    lab_wait_port "$r" tcp 80
}

# lab_curl ROLE ARGS...: curl with short timeouts; never fails the script.
lab_curl() {
    local r=$1; shift
    on "$r" curl -sS -o /dev/null --connect-timeout 4 --max-time 10 "$@" >>"$LAB_TMP/curl-$r.log" 2>&1 || true
}
