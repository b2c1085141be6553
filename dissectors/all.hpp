#pragma once
// Every dissector definition, for the registry.
#include "dissectors/dissector.hpp"

namespace netdx {
extern const DissectorDef eth_dissector;
extern const DissectorDef vlan_dissector;
extern const DissectorDef sll_dissector;
extern const DissectorDef sll2_dissector;
extern const DissectorDef null_dissector;
extern const DissectorDef raw_dissector;
extern const DissectorDef llc_dissector;
extern const DissectorDef arp_dissector;
extern const DissectorDef ipv4_dissector;
extern const DissectorDef ipv6_dissector;
extern const DissectorDef ipv6_hopopts_dissector;
extern const DissectorDef ipv6_routing_dissector;
extern const DissectorDef ipv6_fragment_dissector;
extern const DissectorDef ipv6_dstopts_dissector;
extern const DissectorDef icmp_dissector;
extern const DissectorDef icmpv6_dissector;
extern const DissectorDef udp_dissector;
extern const DissectorDef tcp_dissector;
extern const DissectorDef data_dissector;
extern const DissectorDef dns_dissector;
extern const DissectorDef mdns_dissector;
extern const DissectorDef llmnr_dissector;
extern const DissectorDef dhcp_dissector;
extern const DissectorDef dhcpv6_dissector;
extern const DissectorDef ppp_dissector;
extern const DissectorDef mpls_dissector;
extern const DissectorDef nflog_dissector;
extern const DissectorDef gre_dissector;
extern const DissectorDef smtp_dissector;
extern const DissectorDef ftp_dissector;
extern const DissectorDef telnet_dissector;
extern const DissectorDef ssh_dissector;
extern const DissectorDef pop3_dissector;
extern const DissectorDef imap_dissector;
extern const DissectorDef http_dissector;
extern const DissectorDef tls_dissector;
extern const DissectorDef resp_dissector;
extern const DissectorDef memcache_dissector;
extern const DissectorDef mqtt_dissector;
extern const DissectorDef amqp_dissector;
extern const DissectorDef rpc_dissector;
}  // namespace netdx
