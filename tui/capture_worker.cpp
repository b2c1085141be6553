#include "tui/capture_worker.hpp"

#include <fmt/format.h>

#include <poll.h>

#include <algorithm>

#include "capture/privileges.hpp"
#include "dissectors/decode.hpp"
#include "output/packet_printer.hpp"
#include "servers/servers_report.hpp"
#include "core/escape.hpp"

namespace netdx::tui {

namespace {

constexpr std::size_t kMaxPaths = 256;
constexpr std::size_t kMaxTalkers = 20000;
constexpr std::size_t kTopTalkers = 50;
constexpr auto kPublishEvery = std::chrono::milliseconds(50);
constexpr auto kTablesEvery = std::chrono::milliseconds(250);

}  // namespace

std::size_t CaptureWorker::IpHash::operator()(const IpAddress& a) const noexcept {
    std::uint64_t h = 1469598103934665603ull ^ a.family;
    for (std::uint8_t b : a.bytes) { h ^= b; h *= 1099511628211ull; }
    return static_cast<std::size_t>(h);
}

CaptureWorker::CaptureWorker(const LiveOptions& opts) : opts_(opts), convs_(opts.max_flows) {
    if (!opts_.display_filter.empty()) {  // compiled (and checked) by `netdx live` before
        filter_ = std::make_unique<DisplayFilter>(opts_.display_filter);
        if (filter_->needs_flow_analysis()) filter_flows_ = std::make_unique<FlowEngine>();
    }
    opts_.source.promiscuous = !opts_.no_promiscuous;
    src_ = PacketSource::open(opts_.source);
    name_ = src_->name();
    live_ = src_->live();
    if (!opts_.write.empty()) {
        dump_ = pcap_dump_open(src_->handle(), opts_.write.c_str());
        if (!dump_)
            throw CaptureError(ExitCode::WriteFailed,
                               fmt::format("cannot write {}: {}", opts_.write, pcap_geterr(src_->handle())));
    }
    // The -w file is open: nothing left that needs root to parse the wire.
    if (live_)
        if (std::string err = relinquish_after_open(opts_.user); !err.empty())
            throw CaptureError(ExitCode::PermissionDenied, err);
    cur_ = new Batch(opts_.ring);
    engine_ = std::make_unique<Engine>(rules_cfg_);
    PipelineOptions popts;
    popts.syn_timeout = rules_cfg_.number("conn.unanswered_syn", "syn_timeout_s");
    pipeline_ = std::make_unique<Pipeline>(engine_->bus(), popts);
    pipeline_->begin_file(0, name_);
    engine_->bus().subscribe<&HttpStats::on_http>(&http_);
    servers_.subscribe(engine_->bus());
    // A blocking read can sit in the kernel past its timeout with the last
    // packets unpublished; non-blocking reads plus poll() below bound the wait.
    if (live_) {
        char err[PCAP_ERRBUF_SIZE];
        if (pcap_setnonblock(src_->handle(), 1, err) == 0) fd_ = pcap_get_selectable_fd(src_->handle());
    }
}

void CaptureWorker::server_rows(std::vector<ServerRow>& out) const {
    out.clear();
    for (const ServerStats* s : servers_by_load(servers_)) {
        if (out.size() >= kServerRows) break;
        if (!s->requests && !s->connections) continue;  // only refused connections
        ServerRow r;
        r.name = server_name(s->key);
        r.service = s->service;
        r.clients = s->clients.count();
        r.clients_estimated = s->clients.estimated();
        r.connections = s->connections;
        r.requests = s->requests;
        r.errors = s->error_total();
        r.bytes_in = s->bytes_in;
        r.bytes_out = s->bytes_out;
        r.concurrency = s->timeline.peak_concurrency();
        r.rate = s->request_rate();
        r.p50 = s->latency.quantile(0.50);
        r.p95 = s->latency.quantile(0.95);
        r.p99 = s->latency.quantile(0.99);
        out.push_back(std::move(r));
    }
}

CaptureWorker::~CaptureWorker() {
    stop();
    if (dump_) pcap_dump_close(dump_);
    delete cur_;
}

void CaptureWorker::start() {
    last_publish_ = std::chrono::steady_clock::now();
    thread_ = std::thread([this] { run(); });
}

void CaptureWorker::stop() {
    stop_.store(true);
    if (src_) src_->interrupt();
    if (thread_.joinable()) thread_.join();
}

void CaptureWorker::pace(const Timestamp& ts) {
    using namespace std::chrono;
    if (!pace_started_) {
        pace_started_ = true;
        pace_first_ = ts;
        pace_start_ = steady_clock::now();
        return;
    }
    const double offset = (static_cast<double>(ts.sec - pace_first_.sec) +
                           (static_cast<double>(ts.nsec) - pace_first_.nsec) * 1e-9) / opts_.speed;
    const auto due = pace_start_ + duration_cast<steady_clock::duration>(duration<double>(std::max(0.0, offset)));
    // Sleep in short steps so quit and pause stay responsive on long gaps.
    while (!stop_.load(std::memory_order_relaxed)) {
        const auto now = steady_clock::now();
        if (now >= due) break;
        std::this_thread::sleep_for(std::min<steady_clock::duration>(due - now, milliseconds(50)));
        publish(false);
    }
}

void CaptureWorker::account(Packet& pkt) {
    decode_packet(pkt);
    if (!servers_origin_) servers_.set_origin(pkt.ts.seconds()), servers_origin_ = true;
    pipeline_->packet(pkt);
    Totals& t = totals_;
    if (t.packets == 0) t.first_ts = pkt.ts;
    t.last_ts = pkt.ts;
    ++t.packets;
    t.bytes += pkt.wirelen;

    if (filter_) {
        CaptureClock& c = filter_clock_;
        if (!c.started) c.first = c.previous = pkt.ts, c.started = true;
        if (filter_flows_) {
            const PacketFlowInfo& fi = filter_flows_->process(pkt);
            pkt.tcp_analysis = fi.tcp ? &fi.seg : nullptr;
        }
        const bool shown = filter_->matches(pkt, c);
        c.previous = pkt.ts;
        pkt.tcp_analysis = nullptr;
        if (!shown) {
            account_tables(pkt);
            return;
        }
    }
    bool dropped = false;
    PacketRow& r = cur_->rows.push(dropped);
    if (dropped) ++t.rows_dropped;
    r.number = pkt.number;
    r.ts = pkt.ts;
    r.wirelen = pkt.wirelen;
    r.caplen = pkt.caplen;
    r.linktype = pkt.linktype;
    r.proto = protocol_column(pkt);
    r.top = Proto::None;
    for (const Layer& l : pkt.layers)
        if (!l.quoted && l.proto != Proto::Data) r.top = l.proto;
    r.src_ip = pkt.net.src;
    r.dst_ip = pkt.net.dst;
    fmt::memory_buffer a, b, info;
    append_address_columns(pkt, a, b);
    r.src.assign(a.data(), a.size());
    r.dst.assign(b.data(), b.size());
    append_info_column(pkt, info);
    r.info.clear();
    fmt::memory_buffer esc;
    append_escaped(esc, std::string_view(info.data(), info.size()));
    r.info.assign(esc.data(), esc.size());
    const std::size_t keep = std::min<std::size_t>(pkt.bytes.size(), opts_.keep_bytes);
    const auto* p = reinterpret_cast<const std::uint8_t*>(pkt.bytes.data());
    r.bytes.assign(p, p + keep);
    r.conv = account_tables(pkt);
}

// The conversations, DNS, protocol-path and talker tables: every packet,
// shown in the list or not.
std::uint64_t CaptureWorker::account_tables(Packet& pkt) {
    const std::uint64_t conv = convs_.add(pkt);
    dns_.on_packet(pkt);

    PathKey pk;
    for (const Layer& l : pkt.layers) {
        if (l.quoted || pk.depth == pk.path.size()) break;
        pk.path[pk.depth++] = l.proto;
    }
    auto pit = paths_.find(pk);
    if (pit == paths_.end() && paths_.size() < kMaxPaths) {
        ProtoPathRow row;
        row.path = pk.path;
        row.depth = pk.depth;
        pit = paths_.emplace(pk, row).first;
    }
    if (pit != paths_.end()) {
        ++pit->second.packets;
        pit->second.bytes += pkt.wirelen;
    }
    if (pkt.net.src.family != 0) {
        for (const IpAddress* ip : {&pkt.net.src, &pkt.net.dst}) {
            auto tit = talkers_.find(*ip);
            if (tit == talkers_.end()) {
                if (talkers_.size() >= kMaxTalkers) continue;
                tit = talkers_.emplace(*ip, TalkerRow{*ip, 0, 0}).first;
            }
            ++tit->second.packets;
            tit->second.bytes += pkt.wirelen;
        }
    }
    return conv;
}

void CaptureWorker::publish(bool force) {
    using namespace std::chrono;
    const auto now = steady_clock::now();
    if (!force && now - last_publish_ < kPublishEvery) return;
    Batch* b = cur_;
    b->totals = totals_;
    b->totals.kernel = src_->stats();
    // The tables cost a copy of every conversation: refresh them a few times
    // a second, the rows and counters at every batch.
    const bool tables_due = force || now - last_tables_ >= kTablesEvery;
    if (tables_due) {
        last_tables_ = now;
        conv_live_ = convs_.live(totals_.last_ts);
    }
    b->totals.conv_live = conv_live_;
    b->totals.conv_total = convs_.total();
    b->totals.conv_evicted = convs_.evicted();
    // Findings travel only when they changed since the last handed-over batch.
    b->findings_version = 0;
    if (findings_version_ != findings_published_) {
        b->findings = findings_;
        b->findings_version = findings_version_;
        b->findings_final = findings_final_;
    }
    if (!tables_due) {
        last_publish_ = now;
        if (!mailbox_.offer(b)) return;
        if (b->findings_version) findings_published_ = b->findings_version;
        cur_ = mailbox_.take_spare();
        if (!cur_) cur_ = new Batch(opts_.ring);
        cur_->rows.clear();
        cur_->tables = false;
        return;
    }
    convs_.snapshot(b->convs);
    b->paths.clear();
    for (const auto& [k, row] : paths_) b->paths.push_back(row);
    b->talkers.clear();
    for (const auto& [k, row] : talkers_) b->talkers.push_back(row);
    const std::size_t top = std::min(kTopTalkers, b->talkers.size());
    std::partial_sort(b->talkers.begin(), b->talkers.begin() + static_cast<std::ptrdiff_t>(top), b->talkers.end(),
                      [](const TalkerRow& x, const TalkerRow& y) { return x.bytes > y.bytes; });
    b->talkers.resize(top);
    dns_.snapshot(b->dns);
    http_.snapshot(b->http);
    server_rows(b->servers);
    b->tables = true;
    last_publish_ = now;
    if (!mailbox_.offer(b)) return;  // the UI has not taken the last one: keep filling this one
    if (b->findings_version) findings_published_ = b->findings_version;
    cur_ = mailbox_.take_spare();
    if (!cur_) cur_ = new Batch(opts_.ring);
    cur_->rows.clear();
    cur_->tables = false;
}

void CaptureWorker::set_findings(std::vector<Finding> found) {
    findings_.clear();
    for (const Finding& f : found) {
        FindingRow r;
        r.severity = static_cast<int>(f.severity);
        r.severity_name = std::string(severity_name(f.severity));
        if (f.def) {
            r.id = std::string(f.def->id);
            r.explanation = std::string(f.def->explanation);
            r.remediation = std::string(f.def->remediation);
        }
        // Titles, hosts and details may quote names from the wire: escape them.
        r.title = escaped(f.title);
        for (const std::string& h : f.hosts) r.hosts += (r.hosts.empty() ? "" : ", ") + escaped(h);
        r.detail = escaped(f.detail);
        for (const FrameRef& fr : f.evidence.frames) r.frames.push_back(fr.frame);
        r.evidence_total = f.evidence.total;
        findings_.push_back(std::move(r));
    }
    ++findings_version_;
}

// Problems are flagged while they happen: the rules are asked what they would
// report now, on this thread (the UI never waits) and without disturbing the
// final result, which run_rules() computes as `netdx analyze` does.
void CaptureWorker::rules_so_far() {
    const auto now = std::chrono::steady_clock::now();
    if (opts_.findings_ms <= 0 || now - last_findings_ < std::chrono::milliseconds(opts_.findings_ms)) return;
    last_findings_ = now;
    // Nothing new since the last evaluation: the answer would be the same (after the first).
    if (findings_version_ && totals_.packets == findings_packets_) return;
    findings_packets_ = totals_.packets;
    const CaptureSummary& sum = pipeline_->summary();
    set_findings(engine_->snapshot(sum.first, sum.last));
}

void CaptureWorker::run_rules() {
    dns_.finish();
    pipeline_->end();
    const CaptureSummary& sum = pipeline_->summary();
    findings_final_ = true;
    set_findings(engine_->finish(sum.first, sum.last));
}

void CaptureWorker::run() {
    Packet pkt;
    std::uint64_t seen = 0;
    const bool paced = opts_.realtime && !live_;
    for (;;) {
        if (stop_.load(std::memory_order_relaxed)) break;
        if (paused_.load(std::memory_order_relaxed) && !live_) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            pace_started_ = false;  // resume the pace from where it paused
            rules_so_far();
            publish(false);
            continue;
        }
        const PacketSource::Result r = src_->next(pkt);
        if (r == PacketSource::Result::Timeout) {
            if (dump_) pcap_dump_flush(dump_);
            rules_so_far();
            publish(false);
            if (fd_ >= 0) {
                pollfd p{fd_, POLLIN, 0};
                poll(&p, 1, 50);
            }
            continue;
        }
        if (r == PacketSource::Result::End) break;
        if (r == PacketSource::Result::Error) {
            totals_.error = src_->error();
            totals_.error_code = src_->error_code();
            break;
        }
        if (paced) pace(pkt.ts);
        if (dump_) {
            pcap_pkthdr hdr{};
            hdr.ts.tv_sec = pkt.ts.sec;
            hdr.ts.tv_usec = static_cast<suseconds_t>(pkt.ts.nsec / 1000);
            hdr.caplen = pkt.caplen;
            hdr.len = pkt.wirelen;
            pcap_dump(reinterpret_cast<u_char*>(dump_), &hdr, pkt.bytes.data());
        }
        account(pkt);
        rules_so_far();
        publish(false);
        if (opts_.count && ++seen >= opts_.count) break;
    }
    if (dump_) pcap_dump_flush(dump_);
    if (!stop_.load(std::memory_order_relaxed)) run_rules();
    totals_.finished = true;
    // The last batch must reach the UI even if it is slow to take the previous one.
    while (!stop_.load(std::memory_order_relaxed)) {
        publish(true);
        if (cur_->rows.size() == 0 && !cur_->tables) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

}  // namespace netdx::tui
