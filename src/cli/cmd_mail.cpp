// `netdx mail`: the e-mail messages of a capture (SMTP DATA/BDAT, POP3 RETR,
// IMAP FETCH). The capture goes through the analysis pipeline `netdx analyze`
// runs, so the messages listed are the MailMessage events the rules read.
#include <fmt/format.h>

#include <cstdio>
#include <system_error>

#include "cli/commands.hpp"
#include "cli/open_reading_source.hpp"
#include "cli/pipeline_read.hpp"
#include "cli/source_options.hpp"
#include "cli/write_output.hpp"
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
    std::unique_ptr<PacketSource> src;
    if (int rc = open_reading_source(a.source, "mail", src)) return rc;

    EventBus bus;
    MailLog log(a.max_messages);
    log.subscribe(bus);
    const int rc = read_through_pipeline(*src, a.source, bus);
    if (int wrc = write_output(
            "mail", "list",
            [&] {
                if (a.format == "json") write_mail_json(stdout, log);
                else write_mail_text(stdout, log);
            },
            [&] {
                if (a.format == "json" && log.dropped())
                    fmt::print(stderr, "netdx mail: list full at {} messages: {} more left out\n",
                               log.max_messages(), log.dropped());
            }))
        return wrc;
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
