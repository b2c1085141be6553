#include "report/evidence.hpp"

#include <fmt/format.h>
#include <pcap/pcap.h>

#include "capture/source.hpp"

namespace netdx {

EvidenceResult write_evidence(const std::vector<std::string>& files, const std::set<FrameRef>& frames,
                              const std::string& path) {
    EvidenceResult res;
    pcap_t* dead = nullptr;
    pcap_dumper_t* dump = nullptr;
    int linktype = -1;
    Packet pkt;
    for (std::uint32_t i = 0; i < files.size(); ++i) {
        auto first = frames.lower_bound(FrameRef{i, 0});
        if (first == frames.end() || first->file != i) continue;
        SourceOptions opts;
        opts.file = files[i];
        std::unique_ptr<PacketSource> src;
        try {
            src = PacketSource::open(opts);
        } catch (const CaptureError& e) {
            res.error = e.what();
            res.exit_code = code(e.code());
            break;
        }
        if (!dump) {
            linktype = src->linktype();
            dead = pcap_open_dead_with_tstamp_precision(linktype, 262144, PCAP_TSTAMP_PRECISION_NANO);
            dump = dead ? pcap_dump_open(dead, path.c_str()) : nullptr;
            if (!dump) {
                res.error = fmt::format("cannot write {}: {}", path, dead ? pcap_geterr(dead) : "out of memory");
                res.exit_code = code(ExitCode::WriteFailed);
                break;
            }
        }
        auto want = first;
        while (want != frames.end() && want->file == i) {
            if (src->next(pkt) != PacketSource::Result::Packet) break;
            if (pkt.number < want->frame) continue;
            if (pkt.linktype != linktype) {
                ++res.skipped_linktype;
            } else {
                pcap_pkthdr h{};
                h.ts.tv_sec = static_cast<time_t>(pkt.ts.sec);
                h.ts.tv_usec = static_cast<suseconds_t>(pkt.ts.nsec);  // nanoseconds: the dumper is NANO
                h.caplen = pkt.caplen;
                h.len = pkt.wirelen;
                pcap_dump(reinterpret_cast<u_char*>(dump), &h, pkt.bytes.data());
                ++res.written;
            }
            ++want;
        }
    }
    if (dump) {
        if (pcap_dump_flush(dump) != 0 && res.error.empty()) {
            res.error = fmt::format("cannot write {}", path);
            res.exit_code = code(ExitCode::WriteFailed);
        }
        pcap_dump_close(dump);
    } else if (res.error.empty()) {
        // No evidence at all: still leave a valid empty capture behind.
        dead = pcap_open_dead_with_tstamp_precision(1, 262144, PCAP_TSTAMP_PRECISION_NANO);
        if (pcap_dumper_t* d = pcap_dump_open(dead, path.c_str())) pcap_dump_close(d);
        else {
            res.error = fmt::format("cannot write {}: {}", path, pcap_geterr(dead));
            res.exit_code = code(ExitCode::WriteFailed);
        }
    }
    if (dead) pcap_close(dead);
    return res;
}

}  // namespace netdx
