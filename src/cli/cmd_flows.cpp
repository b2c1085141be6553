// `netdx flows`: the conversation table (tshark -z conv,tcp, Zeek's conn.log)
// with TCP state, end reason, RTT and retransmissions per flow.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <csignal>
#include <cstdio>
#include <optional>
#include <queue>
#include <unordered_set>

#include "cli/commands.hpp"
#include "cli/source_options.hpp"
#include "core/format_addr.hpp"
#include "dissectors/decode.hpp"
#include "dissectors/registry.hpp"
#include "flow/flow_engine.hpp"
#include "filter/display_filter.hpp"
#include "flow/flow_record.hpp"

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
    std::string display_filter;  // -Y: keep the flows with at least one matching packet
};

using SmallBuf = fmt::basic_memory_buffer<char, 128>;

// Table rows are written by hand into one buffer: with 10,000 rows, a
// std::string per cell and a format-string parse per row were a third of the
// command's time. Every cell is ASCII (labels, addresses, numbers, history
// letters), so padding by bytes is padding by columns.
template <class Buf>
void append_sv(Buf& b, std::string_view s) { b.append(s.data(), s.data() + s.size()); }

template <class Buf>
void append_padded(Buf& b, std::string_view s, std::size_t width, bool right) {
    static constexpr char kSpaces[] = "                                                ";
    const std::size_t pad = s.size() < width ? width - s.size() : 0;
    if (right) b.append(kSpaces, kSpaces + pad);
    append_sv(b, s);
    if (!right) b.append(kSpaces, kSpaces + pad);
}

template <class Buf>
void append_proto(Buf& b, const FlowKey& k) {
    if (k.family == 0) return append_sv(b, proto_name(static_cast<Proto>(k.proto)));
    switch (k.proto) {
        case 6: return append_sv(b, "tcp");
        case 17: return append_sv(b, "udp");
        case 1: return append_sv(b, "icmp");
        case 58: return append_sv(b, "icmpv6");
        case 132: return append_sv(b, "sctp");
        default: fmt::format_to(std::back_inserter(b), "ip-{}", k.proto);
    }
}

std::string proto_label(const FlowKey& k) {
    SmallBuf b;
    append_proto(b, k);
    return fmt::to_string(b);
}

bool has_ports(const FlowKey& k) { return k.family != 0 && (k.proto == 6 || k.proto == 17 || k.proto == 132); }

// "addr:port" (IPv6 in brackets when a port follows), or a MAC address.
void append_endpoint(fmt::memory_buffer& b, const FlowKey& k, Side s) {
    const auto& addr = s == Side::A ? k.a : k.b;
    const std::uint16_t port = s == Side::A ? k.port_a : k.port_b;
    if (k.family == 0) return append_mac(b, addr.data());
    IpAddress ip;
    ip.family = k.family;
    ip.bytes = addr;
    const bool ports = has_ports(k);
    if (ports && k.family == 6) b.push_back('[');
    append_ip(b, ip);
    if (ports) {
        if (k.family == 6) b.push_back(']');
        b.push_back(':');
        append_sv(b, fmt::format_int(port).str());
    }
}

