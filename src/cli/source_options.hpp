#pragma once
// The capture-source options shared by every command that reads packets
// (tcpdump's letters: -r -i -f -s -p -B -c).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdint>

#include "capture/source.hpp"
#include "core/exit_codes.hpp"
#include "dissectors/decode.hpp"

namespace netdx {

struct SourceArgs {
    SourceOptions opts;
    std::uint64_t count = 0;
    bool no_promiscuous = false;
    std::string user;  // -Z: who to be once a live device is open (root: nobody by default)
};

// -r (when allow_file) and the rest; with -r also -d (decode-as).
void add_source_options(CLI::App& cmd, SourceArgs& args, bool allow_file);
// tshark's -d tcp.port==PORT,PROTO: applied as the command line is read.
void add_decode_as_option(CLI::App& cmd);
// Fills derived fields after parsing; returns an error text or empty.
std::string finish_source_options(SourceArgs& args);

// After a live source is open: gives up root (-Z), printing the error line as
// `command` and returning the exit code; 0 when nothing failed (or a file source).
int relinquish_privileges(const PacketSource& src, const SourceArgs& args, const char* command);

// The kernel's counters of a live capture on stderr, as tcpdump words them
// (nothing when libpcap has none).
void print_capture_counters(const CaptureStats& st);

// Installs SIGINT/SIGTERM handlers that stop `src` cleanly.
void stop_on_signals(PacketSource* src);

// The read loop of every command: decodes each packet into `pkt` and hands it
// to on_packet until the source ends or on_packet returns false. A failed read
// prints its one-line error and returns the source's exit code; what was read
// before it has been handed on. on_flush runs when a live read times out and
// before that error, so the output so far comes out first.
template <typename OnPacket, typename OnFlush>
int for_each_packet(PacketSource& src, Packet& pkt, OnPacket&& on_packet, OnFlush&& on_flush,
                    DecodeDepth depth = DecodeDepth::All) {
    for (;;) {
        const PacketSource::Result r = src.next(pkt);
        if (r == PacketSource::Result::Timeout) {
            on_flush();
            continue;
        }
        if (r == PacketSource::Result::End) return code(ExitCode::Ok);
        if (r == PacketSource::Result::Error) {
            on_flush();
            fmt::print(stderr, "netdx: {}\n", src.error());
            return code(src.error_code());
        }
        decode_packet(pkt, depth);
        if (!on_packet(pkt)) return code(ExitCode::Ok);
    }
}

}  // namespace netdx
