#pragma once
// An e-mail message seen on the wire: sent with SMTP DATA/BDAT, or fetched
// with POP3 RETR or IMAP FETCH. The consumers collect its bytes
// (dissectors/imf/message_collector.hpp) and GMime reads its headers and MIME
// tree (dissectors/imf/imf_parse.hpp). Text is escaped and capped; bodies are
// never carried, only what they are (type, encoding, name, size).
#include <cstdint>
#include <string>
#include <vector>

#include "events/common.hpp"

namespace netdx {

enum class MailProtocol : std::uint8_t { Smtp, Pop3, Imap };

const char* mail_protocol_name(MailProtocol p);

// Something wrong with the message's MIME structure (what GMime's parser
// warns about, or what the collector saw). Caps of our own are not problems.
enum class MimeProblem : std::uint8_t {
    MultipartWithoutBoundary,
    UnterminatedMultipart,  // no closing boundary before the message ended
    EmptyMultipart,         // a multipart whose boundary never appears
    InvalidContentType,
    NestingOverflow,
    PartWithoutHeaders,
};

const char* mime_problem_name(MimeProblem p);

struct MailPart {
    std::uint8_t depth = 0;    // 0: the message itself
    std::string content_type;  // "text/plain", escaped
    std::string encoding;      // Content-Transfer-Encoding ("base64"), empty when absent
    std::string charset;
    std::string filename;      // attachments: the file name (RFC 2231 / 2047 decoded), escaped
    bool attachment = false;   // Content-Disposition attachment, or a leaf with a file name
    std::uint64_t size = 0;    // leaves: decoded bytes of the content GMime received
    bool size_partial = false; // the message was cut by the cap inside or before this part
};

struct MailMessage : EventBase {  // where/ts: the message's last byte (SMTP: the reply to it)
    MailProtocol protocol = MailProtocol::Smtp;
    const char* command = "";  // what carried it: DATA, BDAT, RETR, FETCH (server to client) or APPEND (client to server)
    IpAddress client, server;
    std::uint16_t client_port = 0, server_port = 0;
    std::uint64_t flow_id = 0;
    FrameRef first_frame, last_frame;  // the frames that carried its first and last byte
    double first_ts = 0;

    // RFC 5322 headers, RFC 2047 decoded, escaped, capped.
    std::string from, to, cc, subject, date, message_id;
    std::vector<std::string> from_addresses, to_addresses;  // addr-specs, at most kMaxAddresses each
    std::uint32_t received = 0;  // Received: headers

    std::uint64_t size = 0;       // bytes of the message (after dot-unstuffing; headers_only: RFC822.SIZE when given)
    std::uint64_t kept = 0;       // how many of them GMime read (the cap)
    bool truncated = false;       // the cap or a gap cut the message
    std::uint64_t missing = 0;    // bytes lost in gaps
    std::uint32_t cut_lines = 0;  // lines over the line reader's bound, cut

    std::vector<MailPart> parts;  // pre-order, at most kMaxParts
    std::uint32_t part_count = 0; // all parts, also those not kept
    std::vector<MimeProblem> problems;
    bool parsed = false;          // GMime read a message
    bool headers_only = false;    // IMAP FETCH BODY[HEADER...] / RFC822.HEADER: no body was sent

    // SMTP: the envelope and the server's reply to the end of the message.
    std::string mail_from;
    std::vector<std::string> rcpt_to;  // at most kMaxAddresses
    int reply_code = 0;                // 0: no reply seen
    std::string enhanced_status, reply_text;
    FrameRef reply_frame;

    static constexpr std::size_t kMaxParts = 64;
    static constexpr std::size_t kMaxAddresses = 32;
    static constexpr std::size_t kTextCap = 256;
};

}  // namespace netdx
