// `netdx capture`: record an interface to a pcap or pcapng file, tcpdump -w
// style, or to a ring buffer of files (tshark -b).
#include <fmt/format.h>
#include <pcap/pcap.h>

#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include "capture/capture_writer.hpp"
#include "capture/privileges.hpp"
#include "capture/ring_files.hpp"

#include "cli/commands.hpp"
#include "cli/source_options.hpp"

namespace netdx {

namespace {

struct CaptureArgs {
    SourceArgs source;
    std::string output;
    std::string format = "pcap";
    std::vector<std::string> ring;
    bool quiet = false;
};

Timestamp wall_now() {
    timespec t{};
    clock_gettime(CLOCK_REALTIME, &t);
    return {t.tv_sec, static_cast<std::uint32_t>(t.tv_nsec)};
}
double wall_seconds() { return wall_now().seconds(); }

int run_capture(CaptureArgs& a) {
    if (a.source.opts.interface.empty()) {
        fmt::print(stderr, "netdx capture: give an interface with -i IF\n");
        return code(ExitCode::Usage);
    }
    RingOptions ring;
    if (std::string err = parse_ring_options(a.ring, ring); !err.empty()) {
        fmt::print(stderr, "netdx capture: {}\n", err);
        return code(ExitCode::Usage);
    }
    if (ring.enabled() && a.output == "-") {
        fmt::print(stderr, "netdx capture: -b needs a file name with -w (the ring buffer's files are named after it)\n");
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
    // tcpdump's order: device open, then no privilege, then the output files
    // (created as that user). Root gives up root by default, as tcpdump does:
    // bytes from the wire are parsed by a process that can do nothing else.
    if (int rc = relinquish_privileges(*src, a.source, "capture")) return rc;
    // A private folder of root's is the usual reason the first file cannot be made.
    auto explain = [&](std::string err) { return explain_write_error(std::move(err), a.source.user); };
    CaptureInterface ifc;
    ifc.name = a.source.opts.interface;
    ifc.linktype = src->linktype();
    ifc.snaplen = static_cast<std::uint32_t>(pcap_snapshot(src->handle()));
    // The live handle's precision: a nanosecond handle makes a nanosecond file.
    ifc.nano = pcap_get_tstamp_precision(src->handle()) == PCAP_TSTAMP_PRECISION_NANO;
    ifc.filter = a.source.opts.filter;
    const CaptureFormat format = a.format == "pcapng" ? CaptureFormat::Pcapng : CaptureFormat::Pcap;

    CaptureCounters counters;
    counters.start = wall_now();
    RingFiles names(a.output, ring.files);
    std::unique_ptr<CaptureWriter> out;
    std::chrono::steady_clock::time_point file_start;
    double file_deadline = 0;  // -b interval: the clock time the current file ends
    std::uint64_t files = 0;
    // Opens the next file (the only one without -b). Returns an error line or empty.
    auto open_next = [&]() -> std::string {
        const std::string path = ring.enabled() ? names.next(std::time(nullptr)) : a.output;
        out = CaptureWriter::make(format);
        if (std::string err = out->open(path, ifc); !err.empty()) return explain(err);
        file_start = std::chrono::steady_clock::now();
        if (ring.interval_s > 0) file_deadline = next_interval_boundary(wall_seconds(), ring.interval_s);
        ++files;
        return ring.enabled() ? names.keep(path) : std::string{};
    };
    // Statistics as of now, for the file being closed: libpcap's counters are
    // cumulative, and so is what netdx delivered.
    std::uint64_t written_closed = 0;  // packets in the files already closed
    auto written = [&] { return written_closed + (out ? out->packets() : 0); };
    auto close_current = [&]() -> std::string {
        const CaptureStats st = src->stats();
        counters.available = st.available;
        counters.accepted = st.received;
        counters.os_dropped = st.dropped;
        counters.if_dropped = st.if_dropped;
        counters.delivered = written();
        counters.end = wall_now();
        std::string err = out->close(counters);
        written_closed += out->packets();
        out.reset();
        return err;
    };
    auto due = [&](bool have_packet) {
        if (!ring.enabled()) return false;
        if (ring.duration_s > 0 && std::chrono::duration<double>(std::chrono::steady_clock::now() - file_start).count() >=
                                       ring.duration_s)
            return true;
        if (ring.interval_s > 0 && wall_seconds() >= file_deadline) return true;
        if (!have_packet) return false;  // size and count only matter when there is a packet to write
        return (ring.filesize_kb && out->bytes() >= ring.filesize_kb * 1000) ||
               (ring.packets && out->packets() >= ring.packets);
    };

    if (std::string err = open_next(); !err.empty()) {
        fmt::print(stderr, "netdx: {}\n", err);
        return code(ExitCode::WriteFailed);
    }
    stop_on_signals(src.get());
    if (!a.quiet)
        fmt::print(stderr, "netdx: listening on {}, link-type {}, snapshot length {} bytes\n", src->name(),
                   link_type_name(src->linktype()), pcap_snapshot(src->handle()));

    Packet pkt;
    std::uint64_t delivered = 0;  // every packet libpcap handed over
    int rc = code(ExitCode::Ok);
    std::string write_error;
    for (;;) {
        const PacketSource::Result r = src->next(pkt);
        if (r == PacketSource::Result::End) break;
        if (r == PacketSource::Result::Error) {
            fmt::print(stderr, "netdx: {}\n", src->error());
            rc = code(src->error_code());
            break;
        }
        const bool have_packet = r == PacketSource::Result::Packet;
        if (due(have_packet)) {
            if (std::string err = close_current(); !err.empty()) { write_error = err; break; }
            if (std::string err = open_next(); !err.empty()) { write_error = err; break; }
        }
        if (!have_packet) {
            // Quiet moments are when the file catches up, so a kill -9 loses little.
            if (!out->flush()) { write_error = out->error(); break; }
            continue;
        }
        ++delivered;
        if (!out->write(pkt)) { write_error = out->error(); break; }
        if (a.source.count && delivered >= a.source.count) break;
    }
    if (out) {
        std::string err = close_current();
        if (write_error.empty()) write_error = err;
    }
    if (!write_error.empty()) {
        fmt::print(stderr, "netdx: {}\n", write_error);
        rc = code(ExitCode::WriteFailed);
    }
    const CaptureStats st = src->stats();
    // Every packet libpcap delivered is in a file, unless a write failed.
    fmt::print(stderr, "{} packets captured\n", written());
    if (written() != delivered) fmt::print(stderr, "{} packets not written\n", delivered - written());
    if (ring.enabled()) fmt::print(stderr, "{} files written\n", files);
    print_capture_counters(st);
    return rc;
}

}  // namespace

CommandRunner add_capture_command(CLI::App& app) {
    auto args = std::make_shared<CaptureArgs>();
    CLI::App* cmd = app.add_subcommand("capture", "Capture from an interface into a pcap file (stops cleanly on Ctrl-C)");
    add_source_options(*cmd, args->source, false);
    cmd->add_option("-w,--write", args->output, "File to write (- for standard output)")->required();
    cmd->add_option("-F,--format", args->format, "File format: pcap (default) or pcapng (with interface and statistics blocks)")
        ->check(CLI::IsMember({"pcap", "pcapng"}));
    cmd->add_option("-b,--ring-buffer", args->ring,
                    "Switch files (tshark's names): filesize:KB, duration:S, interval:S (at each multiple of S of the clock), packets:N; files:N keeps the newest N")
        ->allow_extra_args(false);
    cmd->add_flag("-q,--quiet", args->quiet, "Do not print the listening banner");
    return [cmd, args]() { return cmd->parsed() ? run_capture(*args) : -1; };
}

}  // namespace netdx
