// `netdx live`: the ncurses live view over an interface or a capture file.
#include <fmt/format.h>
#include <unistd.h>

#include "cli/commands.hpp"
#include "cli/source_options.hpp"
#include "filter/display_filter.hpp"
#include "tui/app.hpp"

namespace netdx {

namespace {

int run_live_command(tui::LiveOptions& o) {
    if (o.source.file.empty() == o.source.interface.empty()) {
        fmt::print(stderr, "netdx live: give a capture file with -r FILE or an interface with -i IF (one of them)\n");
        return code(ExitCode::Usage);
    }
    if (o.source.file == "-") {
        fmt::print(stderr, "netdx live: the terminal is the input; -r - is not supported\n");
        return code(ExitCode::Usage);
    }
    if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)) {
        fmt::print(stderr, "netdx live: needs a terminal (use `netdx packets` for scripts)\n");
        return code(ExitCode::Usage);
    }
    if (o.realtime && !o.source.interface.empty()) {
        fmt::print(stderr, "netdx live: --realtime applies to -r FILE only\n");
        return code(ExitCode::Usage);
    }
    if (!o.display_filter.empty()) {
        try {
            DisplayFilter check(o.display_filter);
        } catch (const filter::FilterError& e) {
            fmt::print(stderr, "netdx live: bad display filter: {}\n", e.what());
            return code(ExitCode::BadDisplayFilter);
        }
    }
    return tui::run_live(o);
}

}  // namespace

CommandRunner add_live_command(CLI::App& app) {
    auto o = std::make_shared<tui::LiveOptions>();
    CLI::App* cmd = app.add_subcommand("live", "Interactive live view (ncurses): packets, flows, findings, stats");
    cmd->add_option("-r,--read", o->source.file, "Replay a pcap/pcapng file");
    cmd->add_option("-i,--interface", o->source.interface, "Capture live on this interface");
    cmd->add_option("-f,--filter", o->source.filter, "BPF capture filter (tcpdump syntax)");
    cmd->add_option("-Y,--display-filter", o->display_filter,
                    "Display filter: the packet list shows only the packets it matches (statistics, flows and findings see all)");
    add_decode_as_option(*cmd);
    cmd->add_option("-w,--write", o->write, "Also write the captured packets to this pcap file");
    cmd->add_option("-c,--count", o->count, "Stop capturing after this many packets (the view stays open)");
    cmd->add_flag("--realtime", o->realtime, "Replay a file at its recorded pace");
    cmd->add_option("--speed", o->speed, "Pace factor with --realtime (2 = twice as fast)")
        ->check(CLI::Range(0.001, 1e6));
    cmd->add_option("--ring", o->ring, "Packets kept in the list (older ones leave it)")
        ->check(CLI::Range(100, 10000000));
    cmd->add_option("--keep-bytes", o->keep_bytes, "Bytes kept per packet for the detail view")
        ->check(CLI::Range(64, 262144));
    cmd->add_option("--max-flows", o->max_flows, "Conversations kept for the flows view")
        ->check(CLI::Range(10, 10000000));
    cmd->add_option("--refresh", o->refresh_ms, "Screen refresh period in milliseconds")->check(CLI::Range(20, 5000));
    cmd->add_option("--findings-every", o->findings_ms,
                    "Re-evaluate the rules this often (ms) during the capture; 0: only when it ends")
        ->check(CLI::Range(0, 3600000));
    cmd->add_option("-s,--snaplen", o->source.snaplen, "Bytes to capture per packet (live)")->check(CLI::Range(1, 262144));
    cmd->add_option("-B,--buffer-size", o->source.buffer_size_kib, "Kernel capture buffer in KiB (live)")
        ->check(CLI::PositiveNumber);
    cmd->add_flag("-p,--no-promiscuous", o->no_promiscuous, "Do not put the interface in promiscuous mode");
    cmd->add_option("-Z,--relinquish-privileges", o->user,
                    "Once the interface (and the -w file) is open, switch to this user (needs root). "
                    "Root switches to nobody by default; -Z root stays root");
    cmd->add_flag("--no-color", o->no_color, "No colours (also when NO_COLOR is set)");
    cmd->add_flag("-n,--names", o->names, "Resolve host names from the start (key n toggles)");
    return [cmd, o]() { return cmd->parsed() ? run_live_command(*o) : -1; };
}

}  // namespace netdx
