// FTP control channel (RFC 959) for the packet view: "Request: USER alice" /
// "Response: 530 Login incorrect." from the segment's first line, as tshark
// shows it, except that a PASS argument is never shown (the password is
// masked in the info column and the ftp.request.arg field is left out).
#include "dissectors/common.hpp"
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

// Verb and argument of a request line.
void split(std::string_view line, std::string_view& verb, std::string_view& arg) {
    const std::size_t sp = line.find(' ');
    verb = line.substr(0, sp);
    arg = sp == std::string_view::npos ? std::string_view{} : line.substr(sp + 1);
}

bool is_pass(std::string_view verb) {
    return verb.size() == 4 && (verb[0] | 0x20) == 'p' && (verb[1] | 0x20) == 'a' && (verb[2] | 0x20) == 's' &&
           (verb[3] | 0x20) == 's';
}

void ftp_info(const Packet& pkt, const Layer& l, fmt::memory_buffer& out) {
    const std::string_view line = first_line(pkt, l);
    if (!sent_to_server(pkt, Proto::Ftp)) {
        info(out, "Response: ");
        append_escaped(out, line);
        return;
    }
    std::string_view verb, arg;
    split(line, verb, arg);
    info(out, "Request: ");
    append_escaped(out, verb);
    if (line.size() > verb.size()) out.push_back(' ');
    if (is_pass(verb)) {
        const std::string masked = mask_password(arg);
        out.append(masked.data(), masked.data() + masked.size());
    } else {
        append_escaped(out, arg);
    }
}

void f_request(const FieldContext& c, FieldOut& out) { out.boolean(sent_to_server(c.pkt, Proto::Ftp)); }
void f_response(const FieldContext& c, FieldOut& out) { out.boolean(!sent_to_server(c.pkt, Proto::Ftp)); }

void f_command(const FieldContext& c, FieldOut& out) {
    if (!sent_to_server(c.pkt, Proto::Ftp)) return;
    std::string_view verb, arg;
    split(first_line(c.pkt, *c.layer), verb, arg);
    if (!verb.empty()) out.text(verb);
}
void f_arg(const FieldContext& c, FieldOut& out) {
    if (!sent_to_server(c.pkt, Proto::Ftp)) return;
    std::string_view verb, arg;
    split(first_line(c.pkt, *c.layer), verb, arg);
    if (!arg.empty() && !is_pass(verb)) out.text(arg);
}
bool reply_parts(const FieldContext& c, std::string_view& code, std::string_view& text) {
    if (sent_to_server(c.pkt, Proto::Ftp)) return false;
    const std::string_view line = first_line(c.pkt, *c.layer);
    if (line.size() < 3) return false;
    for (int i = 0; i < 3; ++i)
        if (line[static_cast<std::size_t>(i)] < '0' || line[static_cast<std::size_t>(i)] > '9') return false;
    code = line.substr(0, 3);
    text = line.size() > 4 ? line.substr(4) : std::string_view{};
    return true;
}
void f_code(const FieldContext& c, FieldOut& out) {
    std::string_view code, text;
    if (reply_parts(c, code, text)) out.raw(code);
}
void f_rsp_arg(const FieldContext& c, FieldOut& out) {
    std::string_view code, text;
    if (reply_parts(c, code, text) && !text.empty()) out.text(text);
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
