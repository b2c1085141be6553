// `netdx analyze`: runs the analysis pipeline and the rules over capture files
// (or a live interface until Ctrl-C) and reports findings with evidence.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <memory>
#include <optional>
#include <system_error>
#include <sys/stat.h>

#include "analysis/session.hpp"
#include "cli/commands.hpp"
#include "cli/source_options.hpp"
#include "dissectors/decode.hpp"
#include "filter/display_filter.hpp"
#include "flow/flow_engine.hpp"
#include "rules/user_rules.hpp"
#include "events/event_bus.hpp"
#include "events/flow_events.hpp"
#include "report/evidence.hpp"
#include "report/evidence_flows.hpp"
#include "report/report.hpp"

namespace netdx {

namespace {

struct AnalyzeArgs {
    std::vector<std::string> files;
    SourceArgs source;
    std::string format = "text";
    std::string output;
    std::string config;
    std::vector<std::string> sets;
    std::string fail_on;
    std::string evidence;
    std::vector<std::string> evidence_ids;
    std::string color = "auto";
    std::string display_filter;  // -Y
    std::uint64_t memory_mb = StateBudget::kDefaultMb;
};

// Progress on stderr for big files read on a terminal.
class Progress {
public:
    Progress(PacketSource& src, const std::string& file) {
        struct stat sb {};
        if (!isatty(STDERR_FILENO) || file == "-" || stat(file.c_str(), &sb) != 0 || sb.st_size < (32 << 20)) return;
        src_ = &src;
        size_ = static_cast<double>(sb.st_size);
        name_ = file;
    }
    void tick(std::uint64_t packets) {
        if (!src_ || (packets & 0xffff) != 0) return;
        const double frac = std::min(1.0, static_cast<double>(src_->file_position()) / size_);
        const int filled = static_cast<int>(frac * 30);
        fmt::print(stderr, "\r{} [{:#<{}}{:.<{}}] {:3.0f}% {} packets", name_, "", filled, "", 30 - filled, frac * 100,
                   packets);
        shown_ = true;
    }
    ~Progress() {
        if (shown_) fmt::print(stderr, "\r\x1b[K");
    }

private:
    const PacketSource* src_ = nullptr;
    double size_ = 1;
    std::string name_;
    bool shown_ = false;
};

bool want_color(const std::string& mode, std::FILE* out) {
    if (mode == "always") return true;
    if (mode == "never") return false;
    const char* no_color = std::getenv("NO_COLOR");
    if (no_color && *no_color) return false;
    return isatty(fileno(out));
}

int run_analyze(AnalyzeArgs& a) {
    RuleConfig config;
    if (!a.config.empty()) {
        if (std::string err = config.load_toml_file(a.config); !err.empty()) {
            fmt::print(stderr, "netdx analyze: {}\n", err);
            return code(ExitCode::BadConfig);
        }
    }
    for (const std::string& s : a.sets) {
        if (std::string err = config.apply_set(s); !err.empty()) {
            fmt::print(stderr, "netdx analyze: {}\n", err);
            return code(ExitCode::BadConfig);
        }
    }
    std::vector<UserRuleSpec> user_specs;
    if (!a.config.empty()) {
        if (std::string err = load_user_rules_file(a.config, user_specs); !err.empty()) {
            fmt::print(stderr, "netdx analyze: {}\n", err);
            return code(ExitCode::BadConfig);
        }
    }
    std::unique_ptr<UserRules> user_rules;
    try {
        user_rules = std::make_unique<UserRules>(user_specs);
    } catch (const std::invalid_argument& e) {
        fmt::print(stderr, "netdx analyze: {}: {}\n", a.config, e.what());
        return code(ExitCode::BadConfig);
    }
    std::optional<Severity> fail_on;
    if (!a.fail_on.empty()) fail_on = parse_severity(a.fail_on);
    for (const std::string& id : a.evidence_ids)
        if (!find_def(id) && !user_rules->def(id)) {
            fmt::print(stderr, "netdx analyze: unknown rule \"{}\" for --finding (see `netdx rules`)\n", id);
            return code(ExitCode::Usage);
        }
    std::optional<DisplayFilter> filter;
    if (!a.display_filter.empty()) {
        try {
            filter.emplace(a.display_filter);
        } catch (const filter::FilterError& e) {
            fmt::print(stderr, "netdx analyze: bad display filter: {}\n", e.what());
            return code(ExitCode::BadDisplayFilter);
        }
    }
    if (!a.source.opts.file.empty()) a.files.insert(a.files.begin(), a.source.opts.file);
    const bool live = !a.source.opts.interface.empty();
    if (live == !a.files.empty()) {
        fmt::print(stderr, "netdx analyze: give capture files, or -i IF for a live analysis\n");
        return code(ExitCode::Usage);
    }
    if (!a.evidence.empty() && live) {
        fmt::print(stderr, "netdx analyze: --evidence needs capture files (a live capture cannot be read twice)\n");
        return code(ExitCode::Usage);
    }

    AnalysisSession session(config, a.memory_mb);
    // JSON findings name their flows by log uid; files only (a second read).
    const bool with_uids = !live && (a.format == "json" || a.format == "ndjson");
    EvidenceFlows evidence_flows;
    if (with_uids) session.bus().subscribe_fn<FlowEnded>([&](const FlowEnded& e) { evidence_flows.add(e); });
    std::signal(SIGPIPE, SIG_IGN);
    int rc = code(ExitCode::Ok);
    std::vector<std::string> inputs = live ? std::vector<std::string>{a.source.opts.interface} : a.files;
    Packet pkt;
    // A live analysis gives up root once the interface is open (-Z): its report
    // file is made before, not refused after a long capture.
    std::FILE* out = stdout;
    const bool to_file = !a.output.empty() && a.output != "-";
    auto open_report = [&] {
        out = std::fopen(a.output.c_str(), "w");
        if (!out) fmt::print(stderr, "netdx analyze: cannot write {}\n", a.output);
        return out != nullptr;
    };
    if (to_file && live && !open_report()) return code(ExitCode::WriteFailed);
    std::uint64_t total = 0;
    auto count_reached = [&] { return a.source.count && total >= a.source.count; };
    for (std::uint32_t i = 0; i < inputs.size() && rc == 0 && !count_reached(); ++i) {
        SourceOptions opts = a.source.opts;
        if (!live) opts.file = inputs[i];
        opts.promiscuous = !a.source.no_promiscuous;
        std::unique_ptr<PacketSource> src;
        try {
            src = PacketSource::open(opts);
        } catch (const CaptureError& e) {
            fmt::print(stderr, "netdx: {}\n", e.what());
            return code(e.code());
        }
        if (live) {
            if (int rc = relinquish_privileges(*src, a.source, "analyze")) return rc;
            stop_on_signals(src.get());
            fmt::print(stderr, "netdx analyze: capturing on {}; press Ctrl-C to stop and report\n", inputs[i]);
        }
        session.begin_file(i, inputs[i]);
        user_rules->begin_file(i);
        Progress progress(*src, inputs[i]);
        // -Y: the filter sees every packet of the file with the TCP analysis
        // it may name (its own flow engine: the pipeline's runs only on what
        // the rules see), and only the matching packets reach the pipeline.
        std::unique_ptr<FlowEngine> filter_flows;
        if (filter && filter->needs_flow_analysis()) filter_flows = std::make_unique<FlowEngine>();
        CaptureClock clock;
        // A damaged file ends the reading; what was read before it is reported.
        rc = for_each_packet(
            *src, pkt,
            [&](Packet& p) {
                progress.tick(++total);
                if (filter) {
                    if (!clock.started) clock.first = clock.previous = p.ts, clock.started = true;
                    if (filter_flows) {
                        const PacketFlowInfo& fi = filter_flows->process(p);
                        p.tcp_analysis = fi.tcp ? &fi.seg : nullptr;
                    }
                    const bool keep = filter->matches(p, clock);
                    clock.previous = p.ts;
                    p.tcp_analysis = nullptr;
                    if (!keep) return !count_reached();
                }
                user_rules->packet(p);
                session.packet(p);
                return !count_reached();
            },
            [] {});
        // What the kernel dropped was never analysed: said as tcpdump and
        // `netdx capture` say it, so the report's counts can be weighed.
        if (live) {
            const CaptureStats st = src->stats();
            if (st.available) fmt::print(stderr, "{} packets analysed\n", total);
            print_capture_counters(st);
        }
    }
    AnalysisResult result = session.finish();
    if (!user_rules->empty()) {
        // Ordinary findings: most severe first, a user rule's after the built-in ones of its severity.
        for (Finding& f : user_rules->finish()) result.findings.push_back(std::move(f));
        std::stable_sort(result.findings.begin(), result.findings.end(),
                         [](const Finding& x, const Finding& y) { return x.severity > y.severity; });
    }
    if (with_uids)
        if (std::string err = evidence_flows.attach_uids(result.findings, a.files); !err.empty())
            fmt::print(stderr, "netdx analyze: the evidence's flow uids: {}\n", err);
    const std::vector<Finding>& findings = result.findings;
    AnalysisReport report{result.summary, findings, result.limit_drops, {}, 0, {}, &result.network, &result.limits,
                          result.memory_mb};
    report.user_defs = user_rules->defs();
    if (filter) {
        report.display_filter = filter->text();
        report.packets_read = total;
    }

    if (to_file && !live && !open_report()) return code(ExitCode::WriteFailed);
    // A reader that goes away (`| head`) makes fmt throw: that is a failed write,
    // reported as one, and the evidence file below is still written.
    bool write_failed = false;
    try {
        if (a.format == "json") {
            std::fputs(report_json(report).dump(2).c_str(), out);
            std::fputc('\n', out);
        } else if (a.format == "ndjson") {
            write_ndjson_report(out, report);
        } else if (a.format == "junit") {
            write_junit_report(out, report, fail_on.value_or(Severity::Warning));
        } else {
            write_text_report(out, report, want_color(a.color, out));
        }
    } catch (const std::system_error&) {
        write_failed = true;
    }
    const bool flushed = std::fflush(out) == 0;
    const bool closed = out == stdout || std::fclose(out) == 0;
    if (write_failed || !flushed || !closed) {
        fmt::print(stderr, "netdx analyze: writing the report failed\n");
        rc = code(ExitCode::WriteFailed);
    }

    if (!a.evidence.empty()) {
        EvidenceFrames frames;
        for (const Finding& f : findings) {
            if (!a.evidence_ids.empty() &&
                std::find(a.evidence_ids.begin(), a.evidence_ids.end(), f.def->id) == a.evidence_ids.end())
                continue;
            const std::string comment = fmt::format("{}: {}", f.def->id, f.title);
            for (const FrameRef& ref : f.evidence.frames) {
                std::vector<std::string>& on = frames[ref];
                if (on.empty() || on.back() != comment) on.push_back(comment);
            }
        }
        EvidenceResult ev = write_evidence(a.files, frames, a.evidence);
        if (!ev.error.empty()) {
            fmt::print(stderr, "netdx analyze: {}\n", ev.error);
            return ev.exit_code;
        }
        fmt::print(stderr, "netdx analyze: wrote {} evidence packet(s) to {}\n", ev.written, a.evidence);
        if (ev.skipped_linktype)
            fmt::print(stderr, "netdx analyze: {} evidence packet(s) skipped: their link type differs from the first file's\n",
                       ev.skipped_linktype);
    }
    if (rc != 0) return rc;
    if (fail_on)
        for (const Finding& f : findings)
            if (f.severity >= *fail_on) return code(ExitCode::FindingsReached);
    return code(ExitCode::Ok);
}

}  // namespace

CommandRunner add_analyze_command(CLI::App& app) {
    auto args = std::make_shared<AnalyzeArgs>();
    CLI::App* cmd = app.add_subcommand("analyze", "Diagnose capture files (or a live interface): findings with evidence");
    cmd->add_option("files", args->files, "Capture files (pcap/pcapng; - for stdin)");
    add_source_options(*cmd, args->source, true);
    cmd->add_option("-T,--format", args->format, "Report format: text, json, ndjson, junit")
        ->check(CLI::IsMember({"text", "json", "ndjson", "junit"}));
    cmd->add_option("-o,--output", args->output, "Write the report to this file instead of standard output");
    cmd->add_option("-Y,--display-filter", args->display_filter,
                    "Display filter: the rules see only the packets it matches (the report says so)");
    cmd->add_option("--config", args->config, "TOML file with rule settings (see `netdx rules`)");
    cmd->add_option("--set", args->sets,
                    "Override one rule setting: rule.param=value, rule.severity=S, rule.enabled=false; or the "
                    "network picture: network.subnets=CIDR,..., network.gateways=IP,...")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd->add_option("--fail-on", args->fail_on, "Exit with code 20 when a finding reaches this severity")
        ->check(CLI::IsMember({"info", "notice", "warning", "error"}));
    cmd->add_option("--evidence", args->evidence, "Write the evidence packets of the findings to this file: FILE.pcapng names the findings in a comment on each packet, any other name is pcap");
    cmd->add_option("--finding", args->evidence_ids, "With --evidence: only the evidence of this rule id (repeatable)")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd->add_option("--memory", args->memory_mb,
                    "Memory budget of the analysis state in MB (rule and tracker tables); a full table is reported")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 20));
    cmd->add_option("--color", args->color, "Colour the text report: auto (terminal, unless NO_COLOR), always, never")
        ->check(CLI::IsMember({"auto", "always", "never"}));
    return [cmd, args]() { return cmd->parsed() ? run_analyze(*args) : -1; };
}

}  // namespace netdx
