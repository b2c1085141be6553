#pragma once
// The capture thread: reads the source, decodes every packet, keeps the
// counters and tables, optionally writes a pcap, and publishes batches to the
// UI through the Mailbox. It never waits for the UI.
#include <pcap/pcap.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <thread>
#include <unordered_map>

#include "filter/display_filter.hpp"
#include "flow/flow_engine.hpp"
#include "analysis/pipeline.hpp"
#include "rules/config.hpp"
#include "rules/engine.hpp"
#include "tui/conversations.hpp"
#include "tui/dns_stats.hpp"
#include "servers/server_table.hpp"
#include "tui/http_stats.hpp"
#include "tui/live_options.hpp"
#include "tui/snapshot.hpp"

namespace netdx::tui {

class CaptureWorker {
public:
    // Opens the source (and the -w file); throws CaptureError.
    explicit CaptureWorker(const LiveOptions& opts);
    ~CaptureWorker();
    void start();
    void stop();  // asks the thread to end and joins it
    Mailbox& mailbox() { return mailbox_; }
    // Pausing holds a file replay where it is; a live capture keeps counting.
    void set_paused(bool p) { paused_.store(p, std::memory_order_relaxed); }
    [[nodiscard]] std::string source_name() const { return name_; }
    [[nodiscard]] bool live() const { return live_; }

private:
    void run();
    void account(Packet& pkt);
    std::uint64_t account_tables(Packet& pkt);
    void publish(bool force);
    void pace(const Timestamp& ts);

    LiveOptions opts_;
    // -Y: decides which packets enter the list (the statistics, flows and
    // rules still see every packet); its own flow engine when it names
    // tcp.analysis.* and the like.
    std::unique_ptr<DisplayFilter> filter_;
    std::unique_ptr<FlowEngine> filter_flows_;
    CaptureClock filter_clock_;
    std::unique_ptr<PacketSource> src_;
    pcap_dumper_t* dump_ = nullptr;
    std::string name_;
    bool live_ = false;
    int fd_ = -1;  // selectable fd of a live source in non-blocking mode
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> paused_{false};
    Mailbox mailbox_;
    Batch* cur_ = nullptr;
    // The rules engine reports as `netdx analyze` does when the source ends;
    // before that, its findings so far every opts_.findings_ms.
    RuleConfig rules_cfg_;
    std::unique_ptr<Engine> engine_;
    std::unique_ptr<Pipeline> pipeline_;
    std::vector<FindingRow> findings_;
    std::uint64_t findings_version_ = 0, findings_published_ = 0;
    std::uint64_t findings_packets_ = 0;  // packets seen at the last evaluation
    bool findings_final_ = false;
    std::chrono::steady_clock::time_point last_findings_{};
    void run_rules();
    void rules_so_far();
    void set_findings(std::vector<Finding> found);
    void server_rows(std::vector<ServerRow>& out) const;

    // State owned by the capture thread.
    Totals totals_;
    Conversations convs_;
    DnsStats dns_;
    HttpStats http_;
    // The per-server view (servers beyond the cap are counted, not kept).
    static constexpr std::size_t kMaxServers = 256, kServerRows = 50;
    ServerTable servers_{kMaxServers};
    bool servers_origin_ = false;
    struct PathKey {
        std::array<Proto, 8> path{};
        std::uint8_t depth = 0;
        friend auto operator<=>(const PathKey&, const PathKey&) = default;
    };
    std::map<PathKey, ProtoPathRow> paths_;  // few distinct paths; capped
    struct IpHash {
        std::size_t operator()(const IpAddress& a) const noexcept;
    };
    std::unordered_map<IpAddress, TalkerRow, IpHash> talkers_;  // capped
    std::chrono::steady_clock::time_point last_publish_{};
    std::chrono::steady_clock::time_point last_tables_{};
    std::uint64_t conv_live_ = 0;
    std::chrono::steady_clock::time_point pace_start_{};
    Timestamp pace_first_;
    bool pace_started_ = false;
};

}  // namespace netdx::tui
