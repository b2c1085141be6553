// JSON, NDJSON and JUnit forms of the analysis report.
#include <fmt/format.h>

#include <ctime>

#include "core/exit_codes.hpp"
#include "dissectors/registry.hpp"
#include "report/report.hpp"
#include "report/report_network.hpp"
#include "rules/format.hpp"

namespace netdx {

std::string iso_time(double ts) {
    const auto sec = static_cast<std::time_t>(ts);
    std::tm tm{};
    gmtime_r(&sec, &tm);
    const int ms = static_cast<int>((ts - static_cast<double>(sec)) * 1000);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                       tm.tm_hour, tm.tm_min, tm.tm_sec, ms < 0 ? 0 : ms > 999 ? 999 : ms);
}

namespace {

std::string file_name(const CaptureSummary& s, std::uint32_t i) { return i < s.files.size() ? s.files[i] : "?"; }

}  // namespace

nlohmann::json finding_json(const Finding& f, const CaptureSummary& s) {
    nlohmann::json j;
    j["id"] = f.def->id;
    j["group"] = f.def->group;
    j["severity"] = severity_name(f.severity);
    j["title"] = f.title;
    j["detail"] = f.detail;
    j["explanation"] = f.def->explanation;
    j["remediation"] = f.def->remediation;
    j["first_time"] = iso_time(f.first_ts);
    j["last_time"] = iso_time(f.last_ts);
    j["hosts"] = f.hosts;
    j["flows"] = f.flows;
    nlohmann::json figs = nlohmann::json::object();
    for (const Figure& fig : f.figures) {
        if (fig.unit.empty()) figs[fig.name] = fig.value;
        else figs[fig.name] = {{"value", fig.value}, {"unit", fig.unit}};
    }
    j["figures"] = figs;
    nlohmann::json frames = nlohmann::json::array();
    for (const FrameRef& r : f.evidence.frames) {
        if (s.files.size() > 1) frames.push_back({{"file", file_name(s, r.file)}, {"frame", r.frame}});
        else frames.push_back(r.frame);
    }
    j["evidence"] = {{"frames", frames}, {"total", f.evidence.total}};
    if (f.uids) j["uids"] = *f.uids;
    return j;
}

namespace {

std::string xml_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') out += fmt::format("\\x{:02x}", c);
                else out += c;
        }
    }
    return out;
}

}  // namespace

nlohmann::json report_json(const AnalysisReport& r) {
    const CaptureSummary& s = r.summary;
    nlohmann::json j;
    j["netdx_version"] = NETDX_VERSION;
    j["files"] = s.files;
    nlohmann::json protos = nlohmann::json::object();
    for (auto& [p, n] : s.protocols()) protos[std::string(proto_name(p))] = n;
    nlohmann::json talkers = nlohmann::json::array();
    for (auto& [ip, st] : s.top_talkers(10)) talkers.push_back({{"host", ip_str(ip)}, {"packets", st.packets}, {"bytes", st.bytes}});
    j["summary"] = {{"packets", s.packets},
                    {"bytes", s.bytes},
                    {"first_time", s.packets ? iso_time(s.first) : ""},
                    {"last_time", s.packets ? iso_time(s.last) : ""},
                    {"duration", s.last - s.first},
                    {"hosts", s.hosts.size()},
                    {"malformed_packets", s.malformed},
                    {"protocols", protos},
                    {"top_talkers", talkers}};
    if (!r.display_filter.empty())
        j["display_filter"] = {{"filter", r.display_filter}, {"matched_packets", s.packets}, {"read_packets", r.packets_read}};
    if (r.network) j["network"] = network_json(*r.network);
    nlohmann::json counts = {{"error", 0}, {"warning", 0}, {"notice", 0}, {"info", 0}};
    nlohmann::json list = nlohmann::json::array();
    for (const Finding& f : r.findings) {
        counts[std::string(severity_name(f.severity))] = counts[std::string(severity_name(f.severity))].get<int>() + 1;
        list.push_back(finding_json(f, s));
    }
    j["counts"] = counts;
    j["findings"] = list;
    nlohmann::json tables = nlohmann::json::array();
    if (r.limits)
        for (const TableLimit& l : *r.limits)
            tables.push_back({{"table", l.table}, {"refused", l.refused}, {"entries", l.peak}, {"missing", l.missing}});
    j["limits"] = {{"state_entries_dropped", r.limit_drops}, {"memory_mb", r.memory_mb}, {"tables", tables}};
    return j;
}

void write_ndjson_report(std::FILE* out, const AnalysisReport& r) {
    for (const Finding& f : r.findings) {
        nlohmann::json j = finding_json(f, r.summary);
        j["type"] = "finding";
        j["capture"] = r.summary.files.size() == 1 ? r.summary.files[0]
                       : f.evidence.frames.empty() ? std::string()
                                                   : file_name(r.summary, f.evidence.frames.front().file);
        std::fputs(j.dump().c_str(), out);
        std::fputc('\n', out);
    }
    nlohmann::json sum = report_json(r);
    sum.erase("findings");
    sum["type"] = "summary";
    std::fputs(sum.dump().c_str(), out);
    std::fputc('\n', out);
}

void write_junit_report(std::FILE* out, const AnalysisReport& r, Severity failure) {
    std::size_t failures = 0;
    for (const Finding& f : r.findings)
        if (f.severity >= failure) ++failures;
    const auto defs = finding_defs();
    std::fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
    const std::string name = xml_escape(fmt::format("netdx analyze {}", fmt::join(r.summary.files, " ")));
    const std::size_t tests = defs.size() + r.user_defs.size();
    fmt::print(out, "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\">\n", name, tests, failures);
    fmt::print(out, "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n", name, tests, failures);
    std::vector<const FindingDef*> all;
    for (const FindingDef& d : defs) all.push_back(&d);
    all.insert(all.end(), r.user_defs.begin(), r.user_defs.end());
    for (const FindingDef* dp : all) {
        const FindingDef& d = *dp;
        fmt::print(out, "    <testcase classname=\"netdx.{}\" name=\"{}\">\n", d.group, d.id);
        std::string notes;
        for (const Finding& f : r.findings) {
            if (f.def != &d) continue;
            std::string frames = join(f.evidence.frames, [](const FrameRef& fr) { return std::to_string(fr.frame); });
            const std::string body = fmt::format("{}\nhosts: {}\nevidence frames: {} ({} in total)\n{}", f.detail,
                                                 fmt::join(f.hosts, ", "), frames, f.evidence.total, d.remediation);
            if (f.severity >= failure)
                fmt::print(out, "      <failure type=\"{}\" message=\"{}\">{}</failure>\n", severity_name(f.severity),
                           xml_escape(f.title), xml_escape(body));
            else
                notes += fmt::format("{}: {}\n", severity_name(f.severity), f.title);
        }
        if (!notes.empty()) fmt::print(out, "      <system-out>{}</system-out>\n", xml_escape(notes));
        std::fputs("    </testcase>\n", out);
    }
    std::fputs("  </testsuite>\n</testsuites>\n", out);
}

}  // namespace netdx
