#include "probe/doctor_report.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "report/report.hpp"
#include "rules/format.hpp"

namespace netdx {

namespace {

// Capture rules that see the same problem as a probe under another id.
std::string_view probe_equivalent(std::string_view id) {
    if (id == "arp.gratuitous_conflict") return "arp.duplicate_ip";  // our RFC 5227 probe, answered
    return id;
}

std::string_view status_colour(CheckStatus s, bool on) {
    if (!on) return "";
    switch (s) {
        case CheckStatus::Ok: return "\x1b[32m";
        case CheckStatus::Warn: return "\x1b[1;33m";
        case CheckStatus::Fail: return "\x1b[1;31m";
        default: return "\x1b[2m";
    }
}

void count(const std::vector<Finding>& v, std::size_t counts[4]) {
    for (const Finding& f : v) ++counts[static_cast<int>(f.severity)];
}

}  // namespace

void merge_capture(DoctorReport& rep, std::vector<Finding> capture_findings, CaptureFindings& cap) {
    for (Finding& f : capture_findings) {
        // Traceroute-style probes of the path check make routers send time-exceeded: ours, not a problem.
        if (rep.sent_ttl_probes && f.def->id == "icmp.time_exceeded") {
            ++cap.own_probes;
            continue;
        }
        // The same problem: the same (or equivalent) rule id about a host the check named too.
        auto same = std::find_if(rep.findings.begin(), rep.findings.end(), [&](const Finding& p) {
            if (p.def->id != probe_equivalent(f.def->id)) return false;
            if (p.hosts.empty() || f.hosts.empty()) return true;
            return std::any_of(f.hosts.begin(), f.hosts.end(), [&](const std::string& h) {
                return std::find(p.hosts.begin(), p.hosts.end(), h) != p.hosts.end();
            });
        });
        if (same != rep.findings.end()) {
            same->evidence.merge(f.evidence);
            for (const std::string& h : f.hosts)
                if (std::find(same->hosts.begin(), same->hosts.end(), h) == same->hosts.end()) same->hosts.push_back(h);
            ++cap.merged;
            continue;
        }
        cap.findings.push_back(std::move(f));
    }
}

void write_doctor_text(std::FILE* out, const DoctorReport& rep, const CaptureFindings* cap, bool color) {
    const std::string_view bold = color ? "\x1b[1m" : "", reset = color ? "\x1b[0m" : "";
    const NetInterface& n = rep.nif;
    std::string addrs;
    for (const Ipv4Address& a : n.ipv4) addrs += fmt::format("{}{}/{}", addrs.empty() ? "" : ", ", ip_str(a.addr), a.prefix);
    fmt::print(out, "{}netdx doctor{}: {}{}{}\n\n", bold, reset, n.name,
               n.has_mac ? fmt::format(" ({})", mac_str(n.mac)) : std::string(), addrs.empty() ? "" : ", " + addrs);
    for (const CheckResult& c : rep.checks) {
        fmt::print(out, "  {}{:<7}{} {:<32} {}\n", status_colour(c.status, color), check_status_text(c.status), reset,
                   c.title, c.status == CheckStatus::NotRun ? "" : c.summary);
        for (const std::string& note : c.notes) fmt::print(out, "  {:<7} {:<32}   {}\n", "", "", note);
    }
    if (rep.stopped_at >= 0) {
        const CheckResult& c = rep.checks[static_cast<std::size_t>(rep.stopped_at)];
        const bool last = rep.stopped_at + 1 == static_cast<int>(rep.checks.size());
        fmt::print(out, "\n{}Broken layer{}: {} ({}).{}\n", bold, reset, c.title, c.summary,
                   last ? "" : " The checks after it depend on this layer: fix it first.");
    } else {
        fmt::print(out, "\nNo layer is broken.\n");
    }

    const CaptureSummary empty;
    const CaptureSummary& sum = cap ? cap->summary : empty;
    std::size_t counts[4] = {};
    count(rep.findings, counts);
    if (cap) count(cap->findings, counts);
    fmt::print(out, "\n{}Findings{}: {} error, {} warning, {} notice, {} info\n", bold, reset, counts[3], counts[2],
               counts[1], counts[0]);
    if (rep.findings.empty() && (!cap || cap->findings.empty())) fmt::print(out, "  No problems found.\n");
    for (const Finding& f : rep.findings) write_text_finding(out, f, sum, color);
    if (!cap) return;
    fmt::print(out, "\n{}Capture{}: {} ({} packets, {:.1f} s), read with the rules of `netdx analyze`\n", bold, reset,
               cap->file, cap->summary.packets, cap->summary.packets ? cap->summary.last - cap->summary.first : 0.0);
    if (cap->merged)
        fmt::print(out, "  {} capture finding(s) repeat a check's finding: their frames are its evidence above\n", cap->merged);
    if (cap->own_probes)
        fmt::print(out, "  {} capture finding(s) left out: time-exceeded answers to the path check's own probes\n",
                   cap->own_probes);
    if (cap->limit_drops)
        fmt::print(out, "  Limits: {} state entries refused because a table was full (results are partial)\n",
                   cap->limit_drops);
    if (cap->findings.empty()) fmt::print(out, "  No further problems in the capture.\n");
    for (const Finding& f : cap->findings) write_text_finding(out, f, sum, color);
}

nlohmann::json doctor_json(const DoctorReport& rep, const CaptureFindings* cap) {
    nlohmann::json j;
    j["netdx_version"] = NETDX_VERSION;
    j["command"] = "doctor";
    const NetInterface& n = rep.nif;
    nlohmann::json addrs = nlohmann::json::array();
    for (const Ipv4Address& a : n.ipv4)
        addrs.push_back({{"address", ip_str(a.addr)}, {"prefix", a.prefix}, {"static", a.permanent}});
    j["interface"] = {{"name", n.name}, {"mac", n.has_mac ? mac_str(n.mac) : ""}, {"up", n.up},
                      {"carrier", n.carrier}, {"mtu", n.mtu}, {"ipv4", addrs}};
    nlohmann::json checks = nlohmann::json::array();
    for (const CheckResult& c : rep.checks)
        checks.push_back({{"id", c.id}, {"title", c.title}, {"status", c.status == CheckStatus::Fail ? "fail"
                                                                     : c.status == CheckStatus::NotRun ? "not_run"
                                                                     : std::string(check_status_text(c.status))},
                          {"summary", c.summary}, {"notes", c.notes}, {"findings", c.finding_ids}, {"ms", c.ms}});
    j["checks"] = checks;
    j["stopped_at"] = rep.stopped_at >= 0 ? nlohmann::json(rep.checks[static_cast<std::size_t>(rep.stopped_at)].id)
                                          : nlohmann::json(nullptr);
    const CaptureSummary empty;
    const CaptureSummary& sum = cap ? cap->summary : empty;
    std::size_t counts[4] = {};
    count(rep.findings, counts);
    if (cap) count(cap->findings, counts);
    j["counts"] = {{"error", counts[3]}, {"warning", counts[2]}, {"notice", counts[1]}, {"info", counts[0]}};
    nlohmann::json list = nlohmann::json::array();
    for (const Finding& f : rep.findings) {
        nlohmann::json fj = finding_json(f, sum);
        fj["source"] = "probe";
        list.push_back(fj);
    }
    if (cap)
        for (const Finding& f : cap->findings) {
            nlohmann::json fj = finding_json(f, sum);
            fj["source"] = "capture";
            list.push_back(fj);
        }
    j["findings"] = list;
    if (cap)
        j["capture"] = {{"file", cap->file},
                        {"packets", cap->summary.packets},
                        {"bytes", cap->summary.bytes},
                        {"merged_findings", cap->merged},
                        {"own_probe_findings", cap->own_probes},
                        {"state_entries_dropped", cap->limit_drops}};
    else
        j["capture"] = nullptr;
    j["started"] = iso_time(rep.started);
    j["finished"] = iso_time(rep.finished);
    return j;
}

}  // namespace netdx
