#pragma once
// The UI's copy of the capture state: the list of recent packets (its own
// bounded ring), the latest tables and totals, and the rates derived from
// them. Only the UI thread touches it.
#include <chrono>
#include <deque>
#include <string>
#include <vector>

#include "tui/snapshot.hpp"

namespace netdx::tui {

struct Rates {
    double pps = 0, bps = 0;           // over the last second
    double peak_pps = 0, peak_bps = 0;
};

class Model {
public:
    explicit Model(std::size_t ring) : list_(ring) {}
    // Takes the rows and tables of a batch (rows are swapped out, not copied).
    void absorb(Batch& b);
    // Updates the rates from the totals; call once per refresh.
    void tick(std::chrono::steady_clock::time_point now);
    void clear_list() { list_.clear(); cleared_at_ = totals_.packets; }

    [[nodiscard]] const RowRing& list() const { return list_; }
    [[nodiscard]] const Totals& totals() const { return totals_; }
    [[nodiscard]] const Rates& rates() const { return rates_; }
    [[nodiscard]] const std::vector<ConvRow>& convs() const { return convs_; }
    [[nodiscard]] const std::vector<ProtoPathRow>& paths() const { return paths_; }
    [[nodiscard]] const std::vector<TalkerRow>& talkers() const { return talkers_; }
    [[nodiscard]] const std::vector<DnsServerRow>& dns() const { return dns_; }
    [[nodiscard]] const std::vector<HttpServerRow>& http() const { return http_; }
    [[nodiscard]] const std::vector<ServerRow>& servers() const { return servers_; }
    [[nodiscard]] const std::vector<FindingRow>& findings() const { return findings_; }
    // The rules have reported at least once (findings so far, or final).
    [[nodiscard]] bool findings_ready() const { return findings_version_ != 0; }
    // The source ended and the findings are the final report.
    [[nodiscard]] bool findings_final() const { return findings_final_; }
    // Packets that left the list because the ring is full (or were never shown).
    [[nodiscard]] std::uint64_t evicted() const { return evicted_; }
    // Bumped whenever the list changes, so filters know to recompute.
    [[nodiscard]] std::uint64_t version() const { return version_; }

private:
    RowRing list_;
    Totals totals_;
    Rates rates_;
    std::vector<ConvRow> convs_;
    std::vector<ProtoPathRow> paths_;
    std::vector<TalkerRow> talkers_;
    std::vector<DnsServerRow> dns_;
    std::vector<HttpServerRow> http_;
    std::vector<ServerRow> servers_;
    std::vector<FindingRow> findings_;
    std::uint64_t findings_version_ = 0;
    bool findings_final_ = false;
    std::uint64_t evicted_ = 0;
    std::uint64_t version_ = 0;
    std::uint64_t cleared_at_ = 0;
    struct Sample {
        std::chrono::steady_clock::time_point t;
        std::uint64_t packets, bytes;
    };
    std::deque<Sample> samples_;
};

}  // namespace netdx::tui
