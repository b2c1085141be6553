#pragma once
// One source of packets over libpcap: an offline pcap/pcapng file, standard
// input ("-"), or a live interface. Packet bytes stay in libpcap's buffer and
// are valid until the next call to next().
#include <pcap/pcap.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "core/exit_codes.hpp"
#include "core/packet.hpp"

namespace netdx {

class CaptureError : public std::runtime_error {
public:
    CaptureError(ExitCode code, const std::string& what) : std::runtime_error(what), code_(code) {}
    [[nodiscard]] ExitCode code() const { return code_; }

private:
    ExitCode code_;
};

struct SourceOptions {
    std::string file;       // "-" for standard input
    std::string interface;  // live capture when file is empty
    int snaplen = 262144;
    bool promiscuous = true;
    int buffer_size_kib = 0;  // 0: libpcap's default
    bool immediate = true;
    int timeout_ms = 100;     // how often a live read returns with nothing
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
    [[nodiscard]] pcap_t* handle() const { return pcap_; }
    [[nodiscard]] CaptureStats stats() const;
    // Safe from a signal handler: makes the next next() return End.
    void interrupt();

private:
    PacketSource() = default;
    // stdio's buffer for the capture file; declared first so it outlives the
    // pcap_close() in the destructor.
    std::unique_ptr<char[]> read_buffer_;
    pcap_t* pcap_ = nullptr;
    int linktype_ = 0;
    bool live_ = false;
    int precision_ = PCAP_TSTAMP_PRECISION_MICRO;
    std::uint64_t count_ = 0;
    std::string name_;
    std::string error_;
    ExitCode error_code_ = ExitCode::Ok;
    volatile bool interrupted_ = false;
};

// Describes a DLT value for error messages, e.g. "NFLOG (239)".
std::string link_type_name(int dlt);

}  // namespace netdx
