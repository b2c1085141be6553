// `netdx log PROTO`: Zeek-style transaction logs (conn, dns, http, ...). The
// capture goes through the analysis pipeline `netdx analyze` runs, so a line
// is a transaction the rules read; the log type subscribes to the events it
// is made of (src/log/) and is written once the pipeline has ended.
#include <fmt/format.h>

#include <cstdio>
#include <system_error>

#include "cli/commands.hpp"
#include "cli/open_reading_source.hpp"
#include "cli/pipeline_read.hpp"
#include "cli/source_options.hpp"
#include "cli/write_output.hpp"
#include "events/event_bus.hpp"
#include "log/transaction_log.hpp"

namespace netdx {

namespace {

struct LogArgs {
    SourceArgs source;
    std::string type;
    std::string format = "tsv";
    std::size_t max_rows = TransactionLog::kDefaultMaxRows;
};

int run_log(LogArgs& a) {
    std::unique_ptr<TransactionLog> log = make_transaction_log(a.type, a.max_rows);
    if (!log) {  // the option check lists the names; this is a safety net
        fmt::print(stderr, "netdx log: no log type {}\n", a.type);
        return code(ExitCode::Usage);
    }
    std::unique_ptr<PacketSource> src;
    if (int rc = open_reading_source(a.source, "log", src)) return rc;

    EventBus bus;
    log->subscribe(bus);
    const int rc = read_through_pipeline(*src, a.source, bus);
    if (int wrc = write_output(
            "log", "log",
            [&] {
                log->finish();
                const std::vector<LogRow>& rows = log->rows();
                if (a.format == "json") write_log_json(stdout, log->schema(), rows);
                else write_log_tsv(stdout, log->schema(), rows);
            },
            [&] {
                if (log->dropped())
                    fmt::print(stderr, "netdx log: {} lines kept at most: {} more left out\n", log->max_rows(),
                               log->dropped());
            }))
        return wrc;
    return rc;
}

}  // namespace

CommandRunner add_log_command(CLI::App& app) {
    auto args = std::make_shared<LogArgs>();
    CLI::App* cmd = app.add_subcommand(
        "log", "Transaction logs as Zeek writes them (conn, dns, http, tls, ssh, smtp, ftp, dhcp, pop3, imap): one line per flow or transaction, TSV or JSON");
    std::vector<std::string> names;
    std::string listed;
    for (std::string_view n : log_type_names()) {
        names.emplace_back(n);
        listed += (listed.empty() ? "" : ", ") + std::string(n);
    }
    cmd->add_option("PROTO", args->type, "Log type: " + listed)->required()->check(CLI::IsMember(names));
    add_source_options(*cmd, args->source, true);
    cmd->add_option("-T,--format", args->format,
                    "Output format: tsv (a #fields header line, then tab-separated values; - unset) or json (one "
                    "object per line, unset fields left out)")
        ->check(CLI::IsMember({"tsv", "json"}));
    cmd->add_option("--max-rows", args->max_rows,
                    "Lines kept at most (default 1000000); further ones are counted, not written")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 26));
    return [cmd, args]() { return cmd->parsed() ? run_log(*args) : -1; };
}

}  // namespace netdx
