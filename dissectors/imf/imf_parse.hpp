#pragma once
// An Internet message (RFC 5322 headers, RFC 2045-2049 MIME tree) read with
// GMime 3: the headers a diagnosis needs, decoded (RFC 2047 words, RFC 2231
// parameters), and for every part its type, transfer encoding, charset,
// file name and decoded size. The bytes are a message as collected
// (dissectors/imf/message_collector.hpp), possibly cut by its cap:
// `truncated` says so, and the MIME problems a cut would cause (an open
// multipart) are then not reported.
#include <string_view>

#include "events/mail_message_events.hpp"

namespace netdx {

void parse_imf(std::string_view message, bool truncated, MailMessage& out);

}  // namespace netdx