std::string endpoint(const FlowKey& k, Side s) {
    fmt::memory_buffer b;
    append_endpoint(b, k, s);
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

bool before(const FlowRecord& x, const FlowRecord& y, SortKey key) {
    auto cmp = [&](auto a, auto b) { return a != b ? a > b : x.id < y.id; };
    switch (key) {
        case SortKey::Packets: return cmp(x.packets(), y.packets());
        case SortKey::Duration: return cmp(x.duration(), y.duration());
        case SortKey::Retrans: return cmp(x.retrans(), y.retrans());
        case SortKey::Bytes: break;
    }
    return cmp(x.bytes(), y.bytes());
}

// A packed row in the sort index: its sort value (a double's bits for
// duration), its creation order and where the store keeps it.
struct RowRef {
    std::uint64_t value;
    std::uint64_t id;
    FlowRecordStore::Ref ref;
};

RowRef row_ref(const FlowRecord& r, SortKey key, FlowRecordStore::Ref ref) {
    std::uint64_t v = 0;
    switch (key) {
        case SortKey::Packets: v = r.packets(); break;
        case SortKey::Duration: v = std::bit_cast<std::uint64_t>(r.duration()); break;
        case SortKey::Retrans: v = r.retrans(); break;
        case SortKey::Bytes: v = r.bytes(); break;
    }
    return {v, r.id, ref};
}

bool before(const RowRef& x, const RowRef& y, SortKey key) {
    if (key == SortKey::Duration) {
        const double a = std::bit_cast<double>(x.value), b = std::bit_cast<double>(y.value);
        return a != b ? a > b : x.id < y.id;
    }
    return x.value != y.value ? x.value > y.value : x.id < y.id;
}

template <class Buf>
void append_human_bytes(Buf& b, std::uint64_t v) {
    if (v < 10000) return append_sv(b, fmt::format_int(v).str());
    if (v < 10000000) return void(fmt::format_to(std::back_inserter(b), "{:.1f}k", v / 1e3));
    if (v < 10000000000ull) return void(fmt::format_to(std::back_inserter(b), "{:.1f}M", v / 1e6));
    fmt::format_to(std::back_inserter(b), "{:.1f}G", v / 1e9);
}

template <class Buf>
void append_rtt(Buf& b, const FlowRecord& r) {
    if (r.handshake_rtt >= 0) return void(fmt::format_to(std::back_inserter(b), "{:.1f}ms", r.handshake_rtt * 1e3));
    if (r.rtt_samples) return void(fmt::format_to(std::back_inserter(b), "~{:.1f}ms", r.rtt_sum / r.rtt_samples * 1e3));
    b.push_back('-');
}

// One table row; `cell` is scratch space for the cells that need formatting.
void append_row(fmt::memory_buffer& out, fmt::memory_buffer& cell, const FlowRecord& r) {
    auto padded = [&](auto&& fill, std::size_t width, bool right) {
        cell.clear();
        fill();
        append_padded(out, std::string_view(cell.data(), cell.size()), width, right);
        out.push_back(' ');
    };
    auto number = [&](std::uint64_t v, std::size_t width) {
        append_padded(out, fmt::format_int(v).str(), width, true);
        out.push_back(' ');
    };
    padded([&] { append_proto(cell, r.key); }, 6, false);
    padded([&] { append_endpoint(cell, r.key, r.orig); }, 41, true);
    padded([&] { append_endpoint(cell, r.key, other(r.orig)); }, 41, false);
    append_padded(out, r.key.proto == 6 && r.key.family ? state_name(r.state) : std::string_view("-"), 11, false);
    out.push_back(' ');
    append_padded(out, end_reason_name(r.end), 9, false);
    out.push_back(' ');
    number(r.dir[0].packets, 8);
    padded([&] { append_human_bytes(cell, r.dir[0].bytes); }, 9, true);
    number(r.dir[1].packets, 8);
    padded([&] { append_human_bytes(cell, r.dir[1].bytes); }, 9, true);
    padded([&] { fmt::format_to(std::back_inserter(cell), "{:.3f}", r.duration()); }, 10, true);
    padded([&] { append_rtt(cell, r); }, 9, true);
    number(r.retrans(), 7);
    append_sv(out, r.history[0] ? std::string_view(r.history) : std::string_view("-"));
    out.push_back('\n');
}

// Rows are formatted into one buffer written in large pieces: a fmt::print
// per row (a locked stdio call each) was most of the cost.
template <class RowAt>
void print_text(std::FILE* out, std::size_t count, RowAt&& row_at, const FlowEngine& eng) {
    fmt::print(out, "{:<6} {:>41} {:<41} {:<11} {:<9} {:>8} {:>9} {:>8} {:>9} {:>10} {:>9} {:>7} {}\n", "Proto",
               "Originator", "Responder", "State", "End", "Pkts>", "Bytes>", "Pkts<", "Bytes<", "Duration", "RTT",
               "Retrans", "History");
    fmt::memory_buffer buf, cell;
    for (std::size_t i = 0; i < count; ++i) {
        if (buf.size() > (1u << 16)) {
            std::fwrite(buf.data(), 1, buf.size(), out);
            buf.clear();
        }
        append_row(buf, cell, row_at(i));
    }
    std::fwrite(buf.data(), 1, buf.size(), out);
    const FlowTableStats& st = eng.table().stats();
    const DefragStats& ds = eng.defrag().stats();
    fmt::print(out,
               "\n{} flows ({} shown), {} TCP streams; peak live {} (cap {}), evicted {}, timed out {}; "
               "IP fragments {} -> {} datagrams, {} overlaps ({} conflicting), {} timed out\n",
               st.created, count, eng.tcp_streams(), st.peak_live, eng.table().config().max_flows, st.evicted,
               st.timed_out, ds.fragments, ds.reassembled, ds.overlaps, ds.conflicting_overlaps, ds.timed_out);
}

template <class RowAt>
void print_json(std::FILE* out, std::size_t count, RowAt&& row_at, const FlowEngine& eng) {
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
    for (std::size_t i = 0; i < count; ++i) {
        const FlowRecord r = row_at(i);
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
            for (int k = 0; k < kTcpFlagCount; ++k)
                if (r.flag_counts[k]) fl[std::string(kTcpFlagNames[k].field).substr(13)] = r.flag_counts[k];
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
    std::optional<DisplayFilter> filter;
    if (!a.display_filter.empty()) {
        try {
            filter.emplace(a.display_filter);
        } catch (const filter::FilterError& e) {
            fmt::print(stderr, "netdx flows: bad display filter: {}\n", e.what());
            return code(ExitCode::BadDisplayFilter);
        }
    }
    std::unique_ptr<PacketSource> src;
    try {
        src = PacketSource::open(a.source.opts);
    } catch (const CaptureError& e) {
        fmt::print(stderr, "netdx: {}\n", e.what());
        return code(e.code());
    }
    if (int rc = relinquish_privileges(*src, a.source, "flows")) return rc;
    if (src->live()) stop_on_signals(src.get());
    std::signal(SIGPIPE, SIG_IGN);

    FlowEngineConfig cfg;
    cfg.table.max_flows = a.max_flows;
    cfg.table.key_vlan = !a.no_vlan;
    FlowEngine eng(cfg);

    // Rows of ended flows. Without --top every ended flow is kept, packed in
    // a store with a small sort index (the table is sorted only at the end).
    // With --top only the N best are kept unpacked (a heap whose root is the
    // worst kept row), so memory stays flat on any capture.
    const SortKey key = sort_key(a.sort);
    FlowRecordStore store;
    std::vector<RowRef> index;
    std::vector<FlowRecord> top;
    auto worse = [&](const FlowRecord& x, const FlowRecord& y) { return before(x, y, key); };
    // With -Y, the ids of live flows one of whose packets matched (erased when
    // the flow ends, so the set holds at most the live flows).
    std::unordered_set<std::uint64_t> matched;
    eng.on_flow_end([&](Flow& f) {
        if (filter && matched.erase(f.id) == 0) return;
        if (!a.proto.empty()) {
            SmallBuf label;
            append_proto(label, f.key);
            if (std::string_view(label.data(), label.size()) != a.proto) return;
        }
        const FlowRecord r = FlowRecord::of(f);
        if (a.top == 0) {
            index.push_back(row_ref(r, key, store.add(r)));
        } else if (top.size() < a.top) {
            top.push_back(r);
            std::push_heap(top.begin(), top.end(), worse);
        } else if (before(r, top.front(), key)) {
            std::pop_heap(top.begin(), top.end(), worse);
            top.back() = r;
            std::push_heap(top.begin(), top.end(), worse);
        }
    });

    Packet pkt;
    CaptureClock clock;
    std::uint64_t seen = 0;
    int rc = for_each_packet(
        *src, pkt,
        [&](Packet& p) {
            const PacketFlowInfo& fi = eng.process(p);
            if (filter && fi.flow) {
                // The flow of this packet is still live here: a flow ends
                // only in a later process() (idle expiry, ports reused) or in finish().
                if (!clock.started) clock.first = clock.previous = p.ts, clock.started = true;
                p.tcp_analysis = fi.tcp ? &fi.seg : nullptr;
                if (filter->matches(p, clock)) matched.insert(fi.flow->id);
                clock.previous = p.ts;
            }
            return !(a.source.count && ++seen >= a.source.count);
        },
        // The table needs nothing above TCP/UDP; a filter may name any field.
        [] {}, filter ? DecodeDepth::All : DecodeDepth::Transport);
    eng.finish();
    auto print = [&](std::size_t count, auto&& row_at) {
        if (a.format == "json") print_json(stdout, count, row_at, eng);
        else print_text(stdout, count, row_at, eng);
    };
    if (a.top == 0) {
        std::sort(index.begin(), index.end(), [&](const RowRef& x, const RowRef& y) { return before(x, y, key); });
        print(index.size(), [&](std::size_t i) { return store.get(index[i].ref); });
    } else {
        std::sort(top.begin(), top.end(), worse);
        print(top.size(), [&](std::size_t i) -> const FlowRecord& { return top[i]; });
    }
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
    cmd->add_option("-Y,--display-filter", args->display_filter,
                    "Display filter: keep the flows with at least one packet it matches");
    cmd->add_flag("--no-vlan", args->no_vlan, "Ignore VLAN ids when matching the two directions of a flow");
    return [cmd, args]() { return cmd->parsed() ? run_flows(*args) : -1; };
}

}  // namespace netdx
