#pragma once
// http: one line per HTTP/1.x request (with its response when one came) and
// per response whose request the capture missed. The problems that stop the
// reading of a flow (a gap, a message that does not parse) are findings of
// `netdx analyze`, not transactions, and are left out.
#include <unordered_map>
#include <vector>

#include "log/transaction_log.hpp"

namespace netdx {

struct HttpTransaction;

class HttpLog final : public TransactionLog {
public:
    explicit HttpLog(std::size_t max_rows) : TransactionLog(max_rows) {}

    void subscribe(EventBus& bus) override;
    [[nodiscard]] const LogSchema& schema() const override;

    void on_http(const HttpTransaction& t);

private:
    // Transactions seen so far per flow: Zeek's trans_depth (the consumer
    // reports a flow's transactions in request order).
    std::unordered_map<std::uint64_t, std::uint64_t> depth_;
};

}  // namespace netdx
