#include "cli/source_options.hpp"

#include <csignal>

#include "capture/privileges.hpp"
#include "dissectors/decode_as.hpp"

namespace netdx {

void add_decode_as_option(CLI::App& cmd) {
    cmd.add_option_function<std::vector<std::string>>(
           "-d,--decode-as",
           [](const std::vector<std::string>& specs) {
               for (const std::string& s : specs)
                   if (std::string err = apply_decode_as(s); !err.empty()) throw CLI::ValidationError("-d", err);
           },
           "Decode a port as a protocol, as tshark: tcp.port==8080,http (udp.port; A-B and A:N ranges; repeatable)")
        ->type_name("SPEC")
        ->allow_extra_args(false);  // one spec per -d: analyze's file arguments follow
}

void add_source_options(CLI::App& cmd, SourceArgs& args, bool allow_file) {
    if (allow_file) {
        cmd.add_option("-r,--read", args.opts.file, "Read packets from a pcap/pcapng file (- for stdin)");
        add_decode_as_option(cmd);
    }
    cmd.add_option("-i,--interface", args.opts.interface, "Capture live on this interface");
    cmd.add_option("-f,--filter", args.opts.filter, "BPF capture filter (tcpdump syntax)");
    cmd.add_option("-c,--count", args.count, "Stop after this many packets");
    cmd.add_option("-s,--snaplen", args.opts.snaplen, "Bytes to capture per packet (live)")->check(CLI::Range(1, 262144));
    cmd.add_flag("-p,--no-promiscuous", args.no_promiscuous, "Do not put the interface in promiscuous mode");
    cmd.add_option("-B,--buffer-size", args.opts.buffer_size_kib, "Kernel capture buffer in KiB (live)")
        ->check(CLI::PositiveNumber);
    cmd.add_option("-Z,--relinquish-privileges", args.user,
                   "Once the interface is open, switch to this user (needs root; files are created as it). "
                   "Root switches to nobody by default; -Z root stays root");
}

void print_capture_counters(const CaptureStats& st) {
    if (!st.available) return;
    fmt::print(stderr, "{} packets received by filter\n", st.received);
    fmt::print(stderr, "{} packets dropped by kernel\n", st.dropped);
    fmt::print(stderr, "{} packets dropped by interface\n", st.if_dropped);
}

int relinquish_privileges(const PacketSource& src, const SourceArgs& args, const char* command) {
    if (!src.live()) return 0;
    if (std::string err = relinquish_after_open(args.user); !err.empty()) {
        fmt::print(stderr, "netdx {}: {}\n", command, err);
        return code(ExitCode::PermissionDenied);
    }
    return 0;
}

std::string finish_source_options(SourceArgs& args) {
    args.opts.promiscuous = !args.no_promiscuous;
    if (args.opts.file.empty() && args.opts.interface.empty()) return "give a capture file with -r FILE or an interface with -i IF";
    if (!args.opts.file.empty() && !args.opts.interface.empty()) return "-r and -i cannot be used together";
    return {};
}

namespace {
PacketSource* g_source = nullptr;
extern "C" void on_stop_signal(int) {
    if (g_source) g_source->interrupt();
}
}  // namespace

void stop_on_signals(PacketSource* src) {
    g_source = src;
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

}  // namespace netdx
