#include "report/evidence.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <utility>

#include "capture/capture_writer.hpp"
#include "capture/source.hpp"
#include "report/reread_frames.hpp"

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
    std::vector<FrameRef> wanted;
    std::vector<const std::vector<std::string>*> comments_of;
    for (const auto& [ref, comments] : frames) wanted.push_back(ref), comments_of.push_back(&comments);
    std::uint32_t input = 0;
    const auto on_file = [&](std::uint32_t i, PacketSource& src) {
        input = i;
        // pcap: the first input with evidence decides the one link type.
        if (!ng && !out) {
            pcap_linktype = src.linktype();
            return open(evidence_interface(pcap_linktype));
        }
        return true;
    };
    const auto on_frame = [&](std::size_t idx, Packet& pkt) {
        const std::vector<std::string>& comments = *comments_of[idx];
        if (!ng) {
            if (pkt.linktype != pcap_linktype) {
                ++res.skipped_linktype;
                return true;
            }
            if (!out->write(pkt)) {
                write_failed();
                return false;
            }
            ++res.written;
            return true;
        }
        const auto key = std::make_pair(input, pkt.interface_id);
        auto it = interfaces.find(key);
        if (it == interfaces.end()) {
            const CaptureInterface ifc = pcapng_interface(files[input], pkt);
            if (!out) {
                if (!open(ifc)) return false;
            } else if (!out->add_interface(ifc)) {
                write_failed();
                return false;
            }
            it = interfaces.emplace(key, static_cast<std::uint32_t>(out->interfaces() - 1)).first;
        }
        if (!out->write(pkt, it->second, comments)) {
            write_failed();
            return false;
        }
        ++res.written;
        return true;
    };
    const RereadResult read = reread_frames(files, wanted, on_file, on_frame);
    if (!read.error.empty() && res.error.empty()) {
        res.error = read.error;
        res.exit_code = read.exit_code;
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
