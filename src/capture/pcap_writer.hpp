#pragma once
// Writes packets to a pcap file (nanosecond timestamps), as tshark -w does.
#include <pcap/pcap.h>

#include <string>

#include "core/packet.hpp"

namespace netdx {

class PcapWriter {
public:
    PcapWriter() = default;
    ~PcapWriter();
    PcapWriter(const PcapWriter&) = delete;
    PcapWriter& operator=(const PcapWriter&) = delete;

    // Returns an error text, or empty.
    std::string open(const std::string& path, int linktype);
    void write(const Packet& pkt);
    void flush();
    // Flushes and closes; returns an error text, or empty.
    std::string close();
    [[nodiscard]] std::uint64_t written() const { return written_; }
    // Packets not written because their link type differs from the file's: a
    // pcap file has one link type, and a pcapng with several interfaces can have
    // more (netdx writes pcap). 0 when every packet fitted.
    [[nodiscard]] std::uint64_t skipped_linktype() const { return skipped_linktype_; }
    [[nodiscard]] int linktype() const { return linktype_; }

private:
    pcap_t* dead_ = nullptr;
    pcap_dumper_t* dump_ = nullptr;
    std::string path_;
    std::uint64_t written_ = 0;
    std::uint64_t skipped_linktype_ = 0;
    int linktype_ = 0;
};

}  // namespace netdx
