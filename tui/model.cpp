#include "tui/model.hpp"

#include <algorithm>
#include <utility>

namespace netdx::tui {

void Model::absorb(Batch& b) {
    for (std::size_t i = 0; i < b.rows.size(); ++i) {
        bool dropped = false;
        PacketRow& slot = list_.push(dropped);
        if (dropped) ++evicted_;
        std::swap(slot, b.rows[i]);
    }
    if (b.rows.size() > 0) ++version_;
    totals_ = b.totals;
    if (b.tables) {
        std::swap(convs_, b.convs);
        std::swap(paths_, b.paths);
        std::swap(talkers_, b.talkers);
        std::swap(dns_, b.dns);
        std::swap(http_, b.http);
        std::swap(servers_, b.servers);
    }
    if (b.findings_version > findings_version_) {
        std::swap(findings_, b.findings);
        findings_version_ = b.findings_version;
        findings_final_ = b.findings_final;
    }
}

void Model::tick(std::chrono::steady_clock::time_point now) {
    samples_.push_back({now, totals_.packets, totals_.bytes});
    // Keep a little over one second of samples; the rate spans the oldest to now.
    while (samples_.size() > 2 && now - samples_[1].t >= std::chrono::seconds(1)) samples_.pop_front();
    const Sample& old = samples_.front();
    const double dt = std::chrono::duration<double>(now - old.t).count();
    if (dt >= 0.2) {
        rates_.pps = static_cast<double>(totals_.packets - old.packets) / dt;
        rates_.bps = static_cast<double>(totals_.bytes - old.bytes) * 8.0 / dt;
        rates_.peak_pps = std::max(rates_.peak_pps, rates_.pps);
        rates_.peak_bps = std::max(rates_.peak_bps, rates_.bps);
    }
}

}  // namespace netdx::tui
