// `netdx doctor`: the checks for "this machine cannot connect", in order,
// stopping at the first broken layer; with -w it records while it checks and
// reads the recording back through the rules of `netdx analyze`.
#include <fmt/format.h>

#include <csignal>

#include "analysis/session.hpp"
#include "cli/commands.hpp"
#include "cli/probe_common.hpp"
#include "cli/source_options.hpp"
#include "core/escape.hpp"
#include "probe/background_capture.hpp"
#include "probe/doctor.hpp"
#include "probe/doctor_report.hpp"
#include "probe/probe_error.hpp"

namespace netdx {

namespace {

struct DoctorArgs {
    ReportArgs report;
    DoctorOptions opts;
    std::string write;
    std::string output;
    double dhcp_wait_s = 3;
};

// Reads the doctor's own recording through the analysis, as `netdx analyze FILE` would.
void analyze_recording(const std::string& file, const RuleConfig& config, DoctorReport& rep, CaptureFindings& cap) {
    cap.file = file;
    SourceOptions o;
    o.file = file;
    std::unique_ptr<PacketSource> src;
    try {
        src = PacketSource::open(o);
    } catch (const CaptureError& e) {
        fmt::print(stderr, "netdx doctor: {}\n", e.what());
        cap.read_rc = code(e.code());
        return;
    }
    AnalysisSession session(config);
    session.begin_file(0, file);
    Packet pkt;
    cap.read_rc = for_each_packet(*src, pkt, [&](const Packet& p) { session.packet(p); return true; }, [] {});
    AnalysisResult res = session.finish();
    cap.summary = std::move(res.summary);
    cap.limit_drops = res.limit_drops;
    merge_capture(rep, std::move(res.findings), cap);
}

int run_doctor_command(DoctorArgs& a) {
    RuleConfig config;
    if (int rc = load_rule_config(a.report, config, "doctor")) return rc;
    std::optional<Severity> fail_on;
    if (!a.report.fail_on.empty()) fail_on = parse_severity(a.report.fail_on);
    std::signal(SIGPIPE, SIG_IGN);
    a.opts.dhcp_wait_ms = static_cast<int>(a.dhcp_wait_s * 1000);
    if (a.opts.interface.empty()) {
        // Named now so that the recording and the checks look at the same interface.
        if (auto nif = default_interface()) a.opts.interface = nif->name;
    }

    std::unique_ptr<BackgroundCapture> recorder;
    DoctorReport rep;
    try {
        if (!a.write.empty()) {
            if (a.opts.interface.empty()) throw ProbeError(ExitCode::NoSuchInterface, "no network interface to check (give one with -i)");
            recorder = std::make_unique<BackgroundCapture>(a.opts.interface, a.write);
        }
        rep = run_doctor(a.opts, config);
    } catch (const CaptureError& e) {
        fmt::print(stderr, "netdx doctor: {}\n", e.what());
        return code(e.code());
    } catch (const ProbeError& e) {
        if (recorder) recorder->stop(0);
        fmt::print(stderr, "netdx doctor: {}\n", e.what());
        return code(e.code());
    }

    std::optional<CaptureFindings> cap;
    int rc = 0;
    if (recorder) {
        const BackgroundCapture::Result r = recorder->stop();
        if (r.rc) {
            fmt::print(stderr, "netdx doctor: {}\n", r.error);
            rc = r.rc;
        }
        cap.emplace();
        analyze_recording(a.write, config, rep, *cap);
        if (cap->read_rc && !rc) rc = cap->read_rc;
    }

    std::FILE* out = stdout;
    if (!a.output.empty() && a.output != "-") {
        out = std::fopen(a.output.c_str(), "w");
        if (!out) {
            fmt::print(stderr, "netdx doctor: cannot write {}\n", escaped(a.output));
            return code(ExitCode::WriteFailed);
        }
    }
    const CaptureFindings* capp = cap ? &*cap : nullptr;
    if (a.report.format == "json") {
        std::fputs(doctor_json(rep, capp).dump(2).c_str(), out);
        std::fputc('\n', out);
    } else {
        write_doctor_text(out, rep, capp, use_color(a.report.color, out));
    }
    if (std::fflush(out) != 0 || (out != stdout && std::fclose(out) != 0)) {
        fmt::print(stderr, "netdx doctor: writing the report failed\n");
        return code(ExitCode::WriteFailed);
    }
    if (rc) return rc;
    if (rep.stopped_at >= 0) return code(ExitCode::FindingsReached);
    std::vector<Finding> all = rep.findings;
    if (cap) all.insert(all.end(), cap->findings.begin(), cap->findings.end());
    return findings_exit(all, fail_on);
}

}  // namespace

CommandRunner add_doctor_command(CLI::App& app) {
    auto a = std::make_shared<DoctorArgs>();
    CLI::App* cmd = app.add_subcommand(
        "doctor", "Check link, address, gateway, duplicate address, DHCP, DNS, target and path MTU; stop at the first broken layer");
    cmd->add_option("-i,--interface", a->opts.interface, "Interface to check (default: the default route's)");
    cmd->add_option("--target", a->opts.target, "HOST:PORT the machine should reach (TCP and path MTU checks)");
    cmd->add_option("--name", a->opts.name, "Name the DNS check resolves (default: the target's host name, else the root)");
    cmd->add_option("--resolv-conf", a->opts.resolv_conf, "Read the resolvers from this file (default /etc/resolv.conf)");
    cmd->add_option("--dhcp-wait", a->dhcp_wait_s, "Seconds to listen for DHCP offers")->check(CLI::Range(0.5, 60.0));
    cmd->add_option("--timeout", a->opts.tcp_timeout_ms, "Milliseconds before a silent target port counts as filtered")
        ->check(CLI::Range(50, 60000));
    cmd->add_option("--dns-timeout", a->opts.dns_timeout_ms, "Milliseconds per DNS try (2 tries) before a resolver counts as silent")
        ->check(CLI::Range(50, 60000));
    cmd->add_option("-w,--write", a->write, "Record the interface to this pcap file while checking, and analyse it too");
    cmd->add_option("-o,--output", a->output, "Write the report to this file instead of standard output");
    add_report_options(*cmd, a->report,
                       "Also exit with code 20 when a finding reaches this severity (a broken layer always does)");
    return [cmd, a]() { return cmd->parsed() ? run_doctor_command(*a) : -1; };
}

}  // namespace netdx
