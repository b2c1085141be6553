// IMAP (RFC 9051 / 3501) for the packet view, as tshark 4.0 shows it:
// "Request: a1 LOGIN ..." for a segment sent to port 143, "Response: ..."
// from it, naming the segment's last line (tshark writes the column once per
// line). Segments inside a literal (a FETCHed message) are shown the same
// way; tshark hands those to its mail dissector. The password of a LOGIN is
// masked in the info column and no field carries it. Words are read by the
// line protocols' one parser (dissectors/lines/line_protocol.hpp), the one the
// analysis (src/app/imap.cpp) reads the stream with.
#include "core/escape.hpp"
#include "dissectors/common.hpp"
#include "dissectors/lines/line_protocol.hpp"
#include "dissectors/text_lines.hpp"
#include "events/login_events.hpp"

namespace netdx {

namespace {

constexpr std::size_t kMaxShown = 1024;  // IMAP greetings list every capability on one line
constexpr std::size_t kMaxLines = 256;  // a segment holds a few dozen at most; the bound keeps the walk short

Proto decode(Cursor& c, Packet&, Layer& layer) {
    layer.length = static_cast<std::uint32_t>(c.remaining());
    return Proto::None;
}

std::string_view first_line(const Packet& pkt, const Layer& l) {
    std::string_view line;
    TextLines lines(layer_text(pkt, l));
    if (!lines.next(line)) return {};
    return line;
}

std::string_view last_line(const Packet& pkt, const Layer& l) {
    std::string_view line, last;
    TextLines lines(layer_text(pkt, l));
    for (std::size_t n = 0; n < kMaxLines && lines.next(line); ++n) last = line;
    return last;
}

std::string_view word(std::string_view& s) { return imap_next_word(s); }

bool is_login(std::string_view verb) { return iequals(verb, "LOGIN"); }

// "tag LOGIN user password": everything up to the password, and the password
// without its quotes; false for any other line.
bool login_parts(std::string_view line, std::string_view& shown, std::string_view& password) {
    std::string_view rest = line;
    word(rest);
    if (!is_login(word(rest))) return false;
    word(rest);
    shown = line.substr(0, line.size() - rest.size());
    password = word(rest);
    if (password.size() >= 2 && password.front() == '"' && password.back() == '"')
        password = password.substr(1, password.size() - 2);
    return !password.empty();
}

void imap_info(const Packet& pkt, const Layer& l, fmt::memory_buffer& out) {
    const std::string_view line = last_line(pkt, l).substr(0, kMaxShown);
    const bool request = sent_to_server(pkt, Proto::Imap);
    if (request) info(out, "Request: ");
    else info(out, "Response: ");
    std::string_view shown, password;
    if (request && login_parts(line, shown, password)) {
        append_escaped(out, shown);
        out.push_back(' ');
        const std::string masked = mask_password(password);
        out.append(masked.data(), masked.data() + masked.size());
        return;
    }
    append_escaped(out, line);
}

void f_isrequest(const FieldContext& c, FieldOut& out) { out.boolean(sent_to_server(c.pkt, Proto::Imap)); }

void f_request_tag(const FieldContext& c, FieldOut& out) {
    if (!sent_to_server(c.pkt, Proto::Imap)) return;
    std::string_view rest = first_line(c.pkt, *c.layer);
    const std::string_view tag = word(rest);
    if (!tag.empty()) out.text(tag);
}
void f_request_command(const FieldContext& c, FieldOut& out) {
    if (!sent_to_server(c.pkt, Proto::Imap)) return;
    std::string_view rest = first_line(c.pkt, *c.layer);
    word(rest);
    const std::string_view cmd = word(rest);
    if (!cmd.empty()) out.text(cmd);
}
void f_username(const FieldContext& c, FieldOut& out) {
    if (!sent_to_server(c.pkt, Proto::Imap)) return;
    std::string_view rest = first_line(c.pkt, *c.layer);
    word(rest);
    if (!is_login(word(rest))) return;
    const std::string_view user = word(rest);
    if (!user.empty()) out.text(user);
}

// The first tagged line of a response: its tag and status. A literal begun
// in the segment ("* 1 FETCH (BODY[] {342}") is passed over by its byte
// count, so no line of a fetched message is taken for a tagged line; the
// line goes on after it.
bool tagged(const FieldContext& c, std::string_view& tag, std::string_view& status) {
    if (sent_to_server(c.pkt, Proto::Imap)) return false;
    std::string_view line;
    TextLines lines(layer_text(c.pkt, *c.layer));
    bool continued = false;  // this line continues a message after a literal
    for (std::size_t n = 0; n < kMaxLines && lines.next(line); ++n) {
        std::string_view rest = line;
        std::uint64_t literal = 0;
        const bool more = imap_trailing_literal(rest, literal);
        const bool starts = !continued;
        continued = more;
        if (more) lines.skip(literal);
        if (!starts) continue;
        tag = word(rest);
        if (!imap_is_tag(tag)) continue;
        status = word(rest);
        return true;
    }
    return false;
}
void f_response_tag(const FieldContext& c, FieldOut& out) {
    std::string_view tag, status;
    if (tagged(c, tag, status)) out.text(tag);
}
void f_response_status(const FieldContext& c, FieldOut& out) {
    std::string_view tag, status;
    if (tagged(c, tag, status) && !status.empty()) out.text(status);
}

const FieldDef kFields[] = {
    {"imap.isrequest", "Request", f_isrequest},
    {"imap.request_tag", "Request Tag", f_request_tag},
    {"imap.request.command", "Request Command", f_request_command},
    {"imap.request.username", "Request Username (LOGIN)", f_username},
    {"imap.response_tag", "Response Tag", f_response_tag},
    {"imap.response.status", "Response Status", f_response_status},
};

}  // namespace

const DissectorDef imap_dissector = {Proto::Imap, "imap", "IMAP", decode, imap_info, kFields, {}};

}  // namespace netdx
