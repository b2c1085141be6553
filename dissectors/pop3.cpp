// POP3 (RFC 1939) for the packet view, as tshark 4.0 shows it: "C: USER alice"
// for a segment sent to port 110, "S: +OK ..." for a status line from it. A
// server segment that is not a status line is part of a multi-line body
// ("S: DATA fragment, N bytes"; tshark reassembles the body and names its
// last segment by the content, which a per-packet view cannot). A PASS
// argument is never shown: the password is masked in the info column and
// pop.request.parameter is left out.
#include "core/escape.hpp"
#include "dissectors/common.hpp"
#include "dissectors/text_lines.hpp"
#include "events/login_events.hpp"

namespace netdx {

namespace {

constexpr std::size_t kMaxShown = 1024;

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

void split(std::string_view line, std::string_view& verb, std::string_view& arg) {
    const std::size_t sp = line.find(' ');
    verb = line.substr(0, sp);
    arg = sp == std::string_view::npos ? std::string_view{} : line.substr(sp + 1);
}

bool is_pass(std::string_view verb) {
    return verb.size() == 4 && (verb[0] | 0x20) == 'p' && (verb[1] | 0x20) == 'a' && (verb[2] | 0x20) == 's' &&
           (verb[3] | 0x20) == 's';
}

// "+OK" / "-ERR" and the text after it; false for a body line.
bool status_parts(std::string_view line, std::string_view& indicator, std::string_view& text) {
    std::size_t n = 0;
    if (line.substr(0, 3) == "+OK") n = 3;
    else if (line.substr(0, 4) == "-ERR") n = 4;
    else return false;
    if (line.size() > n && line[n] != ' ') return false;
    indicator = line.substr(0, n);
    text = line.size() > n + 1 ? line.substr(n + 1) : std::string_view{};
    return true;
}

void pop_info(const Packet& pkt, const Layer& l, fmt::memory_buffer& out) {
    const std::string_view line = first_line(pkt, l);
    if (!sent_to_server(pkt, Proto::Pop3)) {
        std::string_view ind, text;
        if (status_parts(line, ind, text)) {
            info(out, "S: ");
            append_escaped(out, line);
        } else {
            fmt::format_to(std::back_inserter(out), "S: DATA fragment, {} byte{}", l.length, l.length == 1 ? "" : "s");
        }
        return;
    }
    std::string_view verb, arg;
    split(line, verb, arg);
    info(out, "C: ");
    append_escaped(out, verb);
    if (line.size() > verb.size()) out.push_back(' ');
    if (is_pass(verb)) {
        const std::string masked = mask_password(arg);
        out.append(masked.data(), masked.data() + masked.size());
    } else {
        append_escaped(out, arg);
    }
}

void f_command(const FieldContext& c, FieldOut& out) {
    if (!sent_to_server(c.pkt, Proto::Pop3)) return;
    std::string_view verb, arg;
    split(first_line(c.pkt, *c.layer), verb, arg);
    if (!verb.empty()) out.text(verb);
}
void f_parameter(const FieldContext& c, FieldOut& out) {
    if (!sent_to_server(c.pkt, Proto::Pop3)) return;
    std::string_view verb, arg;
    split(first_line(c.pkt, *c.layer), verb, arg);
    if (!arg.empty() && !is_pass(verb)) out.text(arg);
}
void f_indicator(const FieldContext& c, FieldOut& out) {
    std::string_view ind, text;
    if (!sent_to_server(c.pkt, Proto::Pop3) && status_parts(first_line(c.pkt, *c.layer), ind, text)) out.text(ind);
}
void f_description(const FieldContext& c, FieldOut& out) {
    std::string_view ind, text;
    if (!sent_to_server(c.pkt, Proto::Pop3) && status_parts(first_line(c.pkt, *c.layer), ind, text) && !text.empty())
        out.text(text);
}

const FieldDef kFields[] = {
    {"pop.request.command", "Request command", f_command},
    {"pop.request.parameter", "Request parameter (never for PASS)", f_parameter},
    {"pop.response.indicator", "Response indicator", f_indicator},
    {"pop.response.description", "Response description", f_description},
};

}  // namespace

const DissectorDef pop3_dissector = {Proto::Pop3, "pop", "POP", decode, pop_info, kFields, {}};

}  // namespace netdx
