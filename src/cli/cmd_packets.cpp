// `netdx packets`: one line (or tree, JSON object, field row) per packet.
#include <fmt/format.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <optional>

#include "cli/commands.hpp"
#include "cli/evidence_marks.hpp"
#include "cli/source_options.hpp"
#include "dissectors/decode.hpp"
#include "dns/dns_tcp_pdus.hpp"
#include "filter/display_filter.hpp"
#include "capture/pcap_writer.hpp"
#include "capture/privileges.hpp"
#include "flow/flow_engine.hpp"
#include "output/packet_printer.hpp"
#include "output/reassembled_view.hpp"
#include "output/export_objects.hpp"
#include "output/follow_stream.hpp"
#include "output/stream_pdus.hpp"

namespace netdx {

namespace {

struct PacketsArgs {
    SourceArgs source;
    bool verbose = false;
    std::string format = "summary";
    std::vector<std::string> fields;
    std::vector<std::string> field_options;
    std::string display_filter;  // -Y
    std::string write_file;      // -w: save the matching packets instead of printing them
    std::vector<std::string> stats;  // -z follow,tcp,MODE,N
    bool quiet = false;              // -q: no packet lines, only what -z prints
    std::string export_objects;      // --export-objects http,DIR
};

// tshark prints its -z outputs last registered first; so do we.
int print_follows(const std::vector<std::unique_ptr<FollowStream>>& follows, const FlowEngine* flows) {
    int rc = 0;
    for (auto it = follows.rbegin(); it != follows.rend(); ++it) {
        const FollowStream& f = **it;
        if (!f.seen()) {
            const std::uint64_t n = flows ? flows->tcp_streams() : 0;
            fmt::print(stderr, "netdx packets: -z follow: the capture has no TCP stream {} ({})\n", f.spec().stream,
                       n ? fmt::format("its streams are 0 to {}", n - 1) : std::string("it has no TCP stream"));
            rc = code(ExitCode::NoSuchStream);
            continue;
        }
        const std::string text = f.render();
        std::fwrite(text.data(), 1, text.size(), stdout);
    }
    std::fflush(stdout);
    return rc;
}

// tshark's -E name=value options for -T fields.
bool apply_field_option(const std::string& opt, FieldsOptions& fo) {
    const auto eq = opt.find('=');
    if (eq == std::string::npos) return false;
    const std::string name = opt.substr(0, eq), value = opt.substr(eq + 1);
    auto one_char = [](const std::string& v) -> char {
        if (v == "/t") return '\t';
        if (v == "/s") return ' ';
        return v.empty() ? '\0' : v[0];
    };
    if (name == "header") fo.header = value == "y";
    else if (name == "separator") fo.separator = one_char(value);
    else if (name == "aggregator") fo.aggregator = one_char(value);
    else if (name == "occurrence" && (value == "f" || value == "l" || value == "a")) fo.occurrence = value[0];
    else return false;
    return true;
}

// The summary, tree and JSON show relative TCP numbers; -T fields needs the
// analysis only for the fields that come from it, and the stream reassembly
// only for fields a PDU split across TCP segments can change (DNS, HTTP, TLS).
bool packets_need_flow_analysis(PacketFormat format, const std::vector<std::string>& names) {
    if (format != PacketFormat::Fields) return true;
    return std::any_of(names.begin(), names.end(), [](const std::string& n) {
        return n.rfind("tcp.analysis.", 0) == 0 || n == "tcp.seq" || n == "tcp.ack" || n == "tcp.stream" ||
               n == "tcp.nxtseq" || n == "tcp.window_size" || n.rfind("dns.", 0) == 0 || n == "frame.protocols" ||
               n.rfind("http.", 0) == 0 || n.rfind("netdx.http.", 0) == 0 || n.rfind("tls.", 0) == 0 ||
               n.rfind("resp.", 0) == 0 || n.rfind("netdx.resp.", 0) == 0 || n.rfind("memcache.", 0) == 0 ||
               n.rfind("netdx.memcache.", 0) == 0 || n.rfind("mqtt.", 0) == 0 || n.rfind("netdx.mqtt.", 0) == 0 ||
               n.rfind("amqp.", 0) == 0 || n.rfind("netdx.amqp.", 0) == 0 ||
               n.rfind("rpc.", 0) == 0 || n.rfind("netdx.rpc.", 0) == 0;
    });
}

// A frame of an HTTP stream as tshark shows it with reassembly: the messages
// it completes; TCP alone when it carries the earlier bytes of one, when its
// bytes were not new to the stream (retransmission), or when they come before
// any message start of the stream; else as decoded.
const Packet& app_view(const Packet& p, const StreamPdus& pdus, ReassembledView& view) {
    // HTTP messages are one layer each; the others' PDUs (TLS records, RESP
    // values, memcached messages) one layer together, as tshark's one tree.
    if (!pdus.sizes().empty() && pdus.proto() != Proto::Http) return view.tcp_pdus(p, pdus.proto(), pdus.completed());
    if (!pdus.sizes().empty()) return view.tcp_pdus(p, pdus.proto(), pdus.completed(), pdus.sizes());
    if (pdus.in_pdu() && pdus.proto() == Proto::Resp) return view.tcp_pdu_part(p, Proto::Resp, pdus.partial_head());
    if (pdus.in_pdu()) return view.tcp_only(p, true, pdus.partial_head());
    if ((!pdus.delivered() || pdus.unparsed()) && p.net.l4_layer >= 0) {
        const std::size_t app = static_cast<std::size_t>(p.net.l4_layer) + 1;
        if (app < p.layers.size() && (p.layers[app].proto == Proto::Http || p.layers[app].proto == Proto::Tls) &&
            !p.layers[app].quoted &&
            p.tcp_analysis != nullptr)
            return view.tcp_only(p, false);
    }
    return p;
}

int run_packets(PacketsArgs& a) {
    if (std::string err = finish_source_options(a.source); !err.empty()) {
        fmt::print(stderr, "netdx packets: {}\n", err);
        return code(ExitCode::Usage);
    }
    FieldsOptions fo;
    fo.names = a.fields;
    for (const std::string& opt : a.field_options) {
        if (!apply_field_option(opt, fo)) {
            fmt::print(stderr, "netdx packets: bad -E option \"{}\"\n", opt);
            return code(ExitCode::Usage);
        }
    }
    // netdx.finding needs the findings of the whole file before its first
    // packet is shown: a file read twice, which standard input and a live
    // capture cannot be.
    const bool rereadable = !a.source.opts.file.empty() && a.source.opts.file != "-";
    FindingMarks::available = rereadable;
    const bool fields_name_findings = std::any_of(fo.names.begin(), fo.names.end(), FindingMarks::is_finding_field);
    if (fields_name_findings && !rereadable) {
        fmt::print(stderr, "netdx packets: netdx.finding fields need a capture file (-r FILE): the file is analysed first\n");
        return code(ExitCode::Usage);
    }
    std::vector<std::unique_ptr<FollowStream>> follows;
    for (const std::string& z : a.stats) {
        std::string err;
        const std::optional<FollowSpec> spec = parse_follow_spec(z, err);
        if (!spec) {
            fmt::print(stderr, "netdx packets: bad -z \"{}\": {}\n", z, err);
            return code(ExitCode::BadStatsSpec);
        }
        follows.push_back(std::make_unique<FollowStream>(*spec));
    }
    // tshark's spelling, PROTOCOL,DIR; netdx exports HTTP only.
    std::unique_ptr<ExportObjects> exporter;
    if (!a.export_objects.empty()) {
        const auto comma = a.export_objects.find(',');
        if (comma == std::string::npos || a.export_objects.substr(0, comma) != "http" || comma + 1 == a.export_objects.size()) {
            fmt::print(stderr, "netdx packets: bad --export-objects \"{}\": expected http,DIR\n", a.export_objects);
            return code(ExitCode::Usage);
        }
        exporter = std::make_unique<ExportObjects>();
        if (std::string err; !exporter->open(a.export_objects.substr(comma + 1), err)) {
            fmt::print(stderr, "netdx packets: --export-objects: {}\n", err);
            return code(ExitCode::ExportFailed);
        }
    }
    std::optional<DisplayFilter> filter;
    if (!a.display_filter.empty()) {
        try {
            filter.emplace(a.display_filter);
        } catch (const filter::FilterError& e) {
            fmt::print(stderr, "netdx packets: bad display filter: {}\n", e.what());
            return code(ExitCode::BadDisplayFilter);
        }
    }
    const bool wants_marks =
        fields_name_findings ||
        (filter && std::any_of(filter->fields().begin(), filter->fields().end(), FindingMarks::is_finding_field));
    EvidenceMarksResult marks;
    if (wants_marks) {
        marks = evidence_marks(a.source.opts);
        if (marks.exit_code != 0) return marks.exit_code;
    }
    PacketFormat format = a.verbose ? PacketFormat::Tree : PacketFormat::Summary;
    if (a.format == "json") format = PacketFormat::Json;
    else if (a.format == "fields") format = PacketFormat::Fields;
    std::unique_ptr<PacketPrinter> printer;
    std::unique_ptr<PacketSource> src;
    try {
        printer = std::make_unique<PacketPrinter>(format, fo, stdout);
        src = PacketSource::open(a.source.opts);
    } catch (const std::invalid_argument& e) {
        fmt::print(stderr, "netdx packets: {}\n", e.what());
        return code(ExitCode::Usage);
    } catch (const CaptureError& e) {
        fmt::print(stderr, "netdx: {}\n", e.what());
        return code(e.code());
    }
    if (int rc = relinquish_privileges(*src, a.source, "packets")) return rc;
    // TCP analysis (relative seq/ack, tcp.analysis.*) only when an output needs it.
    // DNS messages split across TCP segments show on the frame completing them.
    // HTTP messages and TLS records likewise; the frames carrying their earlier
    // bytes show as TCP.
    DnsTcpPdus dns_pdus;
    StreamPdus app_pdus;
    std::unique_ptr<FlowEngine> flows;
    if (packets_need_flow_analysis(format, fo.names) || (filter && filter->needs_flow_analysis()) ||
        !follows.empty() || exporter) {
        flows = std::make_unique<FlowEngine>();
        flows->set_consumer_factory([&dns_pdus, &app_pdus, &follows, &exporter](const Flow& f) {
            std::unique_ptr<StreamConsumer> c = dns_pdus.consumer_for(f);
            if (!c) c = app_pdus.consumer_for(f);
            // A followed stream's bytes come from the same reassembly.
            for (auto& fs : follows)
                if (f.tcp && fs->spec().stream == f.tcp->stream) c = fs->tap(std::move(c));
            if (exporter) c = exporter->tap(f, std::move(c));
            return c;
        });
    }
    // Without the flow stage, fragments are still reassembled so the frame that
    // completes a datagram shows its upper layers, as tshark does.
    IpDefrag defrag;
    std::vector<std::uint8_t> datagram;
    ReassembledView view;
    std::unique_ptr<PcapWriter> writer;
    if (!a.write_file.empty()) {
        writer = std::make_unique<PcapWriter>();
        if (std::string err = writer->open(a.write_file, src->linktype()); !err.empty()) {
            fmt::print(stderr, "netdx packets: {}\n", src->live() ? explain_write_error(err, a.source.user) : err);
            return code(ExitCode::WriteFailed);
        }
    }
    if (src->live()) stop_on_signals(src.get());
    std::signal(SIGPIPE, SIG_IGN);

    Packet pkt;
    CaptureClock clock;
    if (wants_marks) clock.findings = &marks.marks;
    std::uint64_t seen = 0;
    const int rc = for_each_packet(
        *src, pkt,
        [&](Packet& p) {
            Bytes reassembled;
            dns_pdus.begin_frame();
            app_pdus.begin_frame();
            if (exporter) exporter->begin_frame(p.number);
            if (flows) {
                const PacketFlowInfo& fi = flows->process(p);
                p.tcp_analysis = fi.tcp ? &fi.seg : nullptr;
                reassembled = fi.datagram_payload;
                if (fi.flow && fi.flow->tcp)
                    for (auto& fs : follows)
                        if (fs->spec().stream == fi.flow->tcp->stream) fs->see_packet(p, fi.dir);
            } else if (p.net.fragment) {
                if (p.ts.sec != clock.previous.sec) defrag.expire(p.ts);
                if (defrag.add(p, datagram))
                    reassembled = Bytes{datagram.data(), datagram.size()}.subspan(defrag.payload_offset());
            }
            const Packet* shown = &p;
            if (p.net.fragment && !reassembled.empty()) shown = &view.ip_datagram(p, reassembled);
            else if (Bytes pdus = dns_pdus.completed(); !pdus.empty()) shown = &view.tcp_pdus(p, Proto::Dns, pdus);
            else if (flows) shown = &app_view(p, app_pdus, view);
            if (!clock.started) {
                clock.first = clock.previous = p.ts;
                clock.started = true;
            }
            // tshark -Y: every packet is analysed, only the matching ones are shown or saved.
            const bool shown_ok = !filter || filter->matches(*shown, clock);
            if (shown_ok && writer) writer->write(p);
            else if (shown_ok && !a.quiet) printer->print(*shown, clock);
            clock.previous = p.ts;
            if (printer->failed()) return false;  // reader went away (e.g. `| head`)
            return !(a.source.count && ++seen >= a.source.count);
        },
        [&] {
            printer->flush();
            if (writer) writer->flush();
        });
    printer->flush();
    // Rendered now, before the flows end: like tshark, data still waiting
    // for a hole to fill when the capture ends is not shown.
    const int follow_rc = print_follows(follows, flows.get());
    // Bodies delimited by the connection's close end with the flows.
    if (flows && exporter) flows->finish();
    if (exporter && exporter->failed()) return rc ? rc : code(ExitCode::ExportFailed);
    if (rc == 0 && follow_rc != 0) return follow_rc;
    if (writer) {
        if (std::string err = writer->close(); !err.empty()) {
            fmt::print(stderr, "netdx packets: {}\n", err);
            return rc ? rc : code(ExitCode::WriteFailed);
        }
        if (writer->skipped_linktype()) {
            // Silently dropping them would leave a file that looks complete.
            fmt::print(stderr,
                       "netdx packets: {}: {} packet(s) not written: their link type differs from the file's ({}); "
                       "a pcap file holds one link type\n",
                       a.write_file, writer->skipped_linktype(), link_type_name(writer->linktype()));
            return rc ? rc : code(ExitCode::WriteFailed);
        }
    }
    return rc;
}

}  // namespace

CommandRunner add_packets_command(CLI::App& app) {
    auto args = std::make_shared<PacketsArgs>();
    CLI::App* cmd = app.add_subcommand("packets", "Dissect packets and print one line (or tree/JSON/fields) each");
    add_source_options(*cmd, args->source, true);
    cmd->add_flag("-V,--verbose", args->verbose, "Print each packet's layer tree with every field");
    cmd->add_option("-T,--format", args->format, "Output format: summary, json (one object per line), fields")
        ->check(CLI::IsMember({"summary", "text", "json", "fields"}));
    cmd->add_option("-e,--field", args->fields, "Field to print with -T fields (tshark names; repeatable)");
    cmd->add_option("-Y,--display-filter", args->display_filter,
                    "Display filter (tshark's language, e.g. 'ip.addr == 10.0.0.0/8 && tcp.port in {80, 443}'): show only the packets it matches");
    cmd->add_option("-w,--write", args->write_file, "Write the packets (those -Y matches) to this pcap file instead of printing them");
    cmd->add_option("-z", args->stats,
                    "tshark's follow-stream output after the packets: follow,tcp,ascii|hex|raw,N (N: tcp.stream; repeatable)");
    cmd->add_option("--export-objects", args->export_objects,
                    "tshark's export of HTTP bodies from the reassembled streams: http,DIR (one file per body, tshark's names)");
    cmd->add_flag("-q,--quiet", args->quiet, "Print no packets (with -z: only its output)");
    cmd->add_option("-E", args->field_options, "Fields output option: header=y|n, separator=/t|/s|C, aggregator=C, occurrence=f|l|a");
    return [cmd, args]() { return cmd->parsed() ? run_packets(*args) : -1; };
}

}  // namespace netdx
