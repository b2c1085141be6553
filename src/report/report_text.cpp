// The text report: summary, then findings most severe first, each with its
// explanation, hosts, figures, evidence frames and what to check next.
#include <fmt/format.h>

#include <cmath>

#include "dissectors/registry.hpp"
#include "report/report.hpp"
#include "report/report_network.hpp"
#include "rules/format.hpp"

namespace netdx {

namespace {

struct Style {
    bool on;
    std::string_view bold() const { return on ? "\x1b[1m" : ""; }
    std::string_view dim() const { return on ? "\x1b[2m" : ""; }
    std::string_view reset() const { return on ? "\x1b[0m" : ""; }
    std::string_view sev(Severity s) const {
        if (!on) return "";
        switch (s) {
            case Severity::Error: return "\x1b[1;31m";
            case Severity::Warning: return "\x1b[1;33m";
            case Severity::Notice: return "\x1b[1;36m";
            case Severity::Info: return "\x1b[2m";
        }
        return "";
    }
};

std::string human_bytes(std::uint64_t b) {
    if (b < 10000) return fmt::format("{} B", b);
    if (b < 10'000'000) return fmt::format("{:.1f} kB", static_cast<double>(b) / 1e3);
    if (b < 10'000'000'000ull) return fmt::format("{:.1f} MB", static_cast<double>(b) / 1e6);
    return fmt::format("{:.1f} GB", static_cast<double>(b) / 1e9);
}

std::string figure_text(const Figure& f) {
    const double v = f.value;
    std::string num = std::fabs(v - std::round(v)) < 1e-9 ? fmt::format("{}", static_cast<long long>(std::llround(v)))
                                                          : fmt::format("{:.3g}", v);
    return f.unit.empty() ? fmt::format("{}={}", f.name, num) : fmt::format("{}={} {}", f.name, num, f.unit);
}

// Wraps `text` at `width` columns with `indent` before every line.
void wrapped(std::FILE* out, std::string_view indent, std::string_view text, std::size_t width = 78) {
    std::string line;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t next = text.find(' ', pos);
        if (next == std::string_view::npos) next = text.size();
        std::string_view word = text.substr(pos, next - pos);
        if (!line.empty() && indent.size() + line.size() + 1 + word.size() > width) {
            fmt::print(out, "{}{}\n", indent, line);
            line.clear();
        }
        if (!line.empty()) line += ' ';
        line += word;
        pos = next + 1;
    }
    if (!line.empty()) fmt::print(out, "{}{}\n", indent, line);
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// A short list of the likely causes, before the details: the findings at
// warning or above, most severe and widest first (the order of the findings),
// with the failures an upstream problem explains folded under it.
void write_causes(std::FILE* out, const std::vector<Finding>& findings, const Style& st) {
    const Finding* upstream = nullptr;
    for (const Finding& f : findings)
        if (f.def->id == "net.gateway_unreachable" || f.def->id == "net.internet_unreachable") {
            upstream = &f;
            break;
        }
    std::size_t explained = 0;
    std::vector<const Finding*> causes;
    for (const Finding& f : findings) {
        if (f.severity < Severity::Warning) break;  // sorted: the rest are lower
        if (upstream && &f != upstream &&
            (starts_with(f.def->id, "dns.") || starts_with(f.def->id, "conn.") || starts_with(f.def->id, "http."))) {
            ++explained;
            continue;
        }
        if (causes.size() < 5) causes.push_back(&f);
    }
    if (causes.empty()) return;
    fmt::print(out, "{}Most likely causes{}\n", st.bold(), st.reset());
    std::size_t i = 0;
    for (const Finding* f : causes) {
        fmt::print(out, "  {}. {}  [{}]\n", ++i, f->title, f->def->id);
        if (f == upstream && explained)
            fmt::print(out, "     explains {} DNS/connection finding(s) below: they fail because of it\n", explained);
    }
    fmt::print(out, "\n");
}

}  // namespace

void write_text_finding(std::FILE* out, const Finding& f, const CaptureSummary& s, bool color) {
    const Style st{color};
    fmt::print(out, "\n{}{:<7}{} {}{}{}  [{}]\n", st.sev(f.severity), severity_name(f.severity), st.reset(), st.bold(),
               f.title, st.reset(), f.def->id);
    wrapped(out, "        ", f.def->explanation);
    if (!f.detail.empty()) wrapped(out, "        ", "Seen: " + f.detail);
    if (!f.hosts.empty()) wrapped(out, "        ", fmt::format("Hosts: {}", fmt::join(f.hosts, ", ")));
    for (const std::string& fl : f.flows) fmt::print(out, "        Flow: {}\n", fl);
    if (!f.figures.empty()) wrapped(out, "        ", fmt::format("Figures: {}", join(f.figures, figure_text)));
    if (f.evidence.total) {
        const std::size_t show = std::min<std::size_t>(f.evidence.frames.size(), 10);
        std::string frames;
        for (std::size_t i = 0; i < show; ++i) {
            const FrameRef& fr = f.evidence.frames[i];
            if (i) frames += ", ";
            frames += s.files.size() > 1 ? fmt::format("{}:{}", fr.file < s.files.size() ? s.files[fr.file] : "?", fr.frame)
                                         : std::to_string(fr.frame);
        }
        wrapped(out, "        ", fmt::format("Evidence: frame{} {}{} ({} in total)", f.evidence.total > 1 ? "s" : "",
                                             frames, f.evidence.total > show ? ", ..." : "", f.evidence.total));
    }
    if (s.packets)
        fmt::print(out, "        {}Time: +{:.3f} s .. +{:.3f} s{}\n", st.dim(), f.first_ts - s.first, f.last_ts - s.first,
                   st.reset());
    wrapped(out, "        ", "Next: " + std::string(f.def->remediation));
}

void write_text_report(std::FILE* out, const AnalysisReport& r, bool color) {
    const Style st{color};
    const CaptureSummary& s = r.summary;
    fmt::print(out, "{}netdx analyze{}: {}\n\n", st.bold(), st.reset(), fmt::join(s.files, ", "));
    write_causes(out, r.findings, st);
    if (s.packets) {
        fmt::print(out, "  Capture    {} .. {} ({:.1f} s)\n", iso_time(s.first), iso_time(s.last), s.last - s.first);
    }
    fmt::print(out, "  Packets    {} ({}){}\n", s.packets, human_bytes(s.bytes),
               s.malformed ? fmt::format(", {} truncated or malformed", s.malformed) : std::string());
    if (!r.display_filter.empty())
        fmt::print(out, "  Filter     {} of {} packets matched -Y '{}'; the rules saw only those\n", s.packets,
                   r.packets_read, r.display_filter);
    fmt::print(out, "  Hosts      {} IP addresses\n", s.hosts.size());
    std::string protos;
    std::size_t n = 0;
    for (auto& [p, c] : s.protocols()) {
        if (n++ == 10) break;
        protos += fmt::format("{}{} {}", protos.empty() ? "" : ", ", proto_name(p), c);
    }
    fmt::print(out, "  Protocols  {}\n", protos.empty() ? "-" : protos);
    const auto top = s.top_talkers(5);
    if (!top.empty()) {
        fmt::print(out, "  Top talkers\n");
        for (auto& [ip, h] : top) fmt::print(out, "    {:<40} {:>10} {:>8} pkts\n", ip_str(ip), human_bytes(h.bytes), h.packets);
    }
    if (r.network) write_text_network(out, *r.network);
    if (r.limit_drops) {
        fmt::print(out, "  Limits     {} state entries refused because a table was full (results are partial){}\n",
                   r.limit_drops, r.memory_mb ? fmt::format("; --memory {} MB", r.memory_mb) : std::string());
        if (r.limits)
            for (const TableLimit& l : *r.limits)
                fmt::print(out, "    {}: {} refused{}; missing: {}\n", l.table, l.refused,
                           l.peak ? fmt::format(" (held {} entries)", l.peak) : std::string(), l.missing);
    }

    std::size_t counts[4] = {};
    for (const Finding& f : r.findings) ++counts[static_cast<int>(f.severity)];
    fmt::print(out, "\n{}Findings{}: {} error, {} warning, {} notice, {} info\n", st.bold(), st.reset(), counts[3], counts[2],
               counts[1], counts[0]);
    if (r.findings.empty()) fmt::print(out, "  No problems found.\n");
    for (const Finding& f : r.findings) write_text_finding(out, f, s, color);
}

}  // namespace netdx
