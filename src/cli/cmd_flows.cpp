// `netdx flows`: the conversation table (tshark -z conv,tcp, Zeek's conn.log)
// with TCP state, end reason, RTT and retransmissions per flow.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <queue>

#include "cli/commands.hpp"
#include "cli/source_options.hpp"
#include "core/format_addr.hpp"
#include "dissectors/decode.hpp"
#include "dissectors/registry.hpp"
#include "flow/flow_engine.hpp"

namespace netdx {

namespace {

struct FlowsArgs {
    SourceArgs source;
    std::string format = "text";
    std::string sort = "bytes";
    std::string proto;
    std::size_t max_flows = 262144;
    std::size_t top = 0;
    bool no_vlan = false;
};

// What is kept of a flow once it has left the table: enough for one row.
struct FlowRow {
    FlowKey key;
    Side orig = Side::A;
    std::uint64_t id = 0;
    std::int64_t stream = -1;
    FlowDir dir[2];
    Timestamp first, last;
    FlowState state = FlowState::Active;
    EndReason end = EndReason::Open;
    char history[24]{};
    double handshake_rtt = -1;
    std::uint32_t rtt_samples = 0;
    double rtt_sum = 0, rtt_min = 0, rtt_max = 0;
    std::uint32_t flag_counts[kTcpFlagCount]{};

