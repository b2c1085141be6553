#include "dissectors/imf/imf_parse.hpp"

#include <fmt/format.h>
#include <gmime/gmime.h>

#include <algorithm>
#include <mutex>

#include "core/escape.hpp"

namespace netdx {

namespace {

// Escaped, at most `cap` bytes of the source ("..." marks a cut).
std::string text(const char* s, std::size_t cap = MailMessage::kTextCap) {
    if (!s) return {};
    std::string_view v(s);
    const bool cut = v.size() > cap;
    std::string out = escaped(v.substr(0, cap));
    if (cut) out += "...";
    return out;
}

// GMime keeps global tables (charsets, encodings); initialised once, never
// shut down (other threads may still parse at exit).
void init_gmime() {
    static std::once_flag once;
    std::call_once(once, [] { g_mime_init(); });
}

template <typename T>
struct GFree {
    void operator()(T* p) const { g_free(p); }
};
using GString_ = std::unique_ptr<char, GFree<char>>;

struct ParseState {
    MailMessage* out;
    bool truncated;
    void problem(MimeProblem p) {
        if (std::find(out->problems.begin(), out->problems.end(), p) == out->problems.end())
            out->problems.push_back(p);
    }
};

void on_warning(gint64, GMimeParserWarning code, const gchar*, gpointer user) {
    auto* st = static_cast<ParseState*>(user);
    switch (code) {
        case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY: st->problem(MimeProblem::MultipartWithoutBoundary); break;
        case GMIME_WARN_INVALID_CONTENT_TYPE: st->problem(MimeProblem::InvalidContentType); break;
        case GMIME_CRIT_NESTING_OVERFLOW: st->problem(MimeProblem::NestingOverflow); break;
        case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT: st->problem(MimeProblem::PartWithoutHeaders); break;
        // A message cut by our cap ends inside its multipart: not its fault.
        case GMIME_WARN_MALFORMED_MULTIPART:
            if (!st->truncated) st->problem(MimeProblem::EmptyMultipart);
            break;
        case GMIME_WARN_TRUNCATED_MESSAGE:
            if (!st->truncated) st->problem(MimeProblem::UnterminatedMultipart);
            break;
        // Duplicated headers, 8-bit headers, bad RFC 2047 words: common and
        // harmless. A first line that is no header ("Hello" sent as the whole
        // message) is a bare text, not broken MIME.
        default: break;
    }
}

void collect_addresses(InternetAddressList* list, std::vector<std::string>& into) {
    if (!list) return;
    const int n = internet_address_list_length(list);
    for (int i = 0; i < n && into.size() < MailMessage::kMaxAddresses; ++i) {
        InternetAddress* a = internet_address_list_get_address(list, i);
        if (INTERNET_ADDRESS_IS_MAILBOX(a)) {
            into.push_back(text(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)), 128));
        } else if (INTERNET_ADDRESS_IS_GROUP(a)) {
            collect_addresses(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)), into);
        }
    }
}

std::string address_text(InternetAddressList* list) {
    if (!list || internet_address_list_length(list) == 0) return {};
    GString_ s(internet_address_list_to_string(list, nullptr, FALSE));
    return text(s.get());
}

void read_headers(GMimeMessage* msg, MailMessage& out) {
    out.from = address_text(g_mime_message_get_from(msg));
    out.to = address_text(g_mime_message_get_to(msg));
    out.cc = address_text(g_mime_message_get_cc(msg));
    collect_addresses(g_mime_message_get_from(msg), out.from_addresses);
    collect_addresses(g_mime_message_get_to(msg), out.to_addresses);
    out.subject = text(g_mime_message_get_subject(msg));
    GMimeObject* obj = GMIME_OBJECT(msg);
    out.date = text(g_mime_object_get_header(obj, "Date"), 64);
    if (const char* id = g_mime_message_get_message_id(msg)) out.message_id = fmt::format("<{}>", text(id));
    GMimeHeaderList* headers = g_mime_object_get_header_list(obj);
    const int n = headers ? g_mime_header_list_get_count(headers) : 0;
    for (int i = 0; i < n; ++i) {
        const char* name = g_mime_header_get_name(g_mime_header_list_get_header_at(headers, i));
        if (name && g_ascii_strcasecmp(name, "Received") == 0) ++out.received;
    }
}

