// `netdx capture`: record an interface to a pcap file, tcpdump -w style.
#include <fmt/format.h>
#include <pcap/pcap.h>

#include <cerrno>
#include <cstring>

#include "cli/commands.hpp"
#include "cli/source_options.hpp"

namespace netdx {

namespace {

struct CaptureArgs {
    SourceArgs source;
    std::string output;
    bool quiet = false;
};

int run_capture(CaptureArgs& a) {
    if (a.source.opts.interface.empty()) {
        fmt::print(stderr, "netdx capture: give an interface with -i IF\n");
        return code(ExitCode::Usage);
    }
    a.source.opts.promiscuous = !a.source.no_promiscuous;
    std::unique_ptr<PacketSource> src;
    try {
        src = PacketSource::open(a.source.opts);
    } catch (const CaptureError& e) {
        fmt::print(stderr, "netdx: {}\n", e.what());
        return code(e.code());
    }
    pcap_dumper_t* dump = pcap_dump_open(src->handle(), a.output.c_str());
    if (!dump) {
        fmt::print(stderr, "netdx: cannot write {}\n", pcap_geterr(src->handle()));  // names the file
        return code(ExitCode::WriteFailed);
    }
    const bool nano_file = pcap_get_tstamp_precision(src->handle()) == PCAP_TSTAMP_PRECISION_NANO;
    stop_on_signals(src.get());
    if (!a.quiet)
        fmt::print(stderr, "netdx: listening on {}, link-type {}, snapshot length {} bytes\n", src->name(),
                   link_type_name(src->linktype()), pcap_snapshot(src->handle()));

    Packet pkt;
    std::uint64_t captured = 0;
    int rc = code(ExitCode::Ok);
    for (;;) {
        const PacketSource::Result r = src->next(pkt);
        if (r == PacketSource::Result::Timeout) {
            // Quiet moments are when the file catches up, so a kill -9 loses little.
            pcap_dump_flush(dump);
            continue;
        }
        if (r == PacketSource::Result::End) break;
        if (r == PacketSource::Result::Error) {
            fmt::print(stderr, "netdx: {}\n", src->error());
            rc = code(src->error_code());
            break;
        }
        pcap_pkthdr hdr{};
        hdr.ts.tv_sec = pkt.ts.sec;
        // pcap_dump_open takes the handle's precision: a nanosecond live handle makes a
        // nanosecond file, whose tv_usec field holds nanoseconds.
        hdr.ts.tv_usec = static_cast<suseconds_t>(nano_file ? pkt.ts.nsec : pkt.ts.nsec / 1000);
        hdr.caplen = pkt.caplen;
        hdr.len = pkt.wirelen;
        pcap_dump(reinterpret_cast<u_char*>(dump), &hdr, pkt.bytes.data());
        ++captured;
        if (a.source.count && captured >= a.source.count) break;
    }
    const CaptureStats st = src->stats();
    if (pcap_dump_flush(dump) != 0) {
        fmt::print(stderr, "netdx: cannot write {}: {}\n", a.output, std::strerror(errno));
        rc = code(ExitCode::WriteFailed);
    }
    pcap_dump_close(dump);
    fmt::print(stderr, "{} packets captured\n", captured);
    if (st.available) {
        fmt::print(stderr, "{} packets received by filter\n", st.received);
        fmt::print(stderr, "{} packets dropped by kernel\n", st.dropped);
        fmt::print(stderr, "{} packets dropped by interface\n", st.if_dropped);
    }
    return rc;
}

}  // namespace

CommandRunner add_capture_command(CLI::App& app) {
    auto args = std::make_shared<CaptureArgs>();
    CLI::App* cmd = app.add_subcommand("capture", "Capture from an interface into a pcap file (stops cleanly on Ctrl-C)");
    add_source_options(*cmd, args->source, false);
    cmd->add_option("-w,--write", args->output, "pcap file to write (- for standard output)")->required();
    cmd->add_flag("-q,--quiet", args->quiet, "Do not print the listening banner");
    return [cmd, args]() { return cmd->parsed() ? run_capture(*args) : -1; };
}

}  // namespace netdx
