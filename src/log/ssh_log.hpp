#pragma once
// ssh: one line per SSH connection (Zeek's ssh.log), from the SshSession the
// consumer emits when the flow ends: both identification strings and the
// algorithms RFC 4253 negotiation picks from the two KEXINITs. Whether the
// user authenticated is encrypted, so auth_success is not written.
#include <vector>

#include "log/transaction_log.hpp"

namespace netdx {

struct SshSession;

class SshLog final : public TransactionLog {
public:
    explicit SshLog(std::size_t max_rows) : TransactionLog(max_rows) {}

    void subscribe(EventBus& bus) override;
    [[nodiscard]] const LogSchema& schema() const override;

    void on_ssh(const SshSession& s);

private:
};

}  // namespace netdx
