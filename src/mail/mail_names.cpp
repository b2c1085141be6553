#include "events/mail_message_events.hpp"

namespace netdx {

const char* mail_protocol_name(MailProtocol p) {
    switch (p) {
        case MailProtocol::Smtp: return "smtp";
        case MailProtocol::Pop3: return "pop3";
        case MailProtocol::Imap: return "imap";
    }
    return "?";
}

const char* mime_problem_name(MimeProblem p) {
    switch (p) {
        case MimeProblem::MultipartWithoutBoundary: return "multipart without boundary";
        case MimeProblem::UnterminatedMultipart: return "multipart not terminated";
        case MimeProblem::EmptyMultipart: return "multipart without parts";
        case MimeProblem::InvalidContentType: return "invalid content type";
        case MimeProblem::NestingOverflow: return "MIME nesting too deep";
        case MimeProblem::PartWithoutHeaders: return "part without headers or content";
    }
    return "?";
}

}  // namespace netdx