    [[nodiscard]] std::uint64_t bytes() const { return dir[0].bytes + dir[1].bytes; }
    [[nodiscard]] std::uint64_t packets() const { return dir[0].packets + dir[1].packets; }
    [[nodiscard]] double duration() const { return seconds_between(last, first); }
    [[nodiscard]] std::uint64_t retrans() const {
        return std::uint64_t{flag_counts[0]} + flag_counts[1] + flag_counts[2];
    }
};

FlowRow row_of(const Flow& f) {
    FlowRow r;
    r.key = f.key;
    r.orig = f.orig;
    r.id = f.id;
    r.stream = f.tcp ? static_cast<std::int64_t>(f.tcp->stream) : -1;
    r.dir[0] = f.dir[0];
    r.dir[1] = f.dir[1];
    r.first = f.first;
    r.last = f.last;
    r.state = f.state;
    r.end = f.end;
    std::copy(std::begin(f.history), std::end(f.history), r.history);
    r.handshake_rtt = f.handshake_rtt;
    r.rtt_samples = f.rtt_samples;
    r.rtt_sum = f.rtt_sum;
    r.rtt_min = f.rtt_min;
    r.rtt_max = f.rtt_max;
    std::copy(std::begin(f.flag_counts), std::end(f.flag_counts), r.flag_counts);
    return r;
}

std::string proto_label(const FlowKey& k) {
    if (k.family == 0) return std::string(proto_name(static_cast<Proto>(k.proto)));
    switch (k.proto) {
        case 6: return "tcp";
        case 17: return "udp";
        case 1: return "icmp";
        case 58: return "icmpv6";
        case 132: return "sctp";
        default: return fmt::format("ip-{}", k.proto);
    }
}

bool has_ports(const FlowKey& k) { return k.family != 0 && (k.proto == 6 || k.proto == 17 || k.proto == 132); }

// "addr:port" (IPv6 in brackets when a port follows), or a MAC address.
std::string endpoint(const FlowKey& k, Side s) {
    const auto& addr = s == Side::A ? k.a : k.b;
    const std::uint16_t port = s == Side::A ? k.port_a : k.port_b;
    fmt::memory_buffer b;
    if (k.family == 0) {
        append_mac(b, addr.data());
        return fmt::to_string(b);
    }
    IpAddress ip;
    ip.family = k.family;
    ip.bytes = addr;
    const bool ports = has_ports(k);
    if (ports && k.family == 6) b.push_back('[');
    append_ip(b, ip);
    if (ports) {
        if (k.family == 6) b.push_back(']');
        fmt::format_to(std::back_inserter(b), ":{}", port);
    }
    return fmt::to_string(b);
}

Side other(Side s) { return s == Side::A ? Side::B : Side::A; }

// Sort order: larger first; ties by creation order so output is stable. The
// key is resolved once: comparing strings inside the comparator cost more than
// the sort itself.
enum class SortKey { Bytes, Packets, Duration, Retrans };

SortKey sort_key(const std::string& name) {
    if (name == "packets") return SortKey::Packets;
    if (name == "duration") return SortKey::Duration;
    if (name == "retrans") return SortKey::Retrans;
    return SortKey::Bytes;
}

bool before(const FlowRow& x, const FlowRow& y, SortKey key) {
    auto cmp = [&](auto a, auto b) { return a != b ? a > b : x.id < y.id; };
    switch (key) {
        case SortKey::Packets: return cmp(x.packets(), y.packets());
        case SortKey::Duration: return cmp(x.duration(), y.duration());
        case SortKey::Retrans: return cmp(x.retrans(), y.retrans());
        case SortKey::Bytes: break;
    }
    return cmp(x.bytes(), y.bytes());
}

std::string human_bytes(std::uint64_t v) {
    if (v < 10000) return fmt::format("{}", v);
    if (v < 10000000) return fmt::format("{:.1f}k", v / 1e3);
    if (v < 10000000000ull) return fmt::format("{:.1f}M", v / 1e6);
    return fmt::format("{:.1f}G", v / 1e9);
}

std::string rtt_text(const FlowRow& r) {
    if (r.handshake_rtt >= 0) return fmt::format("{:.1f}ms", r.handshake_rtt * 1e3);
    if (r.rtt_samples) return fmt::format("~{:.1f}ms", r.rtt_sum / r.rtt_samples * 1e3);
    return "-";
}

void print_text(std::FILE* out, const std::vector<FlowRow>& rows, const FlowEngine& eng, std::uint64_t total_rows) {
    fmt::print(out, "{:<6} {:>41} {:<41} {:<11} {:<9} {:>8} {:>9} {:>8} {:>9} {:>10} {:>9} {:>7} {}\n", "Proto",
               "Originator", "Responder", "State", "End", "Pkts>", "Bytes>", "Pkts<", "Bytes<", "Duration", "RTT",
               "Retrans", "History");
    // Rows are formatted into one buffer written in large pieces: a
    // fmt::print per row (a locked stdio call each) was most of the cost.
    fmt::memory_buffer buf;
    for (const FlowRow& r : rows) {
        const FlowDir& o = r.dir[0];
        const FlowDir& p = r.dir[1];
        if (buf.size() > (1u << 16)) {
            std::fwrite(buf.data(), 1, buf.size(), out);
            buf.clear();
        }
        fmt::format_to(std::back_inserter(buf), "{:<6} {:>41} {:<41} {:<11} {:<9} {:>8} {:>9} {:>8} {:>9} {:>10.3f} {:>9} {:>7} {}\n",
                   proto_label(r.key), endpoint(r.key, r.orig), endpoint(r.key, other(r.orig)),
                   r.key.proto == 6 && r.key.family ? state_name(r.state) : std::string_view("-"),
                   end_reason_name(r.end), o.packets, human_bytes(o.bytes), p.packets, human_bytes(p.bytes),
                   r.duration(), rtt_text(r), r.retrans(), r.history[0] ? r.history : "-");
    }
    std::fwrite(buf.data(), 1, buf.size(), out);
    const FlowTableStats& st = eng.table().stats();
    const DefragStats& ds = eng.defrag().stats();
    fmt::print(out,
               "\n{} flows ({} shown), {} TCP streams; peak live {} (cap {}), evicted {}, timed out {}; "
               "IP fragments {} -> {} datagrams, {} overlaps ({} conflicting), {} timed out\n",
               st.created, rows.size(), eng.tcp_streams(), st.peak_live, eng.table().config().max_flows, st.evicted,
               st.timed_out, ds.fragments, ds.reassembled, ds.overlaps, ds.conflicting_overlaps, ds.timed_out);
    (void)total_rows;
}

void print_json(std::FILE* out, const std::vector<FlowRow>& rows, const FlowEngine& eng) {
    using J = nlohmann::ordered_json;
    J flows = J::array();
    auto dir_json = [](const FlowDir& d) {
        J j;
        j["packets"] = d.packets;
        j["bytes"] = d.bytes;
        j["payload_bytes"] = d.payload;
        if (d.packets) {
            j["first"] = d.first.seconds();
            j["last"] = d.last.seconds();
        }
        return j;
    };
    for (const FlowRow& r : rows) {
        J j;
        j["id"] = r.id;
        j["proto"] = proto_label(r.key);
        j["originator"] = endpoint(r.key, r.orig);
        j["responder"] = endpoint(r.key, other(r.orig));
        if (r.key.vlan) j["vlan"] = r.key.vlan;
        if (r.stream >= 0) j["tcp_stream"] = r.stream;
        j["state"] = state_name(r.state);
        j["end"] = end_reason_name(r.end);
        j["history"] = r.history;
        j["start"] = r.first.seconds();
        j["duration"] = r.duration();
        j["orig"] = dir_json(r.dir[0]);
        j["resp"] = dir_json(r.dir[1]);
        const double dur = r.duration();
        j["throughput_bps"] = dur > 0 ? static_cast<double>(r.bytes()) * 8 / dur : 0.0;
        if (r.handshake_rtt >= 0) j["handshake_rtt"] = r.handshake_rtt;
        if (r.rtt_samples) {
            j["data_rtt"] = {{"samples", r.rtt_samples},
                             {"min", r.rtt_min},
                             {"mean", r.rtt_sum / r.rtt_samples},
                             {"max", r.rtt_max}};
        }
        if (r.stream >= 0) {
            J fl = J::object();
            for (int i = 0; i < kTcpFlagCount; ++i)
                if (r.flag_counts[i]) fl[std::string(kTcpFlagNames[i].field).substr(13)] = r.flag_counts[i];
            j["tcp_analysis"] = std::move(fl);
            j["retransmissions"] = r.retrans();
        }
        flows.push_back(std::move(j));
    }
    const FlowTableStats& st = eng.table().stats();
    const DefragStats& ds = eng.defrag().stats();
    J doc;
    doc["flows"] = std::move(flows);
    doc["summary"] = {{"flows", st.created},
                      {"tcp_streams", eng.tcp_streams()},
                      {"peak_live", st.peak_live},
                      {"max_flows", eng.table().config().max_flows},
                      {"evicted", st.evicted},
                      {"timed_out", st.timed_out},
                      {"ip_fragments", ds.fragments},
                      {"ip_reassembled", ds.reassembled},
                      {"ip_fragment_overlaps", ds.overlaps},
                      {"ip_fragment_conflicting_overlaps", ds.conflicting_overlaps},
                      {"ip_fragments_timed_out", ds.timed_out},
                      {"ip_fragments_dropped_at_limit", ds.dropped_limit}};
    const std::string s = doc.dump(1, ' ', false, J::error_handler_t::replace);
    std::fwrite(s.data(), 1, s.size(), out);
    std::fputc('\n', out);
}

int run_flows(FlowsArgs& a) {
    if (std::string err = finish_source_options(a.source); !err.empty()) {
        fmt::print(stderr, "netdx flows: {}\n", err);
        return code(ExitCode::Usage);
    }
    std::unique_ptr<PacketSource> src;
    try {
        src = PacketSource::open(a.source.opts);
    } catch (const CaptureError& e) {
        fmt::print(stderr, "netdx: {}\n", e.what());
        return code(e.code());
    }
    if (src->live()) stop_on_signals(src.get());
    std::signal(SIGPIPE, SIG_IGN);

    FlowEngineConfig cfg;
    cfg.table.max_flows = a.max_flows;
    cfg.table.key_vlan = !a.no_vlan;
    FlowEngine eng(cfg);

    // Rows of ended flows. With --top only the N best are kept (a heap whose
    // root is the worst kept row), so memory stays flat on any capture.
    std::vector<FlowRow> rows;
    std::uint64_t total_rows = 0;
    const SortKey key = sort_key(a.sort);
    auto worse = [&](const FlowRow& x, const FlowRow& y) { return before(x, y, key); };
    eng.on_flow_end([&](Flow& f) {
        if (!a.proto.empty() && proto_label(f.key) != a.proto) return;
        ++total_rows;
        if (a.top == 0) {
            rows.push_back(row_of(f));
            return;
        }
        FlowRow r = row_of(f);
        if (rows.size() < a.top) {
            rows.push_back(std::move(r));
            std::push_heap(rows.begin(), rows.end(), worse);
        } else if (before(r, rows.front(), key)) {
            std::pop_heap(rows.begin(), rows.end(), worse);
            rows.back() = std::move(r);
            std::push_heap(rows.begin(), rows.end(), worse);
        }
    });

    Packet pkt;
    std::uint64_t seen = 0;
    int rc = for_each_packet(
        *src, pkt,
        [&](const Packet& p) {
            eng.process(p);
            return !(a.source.count && ++seen >= a.source.count);
        },
        [] {});
    eng.finish();
    std::sort(rows.begin(), rows.end(), worse);
    if (a.format == "json") print_json(stdout, rows, eng);
    else print_text(stdout, rows, eng, total_rows);
    if (std::fflush(stdout) != 0 && rc == 0) rc = code(ExitCode::WriteFailed);
    return rc;
}

}  // namespace

CommandRunner add_flows_command(CLI::App& app) {
    auto args = std::make_shared<FlowsArgs>();
    CLI::App* cmd = app.add_subcommand("flows", "Conversation table: state, packets/bytes each way, RTT, retransmissions");
    add_source_options(*cmd, args->source, true);
    cmd->add_option("-T,--format", args->format, "Output format: text or json")
        ->check(CLI::IsMember({"text", "json"}));
    cmd->add_option("--sort", args->sort, "Order rows by bytes, packets, duration or retrans (largest first)")
        ->check(CLI::IsMember({"bytes", "packets", "duration", "retrans"}));
    cmd->add_option("--proto", args->proto, "Only flows of this protocol (tcp, udp, icmp, icmpv6, arp, ...)");
    cmd->add_option("--top", args->top, "Keep and print only the first N rows in sort order (bounded memory)");
    cmd->add_option("--max-flows", args->max_flows, "Live flows kept at once; the oldest is evicted beyond it")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 26));
    cmd->add_flag("--no-vlan", args->no_vlan, "Ignore VLAN ids when matching the two directions of a flow");
    return [cmd, args]() { return cmd->parsed() ? run_flows(*args) : -1; };
}

}  // namespace netdx
