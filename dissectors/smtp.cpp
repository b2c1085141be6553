// SMTP (RFC 5321) for the packet view, as tshark shows it: "C: RCPT
// TO:<x@y>" for client commands (pipelined ones joined with " | "), "S: 250-a
// | b | c" for a reply (continuation lines without their code). Stateless: a
// client segment whose lines are not commands (message body, AUTH exchange)
// is shown as "C: DATA fragment, N bytes", and AUTH shows only its mechanism, so
// credentials never reach the screen. Commands and replies are read by the
// line protocols' one parser (dissectors/lines/line_protocol.hpp), the one the
// analysis (src/app/smtp.cpp) reads the stream with.
#include "core/escape.hpp"
#include "dissectors/common.hpp"
#include "dissectors/lines/line_protocol.hpp"
#include "dissectors/text_lines.hpp"

namespace netdx {

namespace {

constexpr std::size_t kMaxShown = 256;
constexpr int kMaxLines = 16;

bool to_server(const Packet& pkt) { return sent_to_server(pkt, Proto::Smtp); }

Proto decode(Cursor& c, Packet&, Layer& layer) {
    layer.length = static_cast<std::uint32_t>(c.remaining());
    return Proto::None;
}

// A client line that is an SMTP command; AUTH keeps only its mechanism,
// never an initial response.
bool command_of(std::string_view line, CommandLine& c) {
    c = parse_command(line);
    SmtpCommand cmd;
    if (!smtp_command(c, cmd)) return false;
    if (cmd == SmtpCommand::Auth) c.argument = c.argument.substr(0, c.argument.find(' '));
    return true;
}

void smtp_info(const Packet& pkt, const Layer& l, fmt::memory_buffer& out) {
    const std::string_view seg = layer_text(pkt, l);
    TextLines lines(seg);
    std::string_view line;
    int n = 0;
    if (to_server(pkt)) {
        CommandLine c;
        while (n < kMaxLines && lines.next(line)) {
            if (line.empty() && n) continue;
            if (!command_of(line, c)) {
                if (n == 0) info(out, "C: DATA fragment, {} bytes", seg.size());
                return;
            }
            if (n++) info(out, " | ");
            else info(out, "C: ");
            append_escaped(out, c.verb);
            if (!c.argument.empty()) {
                out.push_back(' ');
                append_escaped(out, c.argument.substr(0, kMaxShown));
            }
        }
        return;
    }
    // Lines continuing a multi-line reply ("250-...") lose their code; a
    // reply following a complete one keeps it.
    MultiLineReply reply(MultiLineReply::Style::Smtp);
    while (n < kMaxLines && lines.next(line)) {
        if (line.empty()) continue;
        ReplyLine r;
        const bool continued = reply.open();
        const bool is_reply = reply.line(line, &r) != MultiLineReply::Step::Malformed;
        if (n == 0) {
            info(out, "S: ");
            append_escaped(out, line.substr(0, kMaxShown));
        } else {
            info(out, " | ");
            append_escaped(out, (is_reply && continued ? r.text : line).substr(0, kMaxShown));
        }
        ++n;
    }
}

void f_req(const FieldContext& c, FieldOut& out) {
    if (to_server(c.pkt)) out.boolean(true);
}
void f_rsp(const FieldContext& c, FieldOut& out) {
    if (!to_server(c.pkt)) out.boolean(true);
}

template <bool Parameter>
void f_command(const FieldContext& ctx, FieldOut& out) {
    if (!to_server(ctx.pkt)) return;
    TextLines lines(layer_text(ctx.pkt, *ctx.layer));
    std::string_view line;
    CommandLine c;
    for (int n = 0; n < kMaxLines && lines.next(line); ++n) {
        if (!command_of(line, c)) return;
        if (!Parameter) {
            out.text(c.verb);
        } else if (!c.argument.empty()) {
            out.text(c.argument.substr(0, kMaxShown));
        }
    }
}

// The code once per reply, as tshark (a "250-" reply over three lines is one
// 250; two replies in one segment are two codes); the text of every line.
template <bool Text>
void f_reply(const FieldContext& ctx, FieldOut& out) {
    if (to_server(ctx.pkt)) return;
    TextLines lines(layer_text(ctx.pkt, *ctx.layer));
    std::string_view line;
    ReplyLine r;
    MultiLineReply reply(MultiLineReply::Style::Smtp);
    for (int n = 0; n < kMaxLines && lines.next(line); ++n) {
        if (reply.line(line, &r) == MultiLineReply::Step::Malformed) return;
        if (Text) {
            if (!r.text.empty()) out.text(r.text.substr(0, kMaxShown));
        } else if (reply.first_line()) {
            out.raw(r.code_text);
        }
    }
}

const FieldDef kFields[] = {
    {"smtp.req", "Request", f_req},
    {"smtp.rsp", "Response", f_rsp},
    {"smtp.req.command", "Command", f_command<false>},
    {"smtp.req.parameter", "Request parameter (AUTH: mechanism only)", f_command<true>},
    {"smtp.response.code", "Response code", f_reply<false>},
    {"smtp.rsp.parameter", "Response parameter", f_reply<true>},
};

}  // namespace

const DissectorDef smtp_dissector = {Proto::Smtp, "smtp", "SMTP", decode, smtp_info, kFields, {}};

}  // namespace netdx
