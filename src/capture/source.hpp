#pragma once
// One source of packets: a capture file or standard input ("-") read by
// netdx's own reader (capture/file_reader.hpp: pcapng with mixed interfaces,
// compressed files), or a live interface through libpcap. Packet bytes stay in
// the source's buffer and are valid until the next call to next().
#include <pcap/pcap.h>

#include <map>
#include <memory>
#include <string>

#include "capture/capture_error.hpp"
#include "capture/file_reader.hpp"
#include "core/exit_codes.hpp"
#include "core/packet.hpp"

namespace netdx {

struct SourceOptions {
    std::string file;       // "-" for standard input
    std::string interface;  // live capture when file is empty
    int snaplen = 262144;
    bool promiscuous = true;
    int buffer_size_kib = 0;  // 0: libpcap's default
    // Immediate mode hands each packet over as it arrives: one wake-up per
    // packet, which at 50k pps costs a third of the packets (bench/live_drops.sh).
    // Off, the kernel fills a block and hands it over when full or after
    // timeout_ms, as tcpdump does by default; only the probes, which wait for
    // one answer, want it on.
    bool immediate = false;
    int timeout_ms = 100;     // how often a live read returns with nothing (and the most a packet waits)
    std::string filter;       // BPF capture filter
};

struct CaptureStats {
    unsigned received = 0;    // packets received by filter
    unsigned dropped = 0;     // dropped by kernel (buffer full)
    unsigned if_dropped = 0;  // dropped by the interface or driver
    bool available = false;
};

class PacketSource {
public:
    enum class Result { Packet, Timeout, End, Error };

    // Throws CaptureError with the exit code for the failure.
    static std::unique_ptr<PacketSource> open(const SourceOptions& opts);
    ~PacketSource();
    PacketSource(const PacketSource&) = delete;
    PacketSource& operator=(const PacketSource&) = delete;

    // Fills number, ts, caplen, wirelen, linktype and bytes of pkt.
    Result next(Packet& pkt);
    // The error behind Result::Error, as one line, and its exit code.
    [[nodiscard]] const std::string& error() const { return error_; }
    [[nodiscard]] ExitCode error_code() const { return error_code_; }

    [[nodiscard]] int linktype() const { return linktype_; }
    [[nodiscard]] bool live() const { return live_; }
    [[nodiscard]] std::string name() const { return name_; }
    // Live: the capture handle. File: a "dead" handle of the first interface's
    // link type and nanosecond precision, for pcap_dump_open.
    [[nodiscard]] pcap_t* handle() const { return pcap_; }
    // Bytes of the file read so far (compressed side); 0 when live.
    [[nodiscard]] std::uint64_t file_position() const;
    [[nodiscard]] CaptureStats stats() const;
    // Safe from a signal handler. A file ends at the next next(); a live
    // source first hands over what the kernel already holds (a buffered block
    // is released after at most timeout_ms), then ends: nothing captured is lost.
    void interrupt();

private:
    PacketSource() = default;
    void open_file(const SourceOptions& opts);
    bool filter_accepts(const Packet& pkt);

    std::unique_ptr<CaptureFileReader> file_;
    // BPF on files: compiled per link type, since a pcapng mixes them.
    std::map<int, bpf_program> filters_;
    std::string filter_text_;
    pcap_t* pcap_ = nullptr;
    int linktype_ = 0;
    bool live_ = false;
    int precision_ = PCAP_TSTAMP_PRECISION_MICRO;
    std::uint64_t count_ = 0;
    std::string name_;
    std::string error_;
    ExitCode error_code_ = ExitCode::Ok;
    volatile bool interrupted_ = false;
    bool draining_ = false;
    int timeout_ms_ = 100;
    std::int64_t drain_until_ms_ = 0;  // steady clock
    Result next_live(Packet& pkt);
};

// Describes a DLT value for error messages, e.g. "NFLOG (239)".
std::string link_type_name(int dlt);

}  // namespace netdx
