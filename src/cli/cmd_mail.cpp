// `netdx mail`: the e-mail messages of a capture (SMTP DATA/BDAT, POP3 RETR,
// IMAP FETCH). The capture goes through the analysis pipeline `netdx analyze`
// runs, so the messages listed are the MailMessage events the rules read.
#include <fmt/format.h>

#include <csignal>
#include <cstdio>
#include <system_error>

#include "analysis/pipeline.hpp"
#include "cli/commands.hpp"
#include "cli/source_options.hpp"
#include "events/event_bus.hpp"
#include "mail/mail_log.hpp"

namespace netdx {

namespace {

struct MailArgs {
    SourceArgs source;
    std::string format = "text";
    std::size_t max_messages = MailLog::kDefaultMaxMessages;
};

int run_mail(MailArgs& a) {
    if (std::string err = finish_source_options(a.source); !err.empty()) {
        fmt::print(stderr, "netdx mail: {}\n", err);
        return code(ExitCode::Usage);
    }
    std::unique_ptr<PacketSource> src;
    try {
        a.source.opts.promiscuous = !a.source.no_promiscuous;
        src = PacketSource::open(a.source.opts);
    } catch (const std::invalid_argument& e) {
        fmt::print(stderr, "netdx mail: {}\n", e.what());
        return code(ExitCode::Usage);
    } catch (const CaptureError& e) {
        fmt::print(stderr, "netdx: {}\n", e.what());
        return code(e.code());
    }
    if (int rc = relinquish_privileges(*src, a.source, "mail")) return rc;
    if (src->live()) stop_on_signals(src.get());
    std::signal(SIGPIPE, SIG_IGN);

    EventBus bus;
    MailLog log(a.max_messages);
    log.subscribe(bus);
    Pipeline pipeline(bus, PipelineOptions{});
    pipeline.begin_file(0, src->live() ? a.source.opts.interface : a.source.opts.file);
    Packet pkt;
    std::uint64_t seen = 0;
    const int rc = for_each_packet(
        *src, pkt,
        [&](const Packet& p) {
            pipeline.packet(p);
            return !(a.source.count && ++seen >= a.source.count);
        },
        [] {});
    pipeline.end();  // messages of flows still open are reported

    try {
        if (a.format == "json") write_mail_json(stdout, log);
        else write_mail_text(stdout, log);
    } catch (const std::system_error&) {
        fmt::print(stderr, "netdx mail: writing the list failed\n");
        return code(ExitCode::WriteFailed);
    }
    if (a.format == "json" && log.dropped())
        fmt::print(stderr, "netdx mail: list full at {} messages: {} more left out\n", log.max_messages(),
                   log.dropped());
    if (std::fflush(stdout) != 0) {
        fmt::print(stderr, "netdx mail: writing the list failed\n");
        return code(ExitCode::WriteFailed);
    }
    return rc;
}

}  // namespace

CommandRunner add_mail_command(CLI::App& app) {
    auto args = std::make_shared<MailArgs>();
    CLI::App* cmd = app.add_subcommand(
        "mail", "E-mail messages sent (SMTP) or fetched (POP3, IMAP): headers, attachments, SMTP outcome");
    add_source_options(*cmd, args->source, true);
    cmd->add_option("-T,--format", args->format, "Output format: text (a list) or json (one object per message)")
        ->check(CLI::IsMember({"text", "json"}));
    cmd->add_option("--max-messages", args->max_messages,
                    "Messages listed at most (default 20000); further ones are counted, not kept")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 24));
    return [cmd, args]() { return cmd->parsed() ? run_mail(*args) : -1; };
}

}  // namespace netdx