// Decoded size of a leaf's content, written to a stream that only counts.
std::uint64_t content_size(GMimePart* part) {
    GMimeDataWrapper* w = g_mime_part_get_content(part);
    if (!w) return 0;
    GMimeStream* null = g_mime_stream_null_new();
    const gint64 n = g_mime_data_wrapper_write_to_stream(w, null);
    g_object_unref(null);
    return n > 0 ? static_cast<std::uint64_t>(n) : 0;
}

// GMime stops nesting at 1024 levels; we read 64 (the stack stays small on
// any thread), and the parts past kMaxParts are only counted.
constexpr std::uint8_t kMaxDepth = 64;

void walk(GMimeObject* obj, std::uint8_t depth, ParseState& st) {
    if (!obj || depth > kMaxDepth) return;
    MailMessage& out = *st.out;
    ++out.part_count;
    const bool keep = out.parts.size() < MailMessage::kMaxParts;
    MailPart p;
    p.depth = depth;
    if (GMimeContentType* ct = g_mime_object_get_content_type(obj)) {
        GString_ mime(g_mime_content_type_get_mime_type(ct));
        p.content_type = text(mime.get(), 128);
        p.charset = text(g_mime_content_type_get_parameter(ct, "charset"), 64);
    }
    if (GMIME_IS_MULTIPART(obj)) {
        GMimeMultipart* mp = GMIME_MULTIPART(obj);
        if (!g_mime_multipart_get_boundary(mp)) st.problem(MimeProblem::MultipartWithoutBoundary);
        if (keep) out.parts.push_back(std::move(p));
        const int n = g_mime_multipart_get_count(mp);
        for (int i = 0; i < n; ++i) walk(g_mime_multipart_get_part(mp, i), static_cast<std::uint8_t>(depth + 1), st);
        return;
    }
    if (GMIME_IS_MESSAGE_PART(obj)) {
        if (keep) out.parts.push_back(std::move(p));
        GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
        if (inner) walk(g_mime_message_get_mime_part(inner), static_cast<std::uint8_t>(depth + 1), st);
        return;
    }
    if (GMIME_IS_PART(obj)) {
        if (!keep) return;
        GMimePart* part = GMIME_PART(obj);
        p.encoding = text(g_mime_content_encoding_to_string(g_mime_part_get_content_encoding(part)), 32);
        p.filename = text(g_mime_part_get_filename(part), 128);
        p.attachment = g_mime_part_is_attachment(part) || !p.filename.empty();
        p.size = content_size(part);
    }
    if (keep) out.parts.push_back(std::move(p));
}

}  // namespace

void parse_imf(std::string_view message, bool truncated, MailMessage& out) {
    init_gmime();
    ParseState st{&out, truncated};
    GMimeParserOptions* options = g_mime_parser_options_new();
    g_mime_parser_options_set_warning_callback(options, &on_warning, &st);
    GMimeStream* stream =
        g_mime_stream_mem_new_with_buffer(message.data(), message.size());
    GMimeParser* parser = g_mime_parser_new_with_stream(stream);
    g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
    GMimeMessage* msg = g_mime_parser_construct_message(parser, options);
    if (msg) {
        out.parsed = true;
        read_headers(msg, out);
        walk(g_mime_message_get_mime_part(msg), 0, st);
        // A cut message ends in its last part: only that size is a floor.
        if (truncated && !out.parts.empty() && out.parts.size() == out.part_count)
            out.parts.back().size_partial = true;
        g_object_unref(msg);
    }
    g_object_unref(parser);
    g_object_unref(stream);
    g_mime_parser_options_free(options);
}

}  // namespace netdx
