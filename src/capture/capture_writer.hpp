#pragma once
// Writes what `netdx capture` records and `analyze --evidence` copies: a pcap
// file, or a pcapng file with a Section Header, an Interface Description Block
// per interface (evidence from inputs of several link types) and, at close, an
// Interface Statistics Block carrying libpcap's counters. Both are written with
// netdx's own code (not pcap_dump) so that a failed write (a full disk) leaves
// a file that ends after a complete record, and says so.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/packet.hpp"

namespace netdx {

enum class CaptureFormat { Pcap, Pcapng };

struct CaptureInterface {
    std::string name;  // if_name
    std::string description;  // if_description
    int linktype = 1;  // DLT value, as libpcap reports it; written as the LINKTYPE value
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

    // "-" writes standard output. ifc is interface 0. Returns an error line, or empty.
    std::string open(const std::string& path, const CaptureInterface& ifc);
    // pcapng: another Interface Description Block, numbered after the ones
    // before it. False for pcap (one link type per file) or after a failed write.
    bool add_interface(const CaptureInterface& ifc);
    [[nodiscard]] std::size_t interfaces() const { return ifcs_.size(); }
    // False once a write failed (error() says why; the file ends after the
    // last complete record). comments: one opt_comment each (pcapng; pcap has
    // nowhere to put them).
    bool write(const Packet& pkt, std::uint32_t ifc = 0, std::span<const std::string> comments = {});
    // Hands buffered records to the kernel (quiet moments, before rotation).
    bool flush();
    // Writes the statistics block (pcapng), flushes and closes. Returns an error
    // line, or empty.
    std::string close(const CaptureCounters& counters);
    // Flushes and closes without a statistics block (a copy, not a capture).
    std::string close();
    [[nodiscard]] std::uint64_t bytes() const { return committed_ + buffer_.size(); }
    // Packets in the file (or buffered for it); after a failed write, those before it.
    [[nodiscard]] std::uint64_t packets() const { return packets_; }
    [[nodiscard]] const std::string& error() const { return error_; }
    [[nodiscard]] const std::string& path() const { return path_; }

protected:
    CaptureWriter() = default;
    virtual void header(std::vector<std::uint8_t>& out, const CaptureInterface& ifc) = 0;
    // pcapng's Interface Description Block; pcap has none (its header carries the link type).
    virtual void interface_block(std::vector<std::uint8_t>&, const CaptureInterface&) {}
    [[nodiscard]] virtual bool many_interfaces() const { return false; }
    virtual void record(std::vector<std::uint8_t>& out, const Packet& pkt, std::uint32_t ifc,
                        std::span<const std::string> comments) = 0;
    virtual void trailer(std::vector<std::uint8_t>& out, const CaptureCounters& c) = 0;
    std::vector<CaptureInterface> ifcs_;  // [0] is the one given to open()

private:
    void append(const std::vector<std::uint8_t>& rec, bool packet);
    std::string finish(const CaptureCounters* counters);

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
