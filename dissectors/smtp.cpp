// SMTP (RFC 5321) for the packet view, as tshark shows it: "C: RCPT
// TO:<x@y>" for client commands (pipelined ones joined with " | "), "S: 250-a
// | b | c" for a reply (continuation lines without their code). Stateless: a
// client segment whose lines are not commands (message body, AUTH exchange)
// is shown as "C: DATA fragment, N bytes", and AUTH shows only its mechanism, so
// credentials never reach the screen.
#include "core/escape.hpp"
#include "dissectors/common.hpp"
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

bool iequal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
    return true;
}

// RFC 5321/3207/4954/3030 verbs: a client line starting with anything else is
// not a command.
bool is_command(std::string_view verb) {
    static constexpr std::string_view kVerbs[] = {"HELO", "EHLO", "MAIL", "RCPT", "DATA", "BDAT", "RSET", "QUIT",
                                                  "NOOP", "VRFY", "EXPN", "HELP", "STARTTLS", "AUTH", "ETRN"};
    for (std::string_view v : kVerbs)
        if (iequal(verb, v)) return true;
    return false;
}

struct Command {
    std::string_view verb, parameter;
};

bool command_of(std::string_view line, Command& c) {
    const std::size_t sp = line.find(' ');
    c.verb = line.substr(0, sp);
    c.parameter = sp == std::string_view::npos ? std::string_view{} : line.substr(sp + 1);
    if (!is_command(c.verb)) return false;
    // AUTH: the mechanism only, never an initial response.
    if (iequal(c.verb, "AUTH")) c.parameter = c.parameter.substr(0, c.parameter.find(' '));
    return true;
}

bool reply_of(std::string_view line, std::string_view& code, std::string_view& text) {
    if (line.size() < 3) return false;
    for (std::size_t i = 0; i < 3; ++i)
        if (line[i] < '0' || line[i] > '9') return false;
    if (line.size() > 3 && line[3] != ' ' && line[3] != '-') return false;
    code = line.substr(0, 3);
    text = line.size() > 4 ? line.substr(4) : std::string_view{};
    return true;
}

void smtp_info(const Packet& pkt, const Layer& l, fmt::memory_buffer& out) {
    const std::string_view seg = layer_text(pkt, l);
    TextLines lines(seg);
    std::string_view line;
    int n = 0;
    if (to_server(pkt)) {
        Command c;
        while (n < kMaxLines && lines.next(line)) {
            if (line.empty() && n) continue;
            if (!command_of(line, c)) {
                if (n == 0) info(out, "C: DATA fragment, {} bytes", seg.size());
                return;
            }
            if (n++) info(out, " | ");
            else info(out, "C: ");
            append_escaped(out, c.verb);
            if (!c.parameter.empty()) {
                out.push_back(' ');
                append_escaped(out, c.parameter.substr(0, kMaxShown));
            }
        }
        return;
    }
    // Lines continuing a multi-line reply ("250-...") lose their code; a
    // reply following a complete one keeps it.
    bool continued = false;
    while (n < kMaxLines && lines.next(line)) {
        if (line.empty()) continue;
        std::string_view code, text;
        const bool is_reply = reply_of(line, code, text);
        if (n == 0) {
            info(out, "S: ");
            append_escaped(out, line.substr(0, kMaxShown));
        } else {
            info(out, " | ");
            append_escaped(out, (is_reply && continued ? text : line).substr(0, kMaxShown));
        }
        continued = is_reply && line.size() > 3 && line[3] == '-';
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
    Command c;
    for (int n = 0; n < kMaxLines && lines.next(line); ++n) {
        if (!command_of(line, c)) return;
        if (!Parameter) {
            out.text(c.verb);
        } else if (!c.parameter.empty()) {
            out.text(c.parameter.substr(0, kMaxShown));
        }
    }
}

template <bool Text>
void f_reply(const FieldContext& ctx, FieldOut& out) {
    if (to_server(ctx.pkt)) return;
    TextLines lines(layer_text(ctx.pkt, *ctx.layer));
    std::string_view line, code, text;
    for (int n = 0; n < kMaxLines && lines.next(line); ++n) {
        if (!reply_of(line, code, text)) return;
        if (Text) {
            if (!text.empty()) out.text(text.substr(0, kMaxShown));
        } else if (n == 0) {
            out.raw(code);
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
