#pragma once
// Writes what `netdx capture` records: a pcap file, or a pcapng file with a
// Section Header, one Interface Description Block and, at close, an Interface
// Statistics Block carrying libpcap's counters. Both are written with netdx's
// own code (not pcap_dump) so that a failed write (a full disk) leaves a file
// that ends after a complete record, and says so.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/packet.hpp"

namespace netdx {

enum class CaptureFormat { Pcap, Pcapng };

struct CaptureInterface {
    std::string name;  // if_name
    int linktype = 1;
    std::uint32_t snaplen = 262144;
    bool nano = false;   // timestamps kept to the nanosecond (else microsecond)
    std::string filter;  // the BPF filter text, recorded as if_filter
};

// End-of-file counters for the statistics block. libpcap's counters are
// cumulative since the capture started, as pcapng's isb_* are.
struct CaptureCounters {
    bool available = false;         // libpcap gave statistics
    std::uint64_t accepted = 0;     // ps_recv: accepted by the filter -> isb_filteraccept
    std::uint64_t os_dropped = 0;   // ps_drop: kernel buffer full -> isb_osdrop
    std::uint64_t if_dropped = 0;   // ps_ifdrop: interface/driver -> isb_ifdrop
    std::uint64_t delivered = 0;    // written by netdx since the start -> isb_usrdeliv
    Timestamp start, end;           // isb_starttime, isb_endtime
};

class CaptureWriter {
public:
    static std::unique_ptr<CaptureWriter> make(CaptureFormat format);
    virtual ~CaptureWriter();
    CaptureWriter(const CaptureWriter&) = delete;
    CaptureWriter& operator=(const CaptureWriter&) = delete;

    // "-" writes standard output. Returns an error line, or empty.
    std::string open(const std::string& path, const CaptureInterface& ifc);
    // False once a write failed (error() says why; the file ends after the
    // last complete record).
    bool write(const Packet& pkt);
    // Hands buffered records to the kernel (quiet moments, before rotation).
    bool flush();
    // Writes the statistics block (pcapng), flushes and closes. Returns an error
    // line, or empty.
    std::string close(const CaptureCounters& counters);
    [[nodiscard]] std::uint64_t bytes() const { return committed_ + buffer_.size(); }
    // Packets in the file (or buffered for it); after a failed write, those before it.
    [[nodiscard]] std::uint64_t packets() const { return packets_; }
    [[nodiscard]] const std::string& error() const { return error_; }
    [[nodiscard]] const std::string& path() const { return path_; }

protected:
    CaptureWriter() = default;
    virtual void header(std::vector<std::uint8_t>& out, const CaptureInterface& ifc) = 0;
    virtual void record(std::vector<std::uint8_t>& out, const Packet& pkt) = 0;
    virtual void trailer(std::vector<std::uint8_t>& out, const CaptureCounters& c) = 0;
    CaptureInterface ifc_;

private:
    void append(const std::vector<std::uint8_t>& rec, bool packet);

    int fd_ = -1;
    bool own_fd_ = false;
    std::string path_;
    std::string error_;
    std::vector<std::uint8_t> buffer_;       // whole records not yet written
    std::vector<std::pair<std::size_t, bool>> boundaries_;  // where each buffered record ends; a packet?
    std::vector<std::uint8_t> scratch_;
    std::uint64_t committed_ = 0;            // bytes the kernel has, all whole records
    std::uint64_t packets_ = 0;
};

}  // namespace netdx
