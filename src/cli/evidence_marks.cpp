#include "cli/evidence_marks.hpp"

#include <fmt/format.h>

#include "analysis/session.hpp"
#include "dissectors/decode.hpp"
#include "core/exit_codes.hpp"

namespace netdx {

EvidenceMarksResult evidence_marks(const SourceOptions& file) {
    EvidenceMarksResult out;
    std::unique_ptr<PacketSource> src;
    try {
        src = PacketSource::open(file);
    } catch (const CaptureError& e) {
        fmt::print(stderr, "netdx: {}\n", e.what());
        out.exit_code = code(e.code());
        return out;
    }
    const RuleConfig config;  // the engine keeps a reference to it
    AnalysisSession session{config};
    session.begin_file(0, file.file);
    Packet pkt;
    // A damaged file: the findings of what was read still mark their frames;
    // the packet pass that follows reports the damage itself, once.
    for (;;) {
        const PacketSource::Result r = src->next(pkt);
        if (r == PacketSource::Result::Timeout) continue;
        if (r != PacketSource::Result::Packet) break;
        decode_packet(pkt);
        session.packet(pkt);
    }
    AnalysisResult result = session.finish();
    std::vector<FindingMarks::Finding> findings;
    std::vector<FindingMarks::Mark> marks;
    for (const Finding& f : result.findings) {
        const auto index = static_cast<std::uint32_t>(findings.size());
        findings.push_back({f.title, f.def->id, severity_name(f.severity)});
        for (const FrameRef& r : f.evidence.frames) marks.push_back({r.frame, index});
    }
    out.marks = FindingMarks(std::move(findings), std::move(marks));
    return out;
}

}  // namespace netdx
