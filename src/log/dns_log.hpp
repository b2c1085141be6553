#pragma once
// dns: one line per DNS transaction the tracker closed (answered, unanswered,
// or a response nobody asked for), Zeek's dns.log fields netdx knows.
#include <vector>

#include "events/dns_events.hpp"
#include "log/flow_finder.hpp"
#include "log/transaction_log.hpp"

namespace netdx {

struct FlowEnded;

class DnsLog final : public TransactionLog {
public:
    explicit DnsLog(std::size_t max_rows) : TransactionLog(max_rows) {}

    void subscribe(EventBus& bus) override;
    [[nodiscard]] const LogSchema& schema() const override;

    void on_dns(const DnsTransaction& t);
    void on_flow(const FlowEnded& f);

private:
    void build_rows() override;

    std::vector<DnsTransaction> transactions_;
    FlowFinder finder_;
};

}  // namespace netdx
