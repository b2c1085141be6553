#pragma once
// Small text helpers of the analysis' application consumers: escaped, capped
// copies of wire text for events, the upper-cased verb. What a line says is
// parsed by the line protocols' one parser (dissectors/lines/line_protocol.hpp),
// which the packet view reads too.
#include <string>
#include <string_view>

#include "dissectors/lines/line_protocol.hpp"

namespace netdx {

constexpr std::size_t kMaxEventText = 256;

// Escaped copy of at most `cap` wire bytes ("..." marks a cut).
std::string capped_text(std::string_view wire, std::size_t cap = kMaxEventText);

// A command's verb (parse_command), upper-cased (verbs are case-insensitive),
// escaped and capped for an event.
std::string upper_verb(const CommandLine& c);

bool icontains(std::string_view hay, std::string_view needle);

// Standard base64 (RFC 4648), for SMTP AUTH; false on a character outside the
// alphabet. Output is capped at `cap` bytes.
bool base64_decode(std::string_view in, std::string& out, std::size_t cap = 512);

}  // namespace netdx
