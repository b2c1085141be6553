#pragma once
// Each subcommand registers its options on the CLI app and returns the function
// that runs it once the command line is parsed.
#include <CLI/CLI.hpp>

#include <functional>

namespace netdx {

using CommandRunner = std::function<int()>;

CommandRunner add_packets_command(CLI::App& app);
CommandRunner add_capture_command(CLI::App& app);
CommandRunner add_fields_command(CLI::App& app);
CommandRunner add_dns_command(CLI::App& app);
CommandRunner add_flows_command(CLI::App& app);
CommandRunner add_servers_command(CLI::App& app);  // src/cli/cmd_servers.cpp
CommandRunner add_mail_command(CLI::App& app);     // src/cli/cmd_mail.cpp
CommandRunner add_log_command(CLI::App& app);      // src/cli/cmd_log.cpp
CommandRunner add_analyze_command(CLI::App& app);
CommandRunner add_rules_command(CLI::App& app);
CommandRunner add_live_command(CLI::App& app);
CommandRunner add_probe_command(CLI::App& app);   // src/cli/cmd_probe.cpp
CommandRunner add_doctor_command(CLI::App& app);  // src/cli/cmd_doctor.cpp

}  // namespace netdx
