// The FindingDef table: every rule's id, group, default severity, texts and
// parameters. `netdx rules` prints this table; ids are stable
// (docs/rules-and-expectations.md).
#include <algorithm>
#include <unordered_map>

#include "rules/finding.hpp"

namespace netdx {

namespace {

using S = Severity;

constexpr ParamDef kDupIp[] = {
    {"window_s", "30", "two MACs claiming the address within this many seconds is a conflict"}};
constexpr ParamDef kFlipFlop[] = {
    {"min_returns", "1", "times the address must return to a MAC it had before (A->B->A)"}};
constexpr ParamDef kGratuitous[] = {
    {"window_s", "300", "how long a MAC's claim on an address is remembered"}};
constexpr ParamDef kNdpDup[] = {
    {"window_s", "30", "two MACs advertising the address within this many seconds is a conflict"}};
constexpr ParamDef kLinkLocal[] = {
    {"min_packets", "1", "packets sent from 169.254/16 (or from fe80::/10) by the host"},
    {"min_solicits", "2", "IPv6: Router Solicitations plus DHCPv6 messages the fe80-only host sent unanswered"},
    {"need_global_peers", "1", "IPv6: 1 needs other hosts on the link with global/ULA addresses; 0 judges a lone host"}};
constexpr ParamDef kNetmask[] = {
    {"prefix_len", "24", "the LAN prefix length when the capture does not tell it (no DHCP option 1, no RA, no "
                         "--set network.subnets): ARP for a target outside the sender's prefix is off-subnet"},
    {"min_requests", "1", "off-subnet ARP requests needed per sender"}};

constexpr ParamDef kRefused[] = {{"min_attempts", "1", "refused attempts per server and port"}};
constexpr ParamDef kUnanswered[] = {
    {"min_attempts", "1", "unanswered attempts per server and port"},
    {"syn_timeout_s", "3", "a SYN with no reply after this long (and not retransmitted) counts as unanswered"}};
constexpr ParamDef kFileShare[] = {
    {"ports", "139,445", "file-share ports (SMB/NetBIOS)"},
    {"min_attempts", "1", "failed attempts per server"}};
constexpr ParamDef kPrinter[] = {
    {"ports", "515,631,9100", "printer ports (LPD, IPP, raw/JetDirect)"},
    {"min_attempts", "1", "failed attempts per server"}};
constexpr ParamDef kSingleHost[] = {
    {"min_failures", "3", "failed attempts (TCP and DNS) of the failing host"},
    {"max_success_ratio", "0.2", "the failing host's success ratio must be at most this"},
    {"min_other_success_ratio", "0.8", "the other hosts' success ratio must be at least this"},
    {"min_other_successes", "2", "successful attempts of the other hosts"}};
constexpr ParamDef kIcmpUnreach[] = {{"min_count", "1", "errors per reporting router/host and code"}};
constexpr ParamDef kIcmpTimex[] = {{"min_count", "1", "time-exceeded errors per original destination (one traceroute or loop)"}};
constexpr ParamDef kInternet[] = {
    {"local_prefix_len", "24", "only where the capture taught no subnet for the client (DHCP, RA, --set) and the "
                                "destination never answered ARP on the link: destinations inside this prefix are local"},
    {"min_failures", "3", "failed attempts to outside destinations"},
    {"max_success_ratio", "0.2", "outside success ratio at most this"},
    {"min_local_successes", "1", "local attempts that succeeded (the contrast)"}};
constexpr ParamDef kGateway[] = {
    {"min_requests", "3", "unanswered ARP requests for the gateway address"},
    {"prefix_len", "24", "prefix used to recognise .1/.254-style gateway addresses where no subnet was learned; "
                          "once DHCP or --set names the gateways, only those count"},
    {"gateways", "", "gateway addresses, comma-separated; empty: guess the .1/.254 of each prefix"}};

constexpr ParamDef kPortScan[] = {
    {"min_ports", "20", "distinct destination ports probed on one host"},
    {"window_s", "60", "within this many seconds"}};
constexpr ParamDef kHostScan[] = {
    {"min_hosts", "20", "distinct hosts probed (same TCP port, or ICMP echo)"},
    {"window_s", "60", "within this many seconds"}};
constexpr ParamDef kSynFlood[] = {
    {"min_syn_rate", "100", "SYNs per second to one server port"},
    {"max_established_ratio", "0.2", "handshakes completed by the client's ACK over SYNs at most this"}};
constexpr ParamDef kBogon[] = {
    {"min_packets", "1", "packets with the address"},
    {"include_documentation", "0", "1 also flags the TEST-NET documentation ranges"}};
constexpr ParamDef kBroadcastSrc[] = {{"min_packets", "1", "packets with a broadcast/multicast source"}};

constexpr ParamDef kDnsUnanswered[] = {
    {"min_count", "2", "unanswered queries per resolver"},
    {"min_ratio", "0.1", "unanswered over all queries to the resolver"}};
constexpr ParamDef kDnsRcode[] = {{"min_count", "1", "responses with this code per resolver"}};
constexpr ParamDef kDnsNx[] = {{"min_count", "1", "NXDOMAIN responses per resolver"}};
constexpr ParamDef kDnsSlow[] = {
    {"slow_ms", "500", "a response slower than this is slow"},
    {"min_slow", "2", "slow responses per resolver"},
    {"min_ratio", "0.2", "slow over answered queries to the resolver"}};
constexpr ParamDef kDnsTc[] = {{"min_count", "1", "truncated responses never retried over TCP"}};
constexpr ParamDef kDnsUnsolicited[] = {
    {"min_count", "1", "responses that match no query"},
    {"ignore_first_s", "2", "responses this close to the capture start may answer unseen queries"}};
constexpr ParamDef kDnsResolver[] = {
    {"resolvers", "", "expected resolvers, comma-separated; empty: those most clients use"}};

constexpr ParamDef kDhcpNoOffer[] = {{"min_discovers", "2", "DISCOVERs without an OFFER per client"}};
constexpr ParamDef kDhcpNak[] = {{"min_count", "1", "NAKs"}};
constexpr ParamDef kDhcpDecline[] = {{"min_count", "1", "DECLINEs"}};
constexpr ParamDef kDhcpServers[] = {{"min_servers", "2", "distinct DHCP servers answering"}};
constexpr ParamDef kDhcpSlow[] = {
    {"slow_s", "3", "DISCOVER/REQUEST to ACK slower than this"},
    {"warning_s", "10", "a warning when the slowest lease took this long or a client retried; a notice below"}};

constexpr ParamDef kRetrans[] = {
    {"min_rate", "0.05", "lost or retransmitted data segments over all data segments, per host pair or flow"},
    {"min_retransmissions", "5", "lost or retransmitted segments per host pair or flow"}};
constexpr ParamDef kDupAck[] = {{"min_burst", "5", "duplicate ACKs in a row for one segment"}};
constexpr ParamDef kZeroWin[] = {{"min_count", "1", "zero-window advertisements per flow"}};
constexpr ParamDef kWinFull[] = {{"min_count", "3", "window-full segments per flow"}};
constexpr ParamDef kLowThroughput[] = {
    {"min_bytes", "100000", "bytes a transfer must carry to be judged"},
    {"max_ratio", "0.1", "throughput below this fraction of the path's capacity is low"},
    {"capacity_mbps", "0", "the path's capacity in Mbit/s; 0: estimate it from back-to-back segments"},
    {"min_pairs", "10", "back-to-back full-size segment pairs needed to estimate the capacity"},
    {"full_size", "1000", "segments at least this large count as full-size"}};
constexpr ParamDef kSlowBrowsing[] = {
    {"slow_ms", "500", "a DNS answer slower than this delays the connection that follows"},
    {"follow_s", "2", "the connection to the answered address starts within this many seconds"},
    {"min_count", "2", "delayed connections per resolver"}};
constexpr ParamDef kDhcpv6Fail[] = {{"min_count", "1", "exchanges answered with this failure status"}};
constexpr ParamDef kDhcpv6NoAdv[] = {{"min_solicits", "3", "Solicits without any Advertise"}};
constexpr ParamDef kRedisErrors[] = {{"min_count", "1", "error replies of one kind from one Redis server"}};
constexpr ParamDef kMqttRefused[] = {{"min_count", "1", "refused CONNECTs at one broker"}};
constexpr ParamDef kMqttSubRefused[] = {{"min_count", "1", "refused subscriptions to one filter at one broker"}};
constexpr ParamDef kMqttKeepalive[] = {{"min_count", "1", "connections whose client was silent past 1.5 times its keep-alive, per broker"}};
constexpr ParamDef kMqttUnacked[] = {{"min_count", "1", "QoS 1/2 publishes never acknowledged, per broker and direction"}};
constexpr ParamDef kAmqpRefused[] = {{"min_count", "1", "connections one broker refused with one reply code"}};
constexpr ParamDef kAmqpClosed[] = {{"min_count", "1", "open connections one broker closed with one reply code"}};
constexpr ParamDef kAmqpChannel[] = {{"min_count", "1", "channels one broker closed with one reply code"}};
constexpr ParamDef kAmqpUnconfirmed[] = {{"min_count", "1", "confirmed publishes nacked, or never confirmed, per broker"}};
constexpr ParamDef kAmqpHeartbeat[] = {{"min_count", "1", "connections with a side silent past twice the heartbeat"}};
constexpr ParamDef kRpcError[] = {{"min_count", "1", "refused calls of one kind to one program at one server"}};
constexpr ParamDef kRpcMismatch[] = {{"min_count", "1", "PROG_MISMATCH replies for one program at one server"}};
constexpr ParamDef kRpcUnanswered[] = {{"min_count", "1", "unanswered calls to one program at one server"}};
constexpr ParamDef kXmlRpcFault[] = {{"min_count", "1", "fault replies to one method with one faultCode at one server"}};
constexpr ParamDef kJsonRpcError[] = {{"min_count", "1", "error replies to one method with one error code at one server"}};
constexpr ParamDef kMemcachedErrors[] = {{"min_count", "1", "error replies of one kind from one memcached server"}};
constexpr ParamDef kCacheHitRatio[] = {
    {"min_lookups", "20", "lookups (GET/MGET/HGET, get/gets keys) needed to judge a server"},
    {"max_ratio", "0.5", "hit ratio (keys found / keys looked up) below which the finding is raised"}};
constexpr ParamDef kCacheSlow[] = {
    {"threshold_s", "0.1", "a reply this much slower than the server's fastest reply (the round trip) is slow"},
    {"min_slow", "3", "slow replies needed per server and command"}};
constexpr ParamDef kRpcSlow[] = {
    {"threshold_s", "0.2", "a reply this much slower than the server's fastest reply (the round trip) is slow"},
    {"min_slow", "3", "slow replies needed per server and procedure (or method)"}};
constexpr ParamDef kServerOverloaded[] = {
    {"min_samples", "100", "latencies a server needs to be judged, or to count as a peer"},
    {"min_band_samples", "20", "latencies in the quiet and in the busy band"},
    {"latency_ratio", "3", "busy-band p95 at least this many times the quiet-band p50"},
    {"min_increase_s", "0.05", "and at least this many seconds above it"},
    {"min_busy_conc", "2", "mean open connections in the busy band"},
    {"conc_ratio", "2", "busy-band concurrency at least this many times the quiet band's"},
    {"peer_ratio", "2", "every peer's p95 at most the busy-band p95 divided by this"}};
constexpr ParamDef kHttpErrors[] = {
    {"min_errors", "3", "5xx responses from one server"},
    {"min_ratio", "0.1", "share of that server's responses that are 5xx"}};
constexpr ParamDef kHttpUnanswered[] = {
    {"min_count", "1", "requests never answered per server"},
    {"wait_s", "10", "a request still open when the capture ends counts only if sent this long before the end"}};
constexpr ParamDef kTlsCount[] = {{"min_count", "1", "handshakes per server"}};
constexpr ParamDef kSshCount[] = {{"min_count", "1", "connections per server"}};
constexpr ParamDef kHighRtt[] = {
    {"max_rtt_ms", "300", "handshake RTT above this is high"},
    {"min_samples", "2", "handshakes per server above the limit"}};
constexpr ParamDef kRisingRtt[] = {
    {"window", "4", "samples in the early and in the late group of a connection (2-64; it needs twice this many)"},
    {"min_factor", "3", "the late median must be at least this many times the early median"},
    {"min_increase_ms", "100", "and at least this many milliseconds above it"}};
constexpr ParamDef kMtu[] = {
    {"min_size", "1200", "segments at least this large"},
    {"min_retransmissions", "3", "retransmissions of one large segment while small ones pass"}};

constexpr ParamDef kSmtpRcpt[] = {{"min_count", "1", "recipients refused with a 5xx reply per mail server"}};
constexpr ParamDef kMailSize[] = {{"min_count", "1", "messages refused for their size per mail server"}};
constexpr ParamDef kMailLoop[] = {
    {"min_relays", "3", "SMTP relays of one Message-ID with different Received counts, one back to a server it passed"},
    {"max_received", "25", "Received headers a message may carry"}};
constexpr ParamDef kMailExec[] = {{"min_count", "1", "executable attachments in clear per mail server"}};
constexpr ParamDef kMailMime[] = {{"min_count", "1", "messages with malformed MIME per mail server"}};
constexpr ParamDef kSmtpRelay[] = {{"min_count", "1", "recipients refused as relaying per mail server"}};
constexpr ParamDef kFtpLogin[] = {{"min_failures", "1", "failed FTP logins (530/430 to PASS or USER) per server"}};
constexpr ParamDef kPlaintextLogin[] = {{"min_logins", "1", "logins with a password in clear per server"}};
constexpr ParamDef kMailLogin[] = {
    {"min_failures", "3", "POP3/IMAP logins rejected per client and server (-ERR to PASS/AUTH, NO/BAD to LOGIN/AUTHENTICATE)"}};

const FindingDef kDefs[] = {
    // addressing
    {"arp.duplicate_ip", "addressing", S::Error, "Duplicate IP address (ARP)",
     "Two different MAC addresses claim the same IPv4 address in ARP. Traffic for that address goes to "
     "whichever host answered last, so connections to it break intermittently.",
     "Find both hosts by their MACs (switch MAC table, DHCP leases); one has a static address inside the DHCP "
     "pool or a copied configuration. Give one of them another address. Repeated claims for a gateway address can "
     "also be ARP spoofing.",
     kDupIp},
    {"arp.mac_flip_flop", "addressing", S::Warning, "IP address flip-flops between MACs",
     "The MAC address that answers for an IPv4 address changed and then changed back (arpwatch's flip flop).",
     "Check for two interfaces sharing an address (failover pairs, a VM and its host, a laptop on dock and "
     "Wi-Fi) or for ARP spoofing.",
     kFlipFlop},
    {"arp.gratuitous_conflict", "addressing", S::Error, "Gratuitous ARP conflicts with an existing host",
     "A host announced (gratuitous ARP) or probed for an address that another MAC already uses, or a probe was "
     "answered: the address is in use twice.",
     "The announcing host just came up with an address that is taken; check its static configuration or the "
     "DHCP server's pool and leases.",
     kGratuitous},
    {"ndp.duplicate_ip", "addressing", S::Error, "Duplicate IPv6 address (NDP)",
     "Two MAC addresses advertise the same IPv6 address, or duplicate address detection was answered.",
     "Look for manually configured or cloned IPv6 addresses (same interface identifier on two machines).",
     kNdpDup},
    {"addr.link_local_only", "addressing", S::Warning, "Host has only a link-local address (169.254/16 or fe80::)",
     "A host uses a self-assigned 169.254.x.x address and no other IPv4 address: it did not get a lease from DHCP. "
     "Or, in IPv6, a host sends only from its fe80:: address while it solicits routers and DHCPv6 servers and "
     "nothing answers with a prefix or an address, although other hosts on the link have global addresses.",
     "Check that DHCP reaches this host (cable/VLAN, DHCP relay, server running, pool not exhausted). For IPv6, "
     "check that the router sends Router Advertisements with a prefix on this VLAN (or that a DHCPv6 server or "
     "relay serves it) and that RA guard on the switch port does not drop them.",
     kLinkLocal},
    {"addr.wrong_netmask", "addressing", S::Warning, "Host ARPs for off-subnet addresses (wrong netmask?)",
     "A host asks ARP for addresses outside its subnet instead of sending to its gateway, so it believes them "
     "to be on the local link: its netmask is too wide (or a proxy-ARP setup is expected).",
     "Compare the host's netmask with the LAN's; fix the DHCP option or the static configuration. The subnet "
     "is learned from the capture (DHCP option 1, router advertisements); targets that answer ARP on the link "
     "with their own MAC never count. Without a learned subnet prefix_len is used; --set "
     "network.subnets=A.B.C.D/N gives it.",
     kNetmask},
    // connectivity
    {"conn.single_host_failing", "connectivity", S::Error, "One host fails to connect while others succeed",
     "Almost all of one host's connection attempts (TCP handshakes, DNS queries) fail while the other hosts "
     "reach their destinations: the problem is on that host, not the network.",
     "Check the host's gateway, netmask and DNS server settings, its firewall, and its cable or Wi-Fi.",
     kSingleHost},
    {"conn.refused", "connectivity", S::Warning, "Connections refused",
     "The server answered connection attempts with a TCP reset: the host is up but nothing listens on the port "
     "(or a firewall rejects the connection).",
     "Check that the service runs and listens on that address and port (ss -ltn) and the host firewall.",
     kRefused},
    {"conn.unanswered_syn", "connectivity", S::Warning, "Connection attempts unanswered",
     "Connection attempts (TCP SYN) got no answer at all: the server is down, unreachable, or a firewall drops "
     "the packets silently.",
     "Check that the server is up and routable, and firewalls between client and server (DROP rules).",
     kUnanswered},
    {"conn.file_share_unreachable", "connectivity", S::Error, "File share unreachable",
     "Connections to a file-share service (SMB 445, NetBIOS 139) were refused or unanswered: users cannot map "
     "drives or open shared folders on this server.",
     "Check that the file server and its SMB service run, and that port 445 is allowed through firewalls.",
     kFileShare},
    {"conn.printer_unreachable", "connectivity", S::Error, "Printer unreachable",
     "Connections to a printer port (LPD 515, IPP 631, raw 9100) were refused or unanswered: print jobs to "
     "it fail.",
     "Check that the printer is on, has the expected address, and that the printing protocol is enabled.",
     kPrinter},
    {"icmp.unreachable", "connectivity", S::Warning, "ICMP destination unreachable",
     "A router or host reported that packets could not be delivered (network, host, port or protocol "
     "unreachable, administratively prohibited, or fragmentation needed).",
     "The code tells where to look: network/host unreachable = routing or a down host; port unreachable = no "
     "service; prohibited = a firewall; fragmentation needed = a smaller path MTU.",
     kIcmpUnreach},
    {"icmp.time_exceeded", "connectivity", S::Notice, "ICMP time exceeded",
     "A router discarded packets whose TTL/hop limit ran out. Traceroute causes this on purpose; otherwise it "
     "points to a routing loop.",
     "If nobody ran traceroute, look for a routing loop at the reporting router.",
     kIcmpTimex},
    {"net.internet_unreachable", "connectivity", S::Error, "The internet is unreachable while the LAN works",
     "Connections to destinations outside the local network fail while local ones succeed: the problem is "
     "at the gateway or its upstream link.",
     "Check the gateway's upstream interface and route, the ISP link, NAT, and the gateway's firewall.",
     kInternet},
    {"net.gateway_unreachable", "connectivity", S::Error, "The gateway does not answer ARP",
     "Hosts keep asking ARP for the gateway's address and nobody answers: the gateway is down or on another "
     "segment, or the hosts have the wrong gateway address.",
     "Check that the gateway is up and on this VLAN, and the hosts' configured default gateway.",
     kGateway},
    // performance
    {"tcp.retransmissions", "performance", S::Warning, "High TCP retransmission or loss rate",
     "Many TCP segments between these hosts were sent again, or never reached the capture point (holes in the "
     "sequence numbers): packets are being lost on the path.",
     "Look for a congested or faulty link (interface errors, duplex mismatch, Wi-Fi), or an overloaded device.",
     kRetrans},
    {"tcp.dup_ack_burst", "performance", S::Warning, "Bursts of duplicate ACKs",
     "A receiver sent many duplicate ACKs in a row: segments arrived out of order or were lost.",
     "Look for loss or reordering on the path (load-balanced links, faulty interfaces).", kDupAck},
    {"tcp.zero_window", "performance", S::Warning, "Receiver advertised a zero window",
     "A receiver told its peer to stop sending (window 0): the application is not reading fast enough.",
     "The slow side is the host advertising zero: check its CPU, disk and the application.", kZeroWin},
    {"tcp.window_full", "performance", S::Notice, "Sender filled the receive window",
     "The sender had to wait because the receiver's window was full: throughput is limited by the receiver.",
     "Increase the receiver's buffers (window scaling) or check why it reads slowly.", kWinFull},
    {"http.server_errors", "application", S::Warning, "HTTP server errors (5xx)",
     "A web server answers many requests with 5xx status codes: the server or an application behind it "
     "(backend, proxy upstream, database) is failing.",
     "Look at the URIs and codes listed: 502/504 point at the upstream a proxy talks to, 500 at the application, "
     "503 at overload or maintenance; check the server's error log at the times shown.",
     kHttpErrors},
    {"http.unanswered", "application", S::Warning, "HTTP requests never answered",
     "Requests reached a web server (its TCP connection was up) and no response came before the connection ended.",
     "Check the server's or the application's logs for hangs and timeouts; a proxy in front may cut long requests.",
     kHttpUnanswered},
    {"redis.error_replies", "application", S::Warning, "Redis error replies",
     "A Redis server answered commands with errors: -NOAUTH (the client did not authenticate), -WRONGPASS, "
     "-WRONGTYPE (a command on a key of another type), -ERR unknown command or wrong arguments, -OOM (maxmemory "
     "reached), -READONLY (a replica was written to), -MISCONF (persistence failing), -LOADING, -BUSY.",
     "Read the kind: NOAUTH/WRONGPASS are client credentials; WRONGTYPE and ERR are application bugs (or a client "
     "of another Redis version); OOM needs maxmemory/eviction policy; READONLY means the client writes to a replica "
     "(failover, stale topology); MISCONF points at the disk where Redis saves.",
     kRedisErrors},
    {"memcached.error_replies", "application", S::Warning, "memcached error replies",
     "A memcached server answered commands with ERROR (a command it does not know), CLIENT_ERROR (a malformed "
     "command or a value it cannot use, e.g. incr on a non-number) or SERVER_ERROR (it could not do it: an item "
     "over the size limit -I, out of memory).",
     "ERROR and CLIENT_ERROR are client bugs (or the binary protocol sent to a text-only server); SERVER_ERROR "
     "object too large: raise -I or store smaller values; out of memory: more -m or check for a slab imbalance.",
     kMemcachedErrors},
    {"mqtt.connect_refused", "application", S::Warning, "MQTT connections refused by the broker",
     "An MQTT broker answered CONNECT with a refusal: 3.1.1 return code 4 (bad user name or password), 5 (not "
     "authorised), 2 (client id rejected), 3 (server unavailable); MQTT 5 reason codes 0x86, 0x87, 0x85, 0x88, "
     "0x8A (banned) and others. The clients never got a session.",
     "Bad credentials or not authorised: check the client's user name and password against the broker's password "
     "file or auth plugin; client id rejected: a client id the broker does not accept (empty with clean session off, "
     "too long); server unavailable: the broker's logs.",
     kMqttRefused},
    {"mqtt.subscribe_refused", "application", S::Warning, "MQTT subscriptions refused",
     "An MQTT broker answered a SUBSCRIBE with failure codes (3.1.1: 0x80; MQTT 5: 0x87 not authorized, 0x8F topic "
     "filter invalid, 0x97 quota exceeded, ...) for a topic filter: the client receives nothing published there.",
     "Not authorised: the broker's ACL does not let this user read the filter; invalid: fix the filter (wildcards "
     "only as whole levels, # last).",
     kMqttSubRefused},
    {"mqtt.publish_unacknowledged", "application", S::Warning, "MQTT QoS 1/2 publishes never acknowledged",
     "PUBLISH packets with QoS 1 or 2 were sent and their connection closed before the PUBACK (QoS 1) or PUBCOMP "
     "(QoS 2) came: the sender cannot know the message was delivered, and unless it keeps a session it is lost.",
     "Look at why the connections closed (broker restarts, keepalive timeouts, network drops, a client that "
     "disconnects right after publishing without waiting for the acknowledgement).",
     kMqttUnacked},
    {"mqtt.keepalive_timeout", "application", S::Warning, "MQTT clients silent past their keep-alive",
     "An MQTT client declared a keep-alive K in CONNECT, promising to send something (at least a PINGREQ) every K "
     "seconds, then sent nothing for more than 1.5 K before its connection ended (or before the capture did): the "
     "condition on which the broker must close the connection (MQTT 3.1.1 and 5, section 3.1.2.10; mosquitto logs "
     "'Client ... has exceeded timeout, disconnecting'). Its subscriptions stopped receiving until it reconnected.",
     "A client process or host that stalled (blocked I/O thread, long GC pause, a suspended VM or laptop), a "
     "client library whose network loop is not being run, or a path that drops packets for longer than 1.5 K; "
     "a larger keep-alive hides the symptom, not the stall.",
     kMqttKeepalive},
    {"amqp.connection_refused", "application", S::Warning, "AMQP connections refused by the broker",
     "An AMQP 0-9-1 broker (RabbitMQ, ...) answered the connection handshake with connection.close before "
     "connection.open-ok: 403 ACCESS_REFUSED (the user name or password was refused), 530 NOT_ALLOWED (the "
     "virtual host does not exist or the user may not use it), 541 INTERNAL_ERROR, ... The clients never got a "
     "connection.",
     "403: check the user and password against the broker (rabbitmqctl authenticate_user) and, for the guest "
     "user, that it connects from localhost; 530: the vhost's name and the user's permissions on it "
     "(rabbitmqctl list_permissions -p VHOST); otherwise the broker's log at the time of the refusal.",
     kAmqpRefused},
    {"amqp.connection_closed", "application", S::Warning, "AMQP connections closed by the broker with an error",
     "An AMQP broker closed open connections with an error reply code: 320 CONNECTION_FORCED (an operator or a "
     "node shutting down closed it), 501 FRAME_ERROR / 505 UNEXPECTED_FRAME (the client broke the protocol), 506 "
     "RESOURCE_ERROR, 541 INTERNAL_ERROR. Every channel of the connection ended with it.",
     "320: the broker's log (rabbitmqctl close_connection, a restart, a node leaving the cluster); 5xx frame and "
     "command errors: a client library bug or a mismatched protocol; resource errors: the broker's memory and "
     "disk alarms.",
     kAmqpClosed},
    {"amqp.channel_error", "application", S::Warning, "AMQP channels closed by the broker with an error",
     "An AMQP broker closed channels with an error reply code, naming the method that caused it: 404 NOT_FOUND (a "
     "publish to, or a declare of, an exchange or queue that does not exist), 406 PRECONDITION_FAILED (a queue or "
     "exchange redeclared with other arguments, an unknown delivery tag acked), 403 ACCESS_REFUSED (no permission "
     "on the resource), 405 RESOURCE_LOCKED (an exclusive queue). Whatever the channel did next was lost.",
     "Declare the exchange or queue before using it, with the same arguments everywhere (or delete and redeclare "
     "it); check the user's configure/write/read permissions; ack each delivery tag once on the channel that "
     "received it.",
     kAmqpChannel},
    {"amqp.publish_unconfirmed", "application", S::Warning, "AMQP publishes nacked or never confirmed",
     "Messages were published on channels in confirm mode (confirm.select) and the broker answered basic.nack (it "
     "did not take them: a full queue with x-overflow reject-publish, an internal error), or the connection ended "
     "before the broker's basic.ack came: the publisher cannot know they were delivered.",
     "Nacks: the queue's length limits and overflow policy, the broker's memory and disk alarms; never confirmed: "
     "why the connection closed, and whether the publisher waits for its confirms before closing.",
     kAmqpUnconfirmed},
    {"amqp.missed_heartbeats", "application", S::Warning, "AMQP heartbeats missed",
     "Once heartbeats are negotiated (connection.tune-ok), each side must send something at least every "
     "heartbeat interval; one side sent nothing for more than twice that while the connection stayed open. The "
     "broker closes such connections as dead (RabbitMQ: 'missed heartbeats from client').",
     "A client whose I/O thread is blocked (long processing in a callback, a single-threaded client sleeping), a "
     "stalled process or host, or a network path that drops idle connections; a longer heartbeat or a client "
     "that serves its connection while working.",
     kAmqpHeartbeat},
    {"rpc.call_error", "application", S::Warning, "ONC RPC calls refused by the server",
     "An ONC RPC server (portmapper/rpcbind, NFS, mountd, ...) refused calls: PROG_UNAVAIL (the program is not "
     "served on that port), PROC_UNAVAIL (no such procedure in that version), GARBAGE_ARGS (the arguments could "
     "not be decoded), SYSTEM_ERR, RPC_MISMATCH (not RPC version 2) or AUTH_ERROR (the credential was refused: "
     "bad or too weak a flavor, a rejected or expired credential).",
     "PROG_UNAVAIL: the client asked the wrong port or the service is not running (rpcinfo -p on the server); "
     "PROC_UNAVAIL/GARBAGE_ARGS: a client and server of different protocol revisions, or a broken client; "
     "AUTH_ERROR: the security flavor the export or service requires (sec=krb5 vs sys) and the client's "
     "credentials.",
     kRpcError},
    {"rpc.version_mismatch", "application", S::Notice, "ONC RPC program versions not served",
     "An ONC RPC server answered PROG_MISMATCH: it serves the program, but not the version asked, and says which "
     "range it serves. Clients probe versions this way (rpcinfo, mount.nfs), so alone it is no fault.",
     "If a client then fails, make the versions meet: enable the version on the server (e.g. NFS v3 in "
     "/etc/nfs.conf) or pin the client (mount -o vers=).",
     kRpcMismatch},
    {"rpc.unanswered", "application", S::Warning, "ONC RPC calls never answered",
     "ONC RPC calls got no reply: over TCP their connection closed first, over UDP none came within 30 s (the "
     "client's resends included; 5 s when the capture ends first). A server that is down, overloaded or filtered looks like this; NFS clients hang "
     "on it (hard mounts).",
     "Check the server process (rpcinfo -t/-u SERVER PROGRAM VERSION), its load and any firewall between; for "
     "UDP, lost fragments of large datagrams (NFS over UDP with big rsize/wsize) are a classic cause.",
     kRpcUnanswered},
    {"xmlrpc.fault", "application", S::Warning, "XML-RPC calls answered with a fault",
     "An XML-RPC server (a POST of <methodCall> over HTTP) answered <fault> with a faultCode and faultString: the "
     "call failed, although HTTP says 200 OK, so HTTP error counts miss it. Python's xmlrpc.server uses code 1 for "
     "an unknown method and for an exception raised by the method (its type and text in faultString); other "
     "servers follow the 'specification for fault code interoperability' (-32601 method not found, -32602 bad "
     "parameters, -32500 application error).",
     "Read the faultString: an unknown method is a client and server of different versions or a typo (the server's "
     "system.listMethods says what it serves); an exception is the server's own failure, in its log with a "
     "traceback; bad parameters are a client sending the wrong types or count.",
     kXmlRpcFault},
    {"jsonrpc.error", "application", S::Warning, "JSON-RPC calls answered with an error",
     "A JSON-RPC server answered calls with an error object (code, message) instead of a result, usually with "
     "HTTP 200. JSON-RPC 2.0 reserves -32700 (parse error), -32600 (invalid request), -32601 (method not found), "
     "-32602 (invalid params), -32603 (internal error) and -32000..-32099 for server errors; other codes are the "
     "application's. In a batch each call is answered (or not) on its own.",
     "-32601: the client calls a method this server does not have (version or routing mismatch); -32602: the "
     "client's parameters do not match the method's signature; -32700/-32600: a broken client or a proxy mangling "
     "bodies; -32603 and server codes: the server's log. The message names the cause.",
     kJsonRpcError},
    {"cache.low_hit_ratio", "performance", S::Notice, "Cache lookups mostly miss",
     "Most keys looked up on a cache server (Redis GET/MGET/HGET, memcached get/gets) were not there: the cache "
     "does little, and the clients go to the slower backend for most reads.",
     "A cold cache after a restart or a flush fills by itself; otherwise check the expiry times, evictions "
     "(memory too small: memcached 'stats' evictions, Redis INFO evicted_keys) and whether writers and readers use "
     "the same key names.",
     kCacheHitRatio},
    {"server.overloaded", "performance", S::Warning, "One server slows down under load while its peers do not",
     "Of several servers giving the same service (HTTP, DNS, SMTP, Redis, memcached), one answered much more "
     "slowly when it had many connections open than when it had few, while the others stayed fast: that server "
     "runs out of something (workers, CPU, a lock, a backend connection pool) before its peers do, or gets more "
     "than its share of the load.",
     "Compare it with its peers in `netdx servers -T json` (latency, concurrency over time, requests per second); "
     "check its worker/thread pool limits, CPU and memory, and the load balancer's weights and health checks.",
     kServerOverloaded},
    {"cache.slow_commands", "performance", S::Warning, "Slow cache commands",
     "Replies to a command took much longer than the server's fastest reply: the server was busy (a long Lua "
     "script, KEYS or a big SMEMBERS/HGETALL, a fork for persistence, swapping) and every client waited.",
     "Use the command named: Redis SLOWLOG GET and LATENCY DOCTOR on the server; avoid O(N) commands on big keys; "
     "for memcached check CPU and the value sizes. Blocking commands (BLPOP, XREAD BLOCK, WAIT) are not counted.",
     kCacheSlow},
    {"rpc.slow_calls", "performance", S::Warning, "Slow RPC calls",
     "Replies to an RPC procedure (ONC RPC: NFS, mount, rpcbind, ...; an XML-RPC or JSON-RPC method over HTTP) "
     "took much longer than the server's fastest reply: the server was busy, blocked on its disk or a backend, or "
     "stalled, and every client calling that procedure waited.",
     "Look at the server while the procedure is slow: NFS: nfsstat -s, the exported disk's latency (iostat -x), "
     "sync exports under heavy writes; a web RPC service: its log and the backend the method calls. A single "
     "procedure slow while others stay fast points at what that procedure does, all of them at the server.",
     kRpcSlow},
    {"tls.version_mismatch", "application", S::Error, "TLS version mismatch",
     "Client and server share no TLS version: the server refused the handshake with a protocol_version alert, "
     "or refused a client that offers only versions below TLS 1.2.",
     "Upgrade or reconfigure the client to TLS 1.2 or 1.3; re-enable an old version on the server only if the "
     "client cannot change.",
     kTlsCount},
    {"tls.cert_expired", "application", S::Error, "TLS certificate expired or not yet valid",
     "The server's certificate was outside its validity dates at the time of the capture (read from the "
     "certificate sent in clear, TLS 1.2 and older), or a peer rejected it with a certificate_expired alert.",
     "Renew the certificate (and check automatic renewal); if it is not yet valid, check the clocks.",
     kTlsCount},
    {"tls.handshake_failed", "application", S::Warning, "TLS handshakes failed",
     "Handshakes ended with a fatal TLS alert (named in the finding), such as handshake_failure (no common "
     "cipher), unknown_ca or bad_certificate (the client does not trust the certificate).",
     "Act on the alert named: trust store and certificate chain for certificate alerts, cipher and version "
     "settings for handshake_failure; the side that sent the alert is the one that refused.",
     kTlsCount},
    {"ssh.no_common_algorithm", "application", S::Error, "SSH client and server share no algorithm",
     "The KEXINIT messages of client and server have no algorithm in common in one category (key exchange, "
     "host key, cipher, MAC or compression, named in the finding with both lists), or a side sent DISCONNECT "
     "KEY_EXCHANGE_FAILED. Typically an old client or server that offers only legacy algorithms "
     "(diffie-hellman-group1-sha1, ssh-dss, 3des-cbc) against a current OpenSSH that no longer enables them.",
     "Upgrade the old side; meanwhile enable a common algorithm explicitly on one side (KexAlgorithms, "
     "HostKeyAlgorithms, Ciphers, MACs in ssh_config or sshd_config), preferably a modern one the old side "
     "still has rather than re-enabling a broken one on the server for everyone.",
     kSshCount},
    {"ssh.version_mismatch", "application", S::Error, "SSH protocol version mismatch",
     "One side speaks only SSH protocol 1 (identification SSH-1.x other than 1.99), or the server answered "
     "\"Protocol major versions differ.\" or DISCONNECT PROTOCOL_VERSION_NOT_SUPPORTED. Current OpenSSH "
     "speaks only SSH-2.",
     "Replace or upgrade the SSH-1 client or device (SSH-1 is broken and unsupported); there is no safe way "
     "to re-enable SSH-1 on a current server.",
     kSshCount},
    {"ssh.handshake_failed", "application", S::Warning, "SSH connections ended before key exchange completed",
     "SSH connections were closed, reset or timed out before both sides sent NEWKEYS, for a reason other than "
     "a version or algorithm mismatch: the finding says how far they got and any DISCONNECT sent. Causes are "
     "a server refusing the client (MaxStartups, tcp wrappers, fail2ban), a middlebox cutting the connection, "
     "or a scanner (ssh-keyscan also stops after the server's key).",
     "Look at the server's log (journalctl -u ssh) at the times shown; check MaxStartups and firewall or IPS "
     "rules between the hosts; if the client is a scanner, nothing is wrong with the server.",
     kSshCount},
    {"ssh.weak_algorithm", "application", S::Notice, "SSH negotiated a weak algorithm",
     "Client and server agreed on a broken or deprecated algorithm (diffie-hellman-group1-sha1, SHA-1 group "
     "exchange, ssh-dss, 3des/arcfour/blowfish/CBC DES, hmac-md5, no cipher or MAC): the connection works but "
     "its protection is weaker than it should be.",
     "Remove the algorithm from the server's and the client's configuration and upgrade the side that needs it.",
     kSshCount},
    {"tcp.high_rtt", "performance", S::Warning, "High round-trip time",
     "TCP handshakes with this server take long: the path has high latency.",
     "Check for a long or congested path, bufferbloat, or an overloaded server.", kHighRtt},
    {"tcp.rising_rtt", "performance", S::Warning, "RTT rises during transfers (bufferbloat)",
     "The round-trip time of a connection's data grew markedly while it ran (median of its last ACK RTT samples "
     "against its first): packets wait in a queue that fills with the transfer, typically an oversized buffer in "
     "front of a slow link. Interactive traffic on the same link (calls, games, page loads) suffers the same delay.",
     "Find the slow link's router or modem on the path; enable smart queue management (fq_codel, cake) with a "
     "shaper just below the link rate, or shrink its buffers. Seen only at the capture point: compare with a "
     "capture nearer the receiver if in doubt.",
     kRisingRtt},
    {"tcp.mtu_blackhole", "performance", S::Error, "MTU black hole",
     "Large TCP segments are retransmitted without success while small ones pass, or ICMP "
     "fragmentation-needed is reported: the path MTU is smaller than the hosts believe.",
     "Allow ICMP fragmentation-needed/packet-too-big through firewalls, lower the MTU or clamp the TCP MSS on "
     "the tunnel/VPN router.",
     kMtu},
    {"tcp.low_throughput", "performance", S::Warning, "Throughput far below the path's capacity",
     "A bulk transfer ran much slower than the path can carry (capacity estimated from back-to-back segments, "
     "or configured): something held the sender back.",
     "The finding names the limit: loss (see tcp.retransmissions: a faulty or congested link) or the receiver's "
     "window (raise its buffers, check the application). With the capacity estimated, transfers with neither are "
     "not reported; with capacity_mbps set they are (latency, or a slow sending application).",
     kLowThroughput},
    {"dns.slow_browsing", "performance", S::Warning, "Slow DNS delays browsing",
     "Clients opened connections right after a slow DNS answer for that address: each page or request "
     "started late by the DNS latency, which users feel as slow browsing.",
     "Check the resolver's latency to its upstream and its cache; use a closer or caching resolver.",
     kSlowBrowsing},
    // security
    {"scan.port_scan", "security", S::Warning, "Port scan",
     "One host probed many ports of another host in a short time.",
     "Identify the scanning host; if the scan is not authorised, isolate it and check it for compromise.",
     kPortScan},
    {"scan.host_scan", "security", S::Warning, "Host scan (sweep)",
     "One host probed many hosts on the same port (or pinged many hosts) in a short time.",
     "Identify the scanning host; if the sweep is not authorised, isolate it and check it for compromise.",
     kHostScan},
    {"tcp.syn_flood", "security", S::Error, "SYN flood",
     "A server port received SYNs at a high rate that mostly did not become connections.",
     "Enable SYN cookies, rate-limit at the edge, and find the sources (often spoofed).", kSynFlood},
    {"addr.bogon", "security", S::Warning, "Traffic with bogon addresses",
     "Packets carried addresses that must never appear on a network (0/8, loopback, class E, a multicast "
     "source).",
     "Look for misconfigured hosts, spoofed traffic, or leaking NAT/loopback traffic.", kBogon},
    {"addr.broadcast_source", "security", S::Warning, "Broadcast address used as a source",
     "Packets came from a broadcast or multicast address, which is never a valid source.",
     "This is spoofed or broken traffic (smurf-style attacks, faulty stacks); find the sending MAC.",
     kBroadcastSrc},
    // dns
    {"dns.unanswered", "dns", S::Warning, "DNS queries unanswered",
     "Queries to a resolver got no response: the resolver is down, unreachable, or overloaded.",
     "Check that the resolver runs and is reachable on UDP/TCP 53, and the clients' configured DNS servers.",
     kDnsUnanswered},
    {"dns.servfail", "dns", S::Warning, "DNS SERVFAIL responses",
     "The resolver answered SERVFAIL: it could not resolve the names, usually because its upstream servers or "
     "DNSSEC validation failed.",
     "Check the resolver's upstream/forwarders and its logs; test with another resolver.", kDnsRcode},
    {"dns.refused", "dns", S::Warning, "DNS queries refused",
     "The resolver refused to answer: the clients are not allowed to use it (ACL) or it is not recursive.",
     "Use the right resolver or allow these clients in the resolver's access list.", kDnsRcode},
    {"dns.nxdomain", "dns", S::Notice, "DNS names that do not exist (NXDOMAIN)",
     "Names were looked up that do not exist: a misspelt name, a stale configuration, or a missing record.",
     "Check the names listed; fix the configuration that uses them or add the records.", kDnsNx},
    {"dns.slow", "dns", S::Warning, "Slow DNS responses",
     "The resolver takes long to answer: every new connection waits for it, so browsing feels slow.",
     "Check the resolver's load and its upstream latency; consider a closer or caching resolver.", kDnsSlow},
    {"dns.truncated_no_tcp", "dns", S::Warning, "Truncated DNS answers not retried over TCP",
     "The resolver truncated answers (TC bit) and the client never retried over TCP: the client got no full "
     "answer.",
     "Allow DNS over TCP port 53 through firewalls; check the client's resolver library.", kDnsTc},
    {"dns.unsolicited_response", "dns", S::Warning, "DNS responses nobody asked for",
     "DNS responses arrived that match no query: spoofing/cache-poisoning attempts, or queries lost from the "
     "capture.",
     "If the source is not a known resolver, investigate it; otherwise check for asymmetric capture.",
     kDnsUnsolicited},
    {"dns.unexpected_resolver", "dns", S::Notice, "Client uses an unexpected DNS resolver",
     "A client sends its queries to a resolver the other clients do not use.",
     "Check the client's DNS settings (static configuration, VPN, malware changing resolvers).", kDnsResolver},
    // dhcp
    {"dhcp.no_offer", "dhcp", S::Error, "DHCP DISCOVERs without an OFFER",
     "Clients asked for an address and no DHCP server offered one: the pool is exhausted or no server "
     "is reachable.",
     "Check the DHCP server is running, its pool size and leases, and DHCP relays between client and server.",
     kDhcpNoOffer},
    {"dhcp.nak", "dhcp", S::Warning, "DHCP NAKs",
     "The DHCP server refused a client's request (NAK): the requested address is wrong for this network or no "
     "longer available.",
     "Check the server's pool and the client's previous network; several servers with different pools cause "
     "this.",
     kDhcpNak},
    {"dhcp.decline", "dhcp", S::Warning, "DHCP DECLINEs (address conflict)",
     "A client declined the address it was given because another host already uses it.",
     "Find the host squatting on the address (static configuration inside the pool).", kDhcpDecline},
    {"dhcp.multiple_servers", "dhcp", S::Error, "Several DHCP servers answer",
     "More than one DHCP server answered clients: a rogue or misconfigured server hands out addresses.",
     "Find the unexpected server by its MAC and switch port; enable DHCP snooping.", kDhcpServers},
    {"dhcp.slow_lease", "dhcp", S::Warning, "Slow DHCP lease",
     "Getting a lease took long: clients wait at boot or when joining the network.",
     "Check the server's load, relays, and ping-before-offer settings.", kDhcpSlow},
    {"dhcpv6.failure_status", "dhcp", S::Error, "DHCPv6 server refuses addresses",
     "The DHCPv6 server answered with a failure status, such as NoAddrsAvail (no address left in its pool) "
     "or NotOnLink (the client's prefix is wrong for this link).",
     "For NoAddrsAvail enlarge the pool or shorten leases; for NotOnLink check the prefix and relays.",
     kDhcpv6Fail},
    {"dhcpv6.no_advertise", "dhcp", S::Warning, "DHCPv6 Solicits unanswered",
     "Clients solicited DHCPv6 servers and none answered.",
     "Check that a DHCPv6 server or relay serves this link and that the router advertisement's M/O flags "
     "match the network's addressing.",
     kDhcpv6NoAdv},
    // application (SMTP, FTP) and credentials in clear
    {"smtp.rcpt_rejected", "application", S::Warning, "Mail server rejected recipients",
     "The mail server refused recipients with a permanent 5xx reply (550 5.1.1 user unknown, mailbox "
     "unavailable, policy): the mail was not delivered to them.",
     "Check the recipient addresses for typos; for local users check the server's recipient maps or aliases. "
     "The server's reply text (in the finding) names the reason.",
     kSmtpRcpt},
    {"smtp.relay_denied", "application", S::Warning, "Mail server refused to relay",
     "A client asked the mail server to deliver to an outside domain and was refused (Relay access denied): "
     "the server does not consider the client trusted.",
     "If the client should send mail through this server: add its network to the server's trusted networks "
     "(Postfix mynetworks) or make it authenticate (SMTP AUTH on port 587 with STARTTLS). Otherwise the client "
     "uses the wrong server as its smarthost.",
     kSmtpRelay},
    {"mail.size_rejected", "application", S::Warning, "Mail refused for its size",
     "A mail server refused a message as too large: 552 or 5.3.4 to DATA/BDAT, or to a MAIL FROM whose SIZE= "
     "declared more than the server accepts. The message was not delivered and the sender gets a bounce.",
     "Send large files another way (a link to a file share), or raise the server's limit (Postfix "
     "message_size_limit, Exim message_size_limit) on every hop; base64 makes attachments a third larger.",
     kMailSize},
    {"mail.loop", "application", S::Warning, "Mail loop",
     "The same message (Message-ID) was relayed over SMTP again and again, each time with one more Received "
     "header, and came back to a server it had already passed; or a message carries more Received headers than "
     "any real path needs: two servers (or a forward and an alias) send it back and forth until a hop limit "
     "bounces it.",
     "Follow the Received headers to the pair of servers that hand the message to each other; fix the MX, "
     "relayhost, transport map or forwarding rule that points back.",
     kMailLoop},
    {"mail.executable_attachment", "security", S::Notice, "Executable mail attachment in clear",
     "A message carried an attachment whose name makes it run when opened (.exe, .scr, .js, .vbs, .bat, .cmd, "
     ".com, .pif, .jar, .msi, ...), over SMTP, POP3 or IMAP without TLS. This is how much malware arrives; "
     "sometimes it is a legitimate tool sent by mail.",
     "Check the message and its sender; have the mail gateway block or quarantine executable attachments "
     "and scan them; use TLS for mail so the content is not exposed on the network.",
     kMailExec},
    {"mail.malformed_mime", "application", S::Warning, "Malformed MIME messages",
     "Messages whose MIME structure is broken: a multipart without its boundary parameter, a multipart never "
     "closed, a boundary that never appears, parts without headers, too deep nesting. Mail clients and "
     "scanners read such messages differently, which is also how filters are evaded.",
     "Find the program that wrote these messages (the X-Mailer or Received headers) and fix or update it; a "
     "mail gateway can reject or repair malformed MIME.",
     kMailMime},
    {"ftp.login_failed", "application", S::Warning, "FTP logins failed",
     "The FTP server rejected logins (530 Login incorrect): wrong password, unknown or disallowed user.",
     "Check the user name and password; on the server check the user list (vsftpd userlist, ftpusers) and its "
     "log. Many failures for many users from one client are a password-guessing attack.",
     kFtpLogin},
    {"cred.plaintext_telnet", "security", S::Warning, "Telnet login with a password in clear",
     "A user logged in over Telnet: the user name and password crossed the network unencrypted and anyone "
     "capturing traffic can read them (netdx shows the password masked).",
     "Use SSH instead of Telnet, disable the Telnet service, and change the password that was exposed.",
     kPlaintextLogin},
    {"cred.plaintext_ftp", "security", S::Warning, "FTP login with a password in clear",
     "A user sent a user name and password to an FTP server without TLS. Anonymous logins are not counted.",
     "Use SFTP (SSH) or FTPS (AUTH TLS, vsftpd ssl_enable); change the password that was exposed.",
     kPlaintextLogin},
    {"cred.plaintext_smtp", "security", S::Warning, "SMTP AUTH with a password in clear",
     "A mail client authenticated (AUTH PLAIN/LOGIN) without STARTTLS: the base64-encoded password is readable "
     "by anyone capturing traffic.",
     "Require STARTTLS before AUTH (Postfix smtpd_tls_auth_only = yes) or use port 465/587 with TLS; change the "
     "password that was exposed.",
     kPlaintextLogin},
    {"cred.plaintext_pop3", "security", S::Warning, "POP3 login with a password in clear",
     "A mail client logged in to a POP3 server (USER/PASS or AUTH PLAIN/LOGIN) without STLS: the password is "
     "readable by anyone capturing traffic (netdx shows it masked). APOP sends a digest and is not counted.",
     "Use POP3S on port 995 or require STLS before login (Dovecot disable_plaintext_auth = yes, ssl = required); "
     "change the password that was exposed.",
     kPlaintextLogin},
    {"cred.plaintext_imap", "security", S::Warning, "IMAP login with a password in clear",
     "A mail client logged in to an IMAP server (LOGIN or AUTHENTICATE PLAIN/LOGIN) without STARTTLS: the "
     "password is readable by anyone capturing traffic (netdx shows it masked).",
     "Use IMAPS on port 993 or require STARTTLS before login (Dovecot disable_plaintext_auth = yes, ssl = "
     "required); change the password that was exposed.",
     kPlaintextLogin},
    {"mail.login_failed", "application", S::Warning, "POP3/IMAP logins failed",
     "A mail server refused repeated logins from one client (-ERR to PASS or AUTH, NO or BAD to LOGIN or "
     "AUTHENTICATE): the client cannot read its mail. Only logins sent in clear are seen.",
     "Check the password stored in the mail client (a changed password makes every poll fail) and the server's "
     "log (Dovecot auth). Many users tried from one client is password guessing: block the client.",
     kMailLogin},
    // Raised only by the active checks (`netdx doctor`, `netdx probe`): a capture cannot show them.
    {"link.down", "link", S::Error, "Interface is administratively down",
     "The interface is switched off in software (ip link set IF down, ifdown, NetworkManager): nothing is sent or "
     "received on it.",
     "Bring it up (ip link set IF up, nmcli device connect IF) and find out what took it down (logs of "
     "NetworkManager, systemd-networkd or ifupdown).",
     {}},
    {"link.no_carrier", "link", S::Error, "No link on the interface (no carrier)",
     "The interface is up but sees no link partner: the cable is unplugged or broken, the switch port is down or "
     "disabled (port security, err-disabled), Wi-Fi is not associated, or the peer of a virtual link is down.",
     "Check the cable and the switch port's LEDs and status; for Wi-Fi the association (iw dev IF link); for a "
     "VM or container, the host side of the link.",
     {}},
    {"addr.no_ipv4", "addressing", S::Error, "Interface has no IPv4 address",
     "The interface carries no IPv4 address at all: DHCP never completed and no static address is configured, "
     "so the host cannot talk IPv4 beyond its own link.",
     "Check the DHCP client (journalctl for dhclient, NetworkManager, systemd-networkd) or the static "
     "configuration; `netdx probe dhcp -i IF` shows whether a DHCP server answers.",
     {}},
    {"route.no_default", "connectivity", S::Error, "No default route",
     "The host has no default gateway: only the networks directly attached to its interfaces are reachable.",
     "Check the gateway in the DHCP answer (option 3, `netdx probe dhcp`) or in the static configuration "
     "(ip route add default via GATEWAY).",
     {}},
    {"conn.host_unreachable", "connectivity", S::Warning, "Destination unreachable from this host",
     "Connecting failed before the destination answered: this host has no route to it, nobody on the local link "
     "answered ARP for it (or for the next hop), or a router returned host or network unreachable.",
     "Check the route to the destination (ip route get ADDR), that the destination (or the gateway) is up on the "
     "expected subnet, and the netmask.",
     {}},
    {"path.no_reply", "connectivity", S::Notice, "Host does not answer ping",
     "Echo requests got neither a reply nor an error: the host is down or unreachable, or it (or a firewall on the "
     "way) drops ICMP echo, which is common and harmless on its own.",
     "Test the service itself (`netdx probe tcp HOST:PORT`); if that fails too, check that the host is up and "
     "routable.",
     {}},
    {"dns.no_resolver", "dns", S::Error, "No DNS resolver configured",
     "resolv.conf names no nameserver: the host cannot resolve any name, so everything addressed by name fails.",
     "Check the DNS servers handed out by DHCP (option 6) or the static configuration (resolv.conf, "
     "systemd-resolved, NetworkManager).",
     {}},
    {"dns.resolvers_disagree", "dns", S::Warning, "Resolvers disagree on a name",
     "The configured resolvers give different verdicts for the same question: one says the name (or the record "
     "type) exists, another that it does not. The host uses whichever answers first, so the name works only some "
     "of the time. Different addresses for an existing name are normal (load balancing) and are not reported.",
     "Typical causes: a VPN or internal resolver that knows internal names next to a public one (split DNS), a "
     "stale or misconfigured zone on one resolver, or a resolver that filters names. Configure resolvers that "
     "serve the same view.",
     {}},
};

}  // namespace

std::span<const FindingDef> finding_defs() { return kDefs; }

const FindingDef* find_def(std::string_view id) {
    // Every rule's constructor reads its parameters through here: an index,
    // not a scan of the catalogue per parameter.
    static const std::unordered_map<std::string_view, const FindingDef*> kById = [] {
        std::unordered_map<std::string_view, const FindingDef*> m;
        for (const FindingDef& d : kDefs) m.emplace(d.id, &d);
        return m;
    }();
    auto it = kById.find(id);
    return it == kById.end() ? nullptr : it->second;
}

std::string_view severity_name(Severity s) {
    switch (s) {
        case Severity::Info: return "info";
        case Severity::Notice: return "notice";
        case Severity::Warning: return "warning";
        case Severity::Error: return "error";
    }
    return "info";
}

std::optional<Severity> parse_severity(std::string_view s) {
    if (s == "info") return Severity::Info;
    if (s == "notice" || s == "note") return Severity::Notice;
    if (s == "warning" || s == "warn") return Severity::Warning;
    if (s == "error") return Severity::Error;
    return std::nullopt;
}

void Evidence::merge(const Evidence& o) {
    for (const FrameRef& f : o.frames)
        if (frames.size() < kKeep) frames.push_back(f);
    total += o.total;
}

}  // namespace netdx
