#pragma once
// One function per rule file adds that file's rules (rules/all_rules.cpp calls
// them in finish order: facts producers such as the scan rules come first).
#include <memory>
#include <vector>

#include "rules/rule.hpp"

namespace netdx {

void add_addressing_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c);
void add_security_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c);
void add_connectivity_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c);
void add_dns_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c);
void add_dhcp_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c);
void add_performance_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c);
void add_throughput_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c);
void add_dns_browsing_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c);
void add_dhcpv6_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c);
void add_http_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c);
void add_tls_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c);
void add_ssh_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c);
void add_rising_rtt_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c);
void add_link_local6_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c);
void add_mail_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c);
void add_ftp_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c);
void add_credential_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c);
void add_mail_login_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c);
void add_mail_message_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c);
void add_cache_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c);
void add_mqtt_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c);
void add_amqp_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c);
void add_rpc_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c);
void add_webrpc_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c);
void add_rpc_slow_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c);
void add_server_rules(std::vector<std::unique_ptr<Rule>>& out, const RuleConfig& c);

}  // namespace netdx
