// `netdx servers`: the per-server view. The capture goes through the analysis
// pipeline `netdx analyze` runs (the same consumers and trackers, so the same
// transactions the rules read), and a ServerTable sums them per server and
// service instead of a rules engine judging them.
#include <fmt/format.h>

#include <cstdio>
#include <system_error>

#include "cli/commands.hpp"
#include "cli/open_reading_source.hpp"
#include "cli/pipeline_read.hpp"
#include "cli/source_options.hpp"
#include "cli/write_output.hpp"
#include "events/event_bus.hpp"
#include "servers/server_table.hpp"
#include "servers/servers_report.hpp"

namespace netdx {

namespace {

struct ServersArgs {
    SourceArgs source;
    std::string format = "text";
    std::size_t max_servers = ServerTable::kDefaultMaxServers;
    bool all = false;
};

int run_servers(ServersArgs& a) {
    std::unique_ptr<PacketSource> src;
    if (int rc = open_reading_source(a.source, "servers", src)) return rc;

    EventBus bus;
    ServerTable table(a.max_servers);
    table.subscribe(bus);
    bool first = true;
    const int rc = read_through_pipeline(*src, a.source, bus, [&](const Packet& p) {
        // The timelines start with the capture, not with the first flow to
        // end (flows are reported when they end).
        if (first) table.set_origin(p.ts.seconds()), first = false;
    });
    if (int wrc = write_output(
            "servers", "table",
            [&] {
                if (a.format == "json") write_servers_json(stdout, table);
                else write_servers_text(stdout, table, ServersReportOptions{a.all});
            },
            [&] {
                if (a.format == "json" && table.dropped_events())
                    fmt::print(stderr, "netdx servers: table full at {} servers: {} more left out ({} events)\n",
                               table.max_servers(), table.dropped_servers(), table.dropped_events());
            }))
        return wrc;
    return rc;
}

}  // namespace

CommandRunner add_servers_command(CLI::App& app) {
    auto args = std::make_shared<ServersArgs>();
    CLI::App* cmd = app.add_subcommand(
        "servers", "Per server and service: clients, connections, concurrency, requests/s, latency, errors, bytes");
    add_source_options(*cmd, args->source, true);
    cmd->add_option("-T,--format", args->format, "Output format: text (a table) or json (one object per server)")
        ->check(CLI::IsMember({"text", "json"}));
    cmd->add_option("--max-servers", args->max_servers,
                    "Servers tracked at most (default 2048); further ones are counted, not kept")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
    cmd->add_flag("--all", args->all, "Text: also list servers that only refused connections");
    return [cmd, args]() { return cmd->parsed() ? run_servers(*args) : -1; };
}

}  // namespace netdx
