// POP3 (RFC 1939) for the packet view, as tshark 4.0 shows it: "C: USER alice"
// for a segment sent to port 110, "S: +OK ..." for a status line from it. A
// server segment that is not a status line is part of a multi-line body
// ("S: DATA fragment, N bytes"; tshark reassembles the body and names its
// last segment by the content, which a per-packet view cannot). A PASS
// argument is never shown: the password is masked in the info column and
// pop.request.parameter is left out. Commands and status lines are read by the
// line protocols' one parser (dissectors/lines/line_protocol.hpp), the one the
// analysis (src/app/pop3.cpp) reads the stream with.
#include "core/escape.hpp"
#include "dissectors/common.hpp"
#include "dissectors/lines/line_protocol.hpp"
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

bool is_pass(std::string_view verb) { return iequals(verb, "PASS"); }

void pop_info(const Packet& pkt, const Layer& l, fmt::memory_buffer& out) {
    const std::string_view line = first_line(pkt, l);
    if (!sent_to_server(pkt, Proto::Pop3)) {
        if (parse_pop_status(line).status != PopStatus::None) {
            info(out, "S: ");
            append_escaped(out, line);
        } else {
            fmt::format_to(std::back_inserter(out), "S: DATA fragment, {} byte{}", l.length, l.length == 1 ? "" : "s");
        }
        return;
    }
    const CommandLine c = parse_command(line);
    info(out, "C: ");
    append_escaped(out, c.verb);
    if (c.has_space) out.push_back(' ');
    if (is_pass(c.verb)) {
        const std::string masked = mask_password(c.argument);
        out.append(masked.data(), masked.data() + masked.size());
    } else {
        append_escaped(out, c.argument);
    }
}

void f_command(const FieldContext& c, FieldOut& out) {
    if (!sent_to_server(c.pkt, Proto::Pop3)) return;
    const CommandLine cmd = parse_command(first_line(c.pkt, *c.layer));
    if (!cmd.verb.empty()) out.text(cmd.verb);
}
void f_parameter(const FieldContext& c, FieldOut& out) {
    if (!sent_to_server(c.pkt, Proto::Pop3)) return;
    const CommandLine cmd = parse_command(first_line(c.pkt, *c.layer));
    if (!cmd.argument.empty() && !is_pass(cmd.verb)) out.text(cmd.argument);
}
PopStatusLine status_of(const FieldContext& c) {
    if (sent_to_server(c.pkt, Proto::Pop3)) return {};
    return parse_pop_status(first_line(c.pkt, *c.layer));
}
void f_indicator(const FieldContext& c, FieldOut& out) {
    const PopStatusLine s = status_of(c);
    if (s.status != PopStatus::None) out.text(s.indicator);
}
void f_description(const FieldContext& c, FieldOut& out) {
    const PopStatusLine s = status_of(c);
    if (s.status != PopStatus::None && !s.text.empty()) out.text(s.text);
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
