#include "capture/pcap_writer.hpp"

#include <fmt/format.h>

namespace netdx {

PcapWriter::~PcapWriter() { close(); }

std::string PcapWriter::open(const std::string& path, int linktype) {
    path_ = path;
    linktype_ = linktype;
    dead_ = pcap_open_dead_with_tstamp_precision(linktype, 262144, PCAP_TSTAMP_PRECISION_NANO);
    if (!dead_) return fmt::format("cannot write {}: out of memory", path);
    dump_ = pcap_dump_open(dead_, path.c_str());
    if (!dump_) return fmt::format("cannot write {}: {}", path, pcap_geterr(dead_));
    return {};
}

void PcapWriter::write(const Packet& pkt) {
    if (!dump_) return;
    if (pkt.linktype != linktype_) {  // written as the file's link type it would decode as garbage
        ++skipped_linktype_;
        return;
    }
    pcap_pkthdr h{};
    h.ts.tv_sec = static_cast<time_t>(pkt.ts.sec);
    h.ts.tv_usec = static_cast<suseconds_t>(pkt.ts.nsec);  // nanoseconds: the dumper is NANO
    h.caplen = pkt.caplen;
    h.len = pkt.wirelen;
    pcap_dump(reinterpret_cast<u_char*>(dump_), &h, pkt.bytes.data());
    ++written_;
}

void PcapWriter::flush() {
    if (dump_) pcap_dump_flush(dump_);
}

std::string PcapWriter::close() {
    std::string err;
    if (dump_) {
        if (pcap_dump_flush(dump_) != 0) err = fmt::format("cannot write {}", path_);
        pcap_dump_close(dump_);
        dump_ = nullptr;
    }
    if (dead_) {
        pcap_close(dead_);
        dead_ = nullptr;
    }
    return err;
}

}  // namespace netdx
