#include "log/log_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <system_error>

namespace netdx {

namespace {

// Length of a well-formed UTF-8 sequence at s[i] for a code point a terminal
// prints (U+00A0 and up: the C1 controls U+0080..U+009F are escaped), or 0.
std::size_t printable_utf8_len(std::string_view s, std::size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return 0;
    std::uint32_t cp = c & (len == 2 ? 0x1f : len == 3 ? 0x0f : 0x07);
    for (std::size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (b & 0x3f);
    }
    const bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || cp < 0xa0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return 0;
    return len;
}

void append_tsv(std::string& out, const LogValue& v) {
    std::visit(
        [&](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, Unset>) {
                out += '-';
            } else if constexpr (std::is_same_v<T, std::string>) {
                // Zeek's markers: "-" is unset, "(empty)" an empty string; a
                // value that is literally "-" is written escaped.
                if (x.empty()) out += "(empty)";
                else if (x == "-") out += "\\x2d";
                else out += log_text(x);
            } else if constexpr (std::is_same_v<T, std::uint64_t>) {
                fmt::format_to(std::back_inserter(out), "{}", x);
            } else if constexpr (std::is_same_v<T, double>) {
                fmt::format_to(std::back_inserter(out), "{:.6f}", x);
            } else if constexpr (std::is_same_v<T, bool>) {
                out += x ? 'T' : 'F';
            } else {
                if (x.empty()) out += "(empty)";
                for (std::size_t i = 0; i < x.size(); ++i) {
                    if (i) out += ',';
                    if constexpr (std::is_same_v<T, std::vector<std::string>>) out += log_text(x[i], true);
                    else fmt::format_to(std::back_inserter(out), "{:.6f}", x[i]);
                }
            }
        },
        v);
}

// Six decimals, rounded as the TSV rounds them (so both forms of a line say
// the same); the JSON library then prints the shortest form of that value.
double micro(double x) { return std::strtod(fmt::format("{:.6f}", x).c_str(), nullptr); }

nlohmann::ordered_json json_value(const LogValue& v) {
    return std::visit(
        [](const auto& x) -> nlohmann::ordered_json {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, Unset>) {
                return nullptr;
            } else if constexpr (std::is_same_v<T, std::string>) {
                return log_text(x);
            } else if constexpr (std::is_same_v<T, double>) {
                return micro(x);
            } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                nlohmann::ordered_json a = nlohmann::ordered_json::array();
                for (const std::string& s : x) a.push_back(log_text(s));
                return a;
            } else if constexpr (std::is_same_v<T, std::vector<double>>) {
                nlohmann::ordered_json a = nlohmann::ordered_json::array();
                for (double d : x) a.push_back(micro(d));
                return a;
            } else {
                return x;
            }
        },
        v);
}

// Pointers are sorted, not the rows: the log keeps its rows and the writer
// copies none of them.
std::vector<const LogRow*> sorted_rows(const std::vector<LogRow>& rows) {
    std::vector<const LogRow*> out;
    out.reserve(rows.size());
    for (const LogRow& r : rows) out.push_back(&r);
    std::stable_sort(out.begin(), out.end(), [](const LogRow* a, const LogRow* b) { return a->ts < b->ts; });
    return out;
}

void put(std::FILE* out, const std::string& line) {
    if (std::fwrite(line.data(), 1, line.size(), out) != line.size())
        throw std::system_error(errno, std::generic_category(), "write");
}

}  // namespace

std::string log_text(std::string_view s, bool set_element) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x7f && !(set_element && c == ',')) {
            out += static_cast<char>(c);
            ++i;
        } else if (const std::size_t n = c >= 0x80 ? printable_utf8_len(s, i) : 0) {
            out.append(s.substr(i, n));
            i += n;
        } else {
            fmt::format_to(std::back_inserter(out), "\\x{:02x}", c);
            ++i;
        }
    }
    return out;
}

void write_log_tsv(std::FILE* out, const LogSchema& schema, const std::vector<LogRow>& rows) {
    std::string line = "#fields";
    for (std::string_view f : schema.fields) (line += '\t') += f;
    line += '\n';
    put(out, line);
    for (const LogRow* row : sorted_rows(rows)) {
        const LogRow& r = *row;
        line.clear();
        for (std::size_t i = 0; i < r.values.size(); ++i) {
            if (i) line += '\t';
            append_tsv(line, r.values[i]);
        }
        line += '\n';
        put(out, line);
    }
}

void write_log_json(std::FILE* out, const LogSchema& schema, const std::vector<LogRow>& rows) {
    for (const LogRow* row : sorted_rows(rows)) {
        const LogRow& r = *row;
        // Keys in the schema's order (Zeek's JSON keeps the field order too).
        nlohmann::ordered_json j = nlohmann::ordered_json::object();
        for (std::size_t i = 0; i < r.values.size() && i < schema.fields.size(); ++i)
            if (!std::holds_alternative<Unset>(r.values[i])) j[std::string(schema.fields[i])] = json_value(r.values[i]);
        put(out, j.dump() + '\n');
    }
}

}  // namespace netdx
