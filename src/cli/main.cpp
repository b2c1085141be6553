// netdx: packet-level network diagnostics. One binary, one subcommand per job.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/cli_docs.hpp"
#include "cli/commands.hpp"
#include "core/exit_codes.hpp"

#ifndef NETDX_VERSION
#define NETDX_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
    CLI::App app{"netdx: capture, dissect and diagnose network traffic"};
    app.set_version_flag("--version", fmt::format("netdx {}", NETDX_VERSION));
    app.require_subcommand(1);
    std::vector<netdx::CommandRunner> runners = {
        netdx::add_packets_command(app),
        netdx::add_capture_command(app),
        netdx::add_fields_command(app),
        netdx::add_dns_command(app),
        netdx::add_flows_command(app),
        netdx::add_servers_command(app),
        netdx::add_mail_command(app),
        netdx::add_log_command(app),
        netdx::add_analyze_command(app),
        netdx::add_rules_command(app),
        netdx::add_live_command(app),
        netdx::add_probe_command(app),
        netdx::add_doctor_command(app),
        netdx::add_docs_commands(app),
    };
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        // One line, as for every other bad input (CLI11's own exit() prints two).
        fmt::print(stderr, "netdx: {} (netdx --help lists the options)\n", e.what());
        return netdx::code(netdx::ExitCode::Usage);
    }
    for (auto& run : runners) {
        const int rc = run();
        if (rc >= 0) return rc;
    }
    return netdx::code(netdx::ExitCode::Usage);
}
