#pragma once
// smtp: one line per message a client sent (Zeek's smtp.log), from the
// MailMessage events of SMTP flows: the envelope, the headers, the server's
// reply to the end of the message. The HELO/EHLO name comes from the command
// transactions of the same flow, which come before the message.
#include <string>
#include <unordered_map>
#include <vector>

#include "log/transaction_log.hpp"

namespace netdx {

struct MailMessage;
struct SmtpTransaction;

class SmtpLog final : public TransactionLog {
public:
    explicit SmtpLog(std::size_t max_rows) : TransactionLog(max_rows) {}

    void subscribe(EventBus& bus) override;
    [[nodiscard]] const LogSchema& schema() const override;

    void on_message(const MailMessage& m);
    void on_command(const SmtpTransaction& t);

private:
    struct FlowState {
        std::string helo;
        std::uint64_t messages = 0;
    };
    std::unordered_map<std::uint64_t, FlowState> flows_;
};

}  // namespace netdx
