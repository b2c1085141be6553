#pragma once
// ftp: one line per FTP command and its final reply (Zeek's ftp.log logs only
// the file and data-channel commands; this logs every command, USER and PASS
// included, so a failed login is visible). PASS's argument is never written.
#include <vector>

#include "log/transaction_log.hpp"

namespace netdx {

struct FtpTransaction;

class FtpLog final : public TransactionLog {
public:
    explicit FtpLog(std::size_t max_rows) : TransactionLog(max_rows) {}

    void subscribe(EventBus& bus) override;
    [[nodiscard]] const LogSchema& schema() const override;

    void on_ftp(const FtpTransaction& t);

private:
};

}  // namespace netdx
