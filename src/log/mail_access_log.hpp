#pragma once
// pop3 and imap: one line per client command and the status that answered
// it (Zeek has no log for either). Arguments are never written: they may be
// passwords (the consumers do not carry them).
#include <vector>

#include "log/transaction_log.hpp"

namespace netdx {

struct Pop3Transaction;
struct ImapTransaction;

class Pop3Log final : public TransactionLog {
public:
    explicit Pop3Log(std::size_t max_rows) : TransactionLog(max_rows) {}
    void subscribe(EventBus& bus) override;
    [[nodiscard]] const LogSchema& schema() const override;
    void on_pop3(const Pop3Transaction& t);

private:
};

class ImapLog final : public TransactionLog {
public:
    explicit ImapLog(std::size_t max_rows) : TransactionLog(max_rows) {}
    void subscribe(EventBus& bus) override;
    [[nodiscard]] const LogSchema& schema() const override;
    void on_imap(const ImapTransaction& t);

private:
};

}  // namespace netdx
