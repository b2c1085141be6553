#pragma once
// One log type of `netdx log` (conn, dns, http, ...): it subscribes to the
// events it is made of, keeps what it needs while the capture is read, and
// gives its rows once the pipeline has ended (every flow has ended by then,
// so a row can name its flow's uid even when its event did not carry one).
// Memory is bounded: past max_rows, further rows are counted, not kept.
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "log/log_table.hpp"

namespace netdx {

class EventBus;

class TransactionLog {
public:
    static constexpr std::size_t kDefaultMaxRows = 1000000;
    explicit TransactionLog(std::size_t max_rows) : max_rows_(max_rows) {}
    virtual ~TransactionLog() = default;

    virtual void subscribe(EventBus& bus) = 0;
    [[nodiscard]] virtual const LogSchema& schema() const = 0;
    // Once the pipeline has ended: lets a log that needed every flow first
    // (conn, dns) build its rows. A second call changes nothing.
    void finish() {
        if (finished_) return;
        finished_ = true;
        build_rows();
    }
    // After finish(): the rows, in any order (the writer sorts by ts).
    [[nodiscard]] const std::vector<LogRow>& rows() const { return rows_; }

    [[nodiscard]] std::uint64_t dropped() const { return dropped_; }
    [[nodiscard]] std::size_t max_rows() const { return max_rows_; }

protected:
    // Whether one more of `kept` items may be kept (counts the ones that may
    // not). A log that keeps events to make rows at the end counts those.
    bool admit(std::size_t kept) {
        if (kept < max_rows_) return true;
        ++dropped_;
        return false;
    }
    // The same for a log that makes its rows as the events come.
    bool admit_row() { return admit(rows_.size()); }
    void add_row(LogRow r) { rows_.push_back(std::move(r)); }

    // Logs whose rows wait for the end make them here, with add_row.
    virtual void build_rows() {}

private:
    std::size_t max_rows_;
    std::uint64_t dropped_ = 0;
    bool finished_ = false;
    std::vector<LogRow> rows_;
};

// The log types, in the order `netdx log --help` lists them.
std::vector<std::string_view> log_type_names();
// Null for a name not in log_type_names().
std::unique_ptr<TransactionLog> make_transaction_log(std::string_view name, std::size_t max_rows);

}  // namespace netdx
