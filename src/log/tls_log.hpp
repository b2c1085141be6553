#pragma once
// tls: one line per TLS connection (Zeek's ssl.log), from the TlsSession the
// consumer emits when the flow ends: what the server chose, the name the
// client asked for, whether the handshake completed, the last alert.
#include <vector>

#include "log/transaction_log.hpp"

namespace netdx {

struct TlsSession;

class TlsLog final : public TransactionLog {
public:
    explicit TlsLog(std::size_t max_rows) : TransactionLog(max_rows) {}

    void subscribe(EventBus& bus) override;
    [[nodiscard]] const LogSchema& schema() const override;

    void on_tls(const TlsSession& t);

private:
};

}  // namespace netdx
