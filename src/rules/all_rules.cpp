#include "rules/engine.hpp"
#include "rules/rules_all.hpp"

namespace netdx {

std::vector<std::unique_ptr<Rule>> make_rules(const RuleConfig& c) {
    std::vector<std::unique_ptr<Rule>> out;
    add_security_rules(out, c);  // first: conn rules read the scanners it finds
    add_addressing_rules(out, c);
    add_connectivity_rules(out, c);
    add_dns_rules(out, c);
    add_dhcp_rules(out, c);
    add_performance_rules(out, c);
    add_throughput_rules(out, c);
    add_dns_browsing_rules(out, c);
    add_dhcpv6_rules(out, c);
    add_http_rules(out, c);
    add_tls_rules(out, c);
    add_ssh_rules(out, c);
    add_rising_rtt_rules(out, c);
    add_link_local6_rules(out, c);
    add_mail_rules(out, c);
    add_ftp_rules(out, c);
    add_credential_rules(out, c);
    add_mail_login_rules(out, c);
    add_mail_message_rules(out, c);
    add_cache_rules(out, c);
    add_mqtt_rules(out, c);
    add_amqp_rules(out, c);
    add_rpc_rules(out, c);
    add_webrpc_rules(out, c);
    add_rpc_slow_rules(out, c);
    add_server_rules(out, c);
    return out;
}

}  // namespace netdx
