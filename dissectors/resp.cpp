// Redis (RESP) for the packet view, as tshark 4.0's RESP dissector shows it:
// every value of the frame's bytes (one segment, or the values the stream
// reassembly completed on it: src/output/stream_pdus.cpp), read by the
// shared RespReader (dissectors/redis/resp_stream.hpp). Info column
// "Request: SET k v" / "Response: OK", "Error: ...", "Array(3)",
// "BulkString(N)" for long bulk strings. tshark 4.0 knows RESP2 only; RESP3
// values are shown here with netdx.resp.* fields, and inline commands
// (which tshark shows as "[fragment]") as their text.
#include "core/escape.hpp"
#include "dissectors/common.hpp"
#include "dissectors/redis/resp_stream.hpp"
#include "dissectors/text_lines.hpp"

namespace netdx {

namespace {

constexpr std::int64_t kShowMax = 100;  // tshark's BULK_STRING_MAX_DISPLAY

Proto decode(Cursor& c, Packet&, Layer& layer) {
    layer.length = static_cast<std::uint32_t>(c.remaining());
    return Proto::None;
}

bool is_request(const Packet& pkt) { return sent_to_server(pkt, Proto::Resp); }

// Runs `f(item, bytes)` on every element of the layer's values.
template <typename F>
RespAnomaly walk(const Packet& pkt, const Layer& l, F&& f) {
    struct Ev final : RespEvents {
        F& f;
        std::string_view bytes;
        RespAnomaly bad = RespAnomaly::None;
        Ev(F& fn, std::string_view b) : f(fn), bytes(b) {}
        void item(const RespItem& it) override { f(it, bytes); }
        void malformed(RespAnomaly why) override { bad = why; }
    };
    const std::string_view bytes = layer_text(pkt, l);
    Ev ev(f, bytes);
    RespReader r(is_request(pkt));
    r.feed(bytes, ev);
    return ev.bad;
}

// A bulk string's bytes when all of them are in the layer.
std::string_view body_of(const RespItem& it, std::string_view bytes) {
    if (it.n < 0 || it.end > bytes.size() || it.end < static_cast<std::size_t>(it.n) + 2) return {};
    return bytes.substr(it.end - 2 - static_cast<std::size_t>(it.n), static_cast<std::size_t>(it.n));
}

bool printable(std::string_view s) {
    for (char ch : s)
        if (static_cast<unsigned char>(ch) >= 0x80) return false;
    return true;
}

void resp_info(const Packet& pkt, const Layer& l, fmt::memory_buffer& out) {
    const bool request = is_request(pkt);
    out.append(request ? std::string_view("Request:") : std::string_view("Response:"));
    walk(pkt, l, [&](const RespItem& it, std::string_view bytes) {
        const auto word = [&](std::string_view s) {
            out.push_back(' ');
            append_escaped(out, s);
        };
        if (it.type == 'i') return word(it.text);
        const bool shown_depth = request ? it.depth == 1 : it.depth == 0;
        if (it.type == '-') {
            out.append(std::string_view(" Error: "));
            append_escaped(out, it.text);
            return;
        }
        if (!shown_depth) return;
        switch (it.type) {
            case '+': case ':': case ',': case '#': case '(': return word(it.text);
            case '$': case '=': case '!': {
                if (it.n < 0) return;
                const std::string_view body = body_of(it, bytes);
                if (it.n < kShowMax && printable(body) && body.size() == static_cast<std::size_t>(it.n)) return word(body);
                return info(out, " BulkString({})", it.n);
            }
            case '*': case '~': case '%': case '>':
                if (!request) info(out, " Array({})", it.n);
                return;
            case '_': return word("Null");
            default: return;
        }
    });
}

template <char Type>
void f_text(const FieldContext& c, FieldOut& out) {
    walk(c.pkt, *c.layer, [&](const RespItem& it, std::string_view) {
        if (it.type == Type) out.text(it.text);
    });
}

void f_integer(const FieldContext& c, FieldOut& out) {
    walk(c.pkt, *c.layer, [&](const RespItem& it, std::string_view) {
        if (it.type == ':') out.sint(it.n);
    });
}

void f_bulk_length(const FieldContext& c, FieldOut& out) {
    walk(c.pkt, *c.layer, [&](const RespItem& it, std::string_view) {
        if (it.type == '$') out.sint(it.n);
    });
}

void f_bulk_value(const FieldContext& c, FieldOut& out) {
    walk(c.pkt, *c.layer, [&](const RespItem& it, std::string_view bytes) {
        if (it.type != '$' || it.n <= 0) return;
        const std::string_view body = body_of(it, bytes);
        if (body.empty()) return;
        fmt::memory_buffer hex;
        for (unsigned char ch : body) fmt::format_to(fmt::appender(hex), "{:02x}", ch);
        out.raw(std::string_view(hex.data(), hex.size()));
    });
}

void f_array_length(const FieldContext& c, FieldOut& out) {
    walk(c.pkt, *c.layer, [&](const RespItem& it, std::string_view) {
        if (it.type == '*') out.sint(it.n);
    });
}

// netdx's own: the command of each request (first word, as sent), and each
// value's RESP type as a character, RESP3 ones included.
void f_command(const FieldContext& c, FieldOut& out) {
    if (!is_request(c.pkt)) return;
    bool first = false;
    walk(c.pkt, *c.layer, [&](const RespItem& it, std::string_view bytes) {
        if (it.type == 'i') {
            RespSummary s;
            s.add(it);
            if (s.argc) out.text(s.args[0]);
            return;
        }
        if (it.depth == 0) first = it.type == '*';
        else if (it.depth == 1 && first && it.type == '$') {
            first = false;
            out.text(body_of(it, bytes).substr(0, 64));
        }
    });
}

void f_type(const FieldContext& c, FieldOut& out) {
    walk(c.pkt, *c.layer, [&](const RespItem& it, std::string_view) {
        if (it.depth == 0) out.text(std::string_view(&it.type, 1));
    });
}

void f_anomaly(const FieldContext& c, FieldOut& out) {
    const RespAnomaly a = walk(c.pkt, *c.layer, [](const RespItem&, std::string_view) {});
    if (a != RespAnomaly::None) out.raw(resp_anomaly_name(a));
}

const FieldDef kFields[] = {
    {"resp.string", "String", f_text<'+'>},
    {"resp.error", "Error", f_text<'-'>},
    {"resp.integer", "Integer", f_integer},
    {"resp.bulk_string.length", "Bulk String Length", f_bulk_length},
    {"resp.bulk_string.value", "Bulk String Value", f_bulk_value},
    {"resp.array.length", "Array Length", f_array_length},
    {"netdx.resp.command", "Command (first word of each request, inline ones too)", f_command},
    {"netdx.resp.type", "Type of each top-level value (RESP2/RESP3 type byte, i: inline)", f_type},
    {"netdx.resp.anomaly", "Parse anomaly", f_anomaly},
};

}  // namespace

const DissectorDef resp_dissector = {Proto::Resp, "resp", "RESP", decode, resp_info, kFields, {}};

}  // namespace netdx
