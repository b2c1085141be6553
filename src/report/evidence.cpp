#include "report/evidence.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <utility>

#include "capture/capture_writer.hpp"
#include "capture/source.hpp"

namespace netdx {

namespace {

CaptureInterface evidence_interface(int linktype) {
    CaptureInterface ifc;
    ifc.linktype = linktype;
    ifc.nano = true;  // the inputs' timestamps are kept to the nanosecond
    return ifc;
}

// pcapng: one interface per input interface (a pcap input has one), named as
// in the input and described by the input's file name, or named by it.
CaptureInterface pcapng_interface(const std::string& file, const Packet& pkt) {
    CaptureInterface ifc = evidence_interface(pkt.linktype);
    if (pkt.interface_name.empty()) {
        ifc.name = file;
    } else {
        ifc.name = pkt.interface_name;
        ifc.description = file;
    }
    return ifc;
}

}  // namespace

bool evidence_as_pcapng(const std::string& path) {
    constexpr std::string_view ext = ".pcapng";
    return path.size() > ext.size() &&
           std::equal(ext.begin(), ext.end(), path.end() - static_cast<std::ptrdiff_t>(ext.size()),
                      [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
}

EvidenceResult write_evidence(const std::vector<std::string>& files, const EvidenceFrames& frames,
                              const std::string& path) {
    EvidenceResult res;
    const bool ng = evidence_as_pcapng(path);
    std::unique_ptr<CaptureWriter> out;
    // Opens the file with its first interface. Returns false with res.error set.
    auto open = [&](const CaptureInterface& ifc) {
        out = CaptureWriter::make(ng ? CaptureFormat::Pcapng : CaptureFormat::Pcap);
        if (std::string err = out->open(path, ifc); !err.empty()) {
            res.error = std::move(err);
            res.exit_code = code(ExitCode::WriteFailed);
            return false;
        }
        return true;
    };
    auto write_failed = [&] {
        res.error = out->error();
        res.exit_code = code(ExitCode::WriteFailed);
    };
    int pcap_linktype = 0;
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> interfaces;  // (input, its interface) -> ours
    Packet pkt;
    for (std::uint32_t i = 0; i < files.size() && res.error.empty(); ++i) {
        auto first = frames.lower_bound(FrameRef{i, 0});
        if (first == frames.end() || first->first.file != i) continue;
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
        // pcap: the first input with evidence decides the one link type.
        if (!ng && !out) {
            pcap_linktype = src->linktype();
            if (!open(evidence_interface(pcap_linktype))) break;
        }
        for (auto want = first; want != frames.end() && want->first.file == i;) {
            if (src->next(pkt) != PacketSource::Result::Packet) break;
            if (pkt.number < want->first.frame) continue;
            const std::vector<std::string>& comments = (want++)->second;
            if (!ng) {
                if (pkt.linktype != pcap_linktype) {
                    ++res.skipped_linktype;
                    continue;
                }
                if (!out->write(pkt)) {
                    write_failed();
                    break;
                }
                ++res.written;
                continue;
            }
            const auto key = std::make_pair(i, pkt.interface_id);
            auto it = interfaces.find(key);
            if (it == interfaces.end()) {
                const CaptureInterface ifc = pcapng_interface(files[i], pkt);
                if (!out) {
                    if (!open(ifc)) break;
                } else if (!out->add_interface(ifc)) {
                    write_failed();
                    break;
                }
                it = interfaces.emplace(key, static_cast<std::uint32_t>(out->interfaces() - 1)).first;
            }
            if (!out->write(pkt, it->second, comments)) {
                write_failed();
                break;
            }
            ++res.written;
        }
    }
    // No evidence at all: still leave a valid empty capture behind.
    if (!out && res.error.empty()) open(evidence_interface(1));
    if (out) {
        std::string err = out->close();
        if (!err.empty() && res.error.empty()) {
            res.error = std::move(err);
            res.exit_code = code(ExitCode::WriteFailed);
        }
    }
    return res;
}

}  // namespace netdx
