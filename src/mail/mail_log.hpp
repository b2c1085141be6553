#pragma once
// `netdx mail`: the messages the analysis saw (MailMessage events from the
// SMTP, POP3 and IMAP consumers), kept in capture order up to a bound, and
// written as a text list or one JSON object per message. Event text is
// escaped already; addresses are formatted here.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <vector>

#include "events/event_bus.hpp"
#include "events/mail_message_events.hpp"

namespace netdx {

class MailLog {
public:
    static constexpr std::size_t kDefaultMaxMessages = 20000;
    explicit MailLog(std::size_t max_messages = kDefaultMaxMessages) : max_(max_messages) {}

    void subscribe(EventBus& bus) { bus.subscribe<&MailLog::on_message>(this); }
    void on_message(const MailMessage& m);

    // Capture order: by the frame that ended each message.
    [[nodiscard]] std::vector<const MailMessage*> in_order() const;
    [[nodiscard]] std::uint64_t dropped() const { return dropped_; }
    [[nodiscard]] std::size_t max_messages() const { return max_; }

private:
    std::vector<MailMessage> messages_;
    std::size_t max_;
    std::uint64_t dropped_ = 0;
};

nlohmann::json mail_json(const MailMessage& m);
void write_mail_text(std::FILE* out, const MailLog& log);
void write_mail_json(std::FILE* out, const MailLog& log);

}  // namespace netdx
