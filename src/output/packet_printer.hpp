#pragma once
// Writes decoded packets in one of the `netdx packets` formats. Output is
// buffered and written in large blocks; everything from the wire is escaped.
#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <vector>

#include "dissectors/dissector.hpp"
#include "dissectors/registry.hpp"

namespace netdx {

enum class PacketFormat { Summary, Tree, Json, Fields };

struct FieldsOptions {
    std::vector<std::string> names;
    bool header = false;
    char separator = '\t';
    char aggregator = ',';
    char occurrence = 'a';  // 'f' first, 'l' last, 'a' all
};

class PacketPrinter {
public:
    // Throws std::invalid_argument naming the first unknown field.
    PacketPrinter(PacketFormat format, FieldsOptions fields, std::FILE* out);
    ~PacketPrinter();

    void print(const Packet& pkt, const CaptureClock& clock);
    // Returns false when the output can no longer be written (e.g. a closed pipe).
    bool flush();
    [[nodiscard]] bool failed() const { return failed_; }

private:
    void summary(const Packet& pkt, const CaptureClock& clock);
    void tree(const Packet& pkt, const CaptureClock& clock);
    void json(const Packet& pkt, const CaptureClock& clock);
    void fields(const Packet& pkt, const CaptureClock& clock);
    void maybe_flush();

    PacketFormat format_;
    FieldsOptions fields_opts_;
    std::vector<const Registry::FieldRef*> field_refs_;
    std::FILE* out_;
    fmt::memory_buffer buf_;
    fmt::memory_buffer scratch_;
    fmt::memory_buffer src_, dst_;  // summary address columns, reused
    bool header_done_ = false;
    bool failed_ = false;
};

// The Protocol and Info columns, shared with the TUI.
std::string_view protocol_column(const Packet& pkt);
void append_info_column(const Packet& pkt, fmt::memory_buffer& out);
void append_address_columns(const Packet& pkt, fmt::memory_buffer& src, fmt::memory_buffer& dst);

}  // namespace netdx
