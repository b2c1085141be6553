// FTP control channel (RFC 959) for the packet view: "Request: USER alice" /
// "Response: 530 Login incorrect." from the segment's first line, as tshark
// shows it, except that a PASS argument is never shown (the password is
// masked in the info column and the ftp.request.arg field is left out).
// Commands and replies are read by the line protocols' one parser
// (dissectors/lines/line_protocol.hpp), the one the analysis
// (src/app/ftp.cpp) reads the stream with.
#include "dissectors/common.hpp"
#include "dissectors/lines/line_protocol.hpp"
#include "dissectors/text_lines.hpp"
#include "events/login_events.hpp"
#include "core/escape.hpp"

namespace netdx {

namespace {

constexpr std::size_t kMaxShown = 256;

Proto decode(Cursor& c, Packet&, Layer& layer) {
    layer.length = static_cast<std::uint32_t>(c.remaining());
    return Proto::None;
}

std::string_view first_line(const Packet& pkt, const Layer& l) {
    std::string_view line;
    TextLines lines(layer_text(pkt, l));
    if (!lines.next(line)) return {};
    return line.substr(0, kMaxShown);
}

bool is_pass(std::string_view verb) { return iequals(verb, "PASS"); }

void ftp_info(const Packet& pkt, const Layer& l, fmt::memory_buffer& out) {
    const std::string_view line = first_line(pkt, l);
    if (!sent_to_server(pkt, Proto::Ftp)) {
        info(out, "Response: ");
        append_escaped(out, line);
        return;
    }
    const CommandLine c = parse_command(line);
    info(out, "Request: ");
    append_escaped(out, c.verb);
    if (c.has_space) out.push_back(' ');
    if (is_pass(c.verb)) {
        const std::string masked = mask_password(c.argument);
        out.append(masked.data(), masked.data() + masked.size());
    } else {
        append_escaped(out, c.argument);
    }
}

void f_request(const FieldContext& c, FieldOut& out) { out.boolean(sent_to_server(c.pkt, Proto::Ftp)); }
void f_response(const FieldContext& c, FieldOut& out) { out.boolean(!sent_to_server(c.pkt, Proto::Ftp)); }

void f_command(const FieldContext& c, FieldOut& out) {
    if (!sent_to_server(c.pkt, Proto::Ftp)) return;
    const CommandLine cmd = parse_command(first_line(c.pkt, *c.layer));
    if (!cmd.verb.empty()) out.text(cmd.verb);
}
void f_arg(const FieldContext& c, FieldOut& out) {
    if (!sent_to_server(c.pkt, Proto::Ftp)) return;
    const CommandLine cmd = parse_command(first_line(c.pkt, *c.layer));
    if (!cmd.argument.empty() && !is_pass(cmd.verb)) out.text(cmd.argument);
}
bool reply_parts(const FieldContext& c, ReplyLine& r) {
    return !sent_to_server(c.pkt, Proto::Ftp) && parse_reply_line(first_line(c.pkt, *c.layer), r);
}
void f_code(const FieldContext& c, FieldOut& out) {
    ReplyLine r;
    if (reply_parts(c, r)) out.raw(r.code_text);
}
void f_rsp_arg(const FieldContext& c, FieldOut& out) {
    ReplyLine r;
    if (reply_parts(c, r) && !r.text.empty()) out.text(r.text);
}

const FieldDef kFields[] = {
    {"ftp.request", "Request", f_request},
    {"ftp.response", "Response", f_response},
    {"ftp.request.command", "Request command", f_command},
    {"ftp.request.arg", "Request arg (never for PASS)", f_arg},
    {"ftp.response.code", "Response code", f_code},
    {"ftp.response.arg", "Response arg", f_rsp_arg},
};

}  // namespace

const DissectorDef ftp_dissector = {Proto::Ftp, "ftp", "FTP", decode, ftp_info, kFields, {}};

}  // namespace netdx
