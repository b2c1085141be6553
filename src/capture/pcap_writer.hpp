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

private:
    pcap_t* dead_ = nullptr;
    pcap_dumper_t* dump_ = nullptr;
    std::string path_;
    std::uint64_t written_ = 0;
};

}  // namespace netdx
