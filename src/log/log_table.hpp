#pragma once
// The shape every transaction log shares: a fixed list of field names (Zeek's
// where Zeek has the field) and rows of values in that order. A value may be
// unset (Zeek's "-": netdx does not know it), never made up. Rows are written
// as TSV under one "#fields" header line, or as one JSON object per line.
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace netdx {

struct Unset {};
// Times and intervals are doubles (seconds, six decimals as Zeek writes them).
using LogValue = std::variant<Unset, std::string, std::uint64_t, double, bool, std::vector<std::string>,
                              std::vector<double>>;

struct LogRow {
    double ts = 0;  // the order rows are written in
    std::vector<LogValue> values;  // one per field of the log's schema
};

struct LogSchema {
    std::string_view name;  // "conn", "dns", ...
    std::span<const std::string_view> fields;
};

// Wire text made safe for a terminal and for one TSV column: control bytes,
// DEL and bytes that are not printable UTF-8 become \xNN. Event text arrives
// escaped already (backslash as \\), so a backslash passes as it is. In a TSV
// set element the separator ',' is escaped too (Zeek's rule).
std::string log_text(std::string_view s, bool set_element = false);

// Writes the header line (TSV only) and every row; rows are sorted by ts
// (stable, so events of one time keep the order they came in).
void write_log_tsv(std::FILE* out, const LogSchema& schema, const std::vector<LogRow>& rows);
void write_log_json(std::FILE* out, const LogSchema& schema, const std::vector<LogRow>& rows);

}  // namespace netdx
