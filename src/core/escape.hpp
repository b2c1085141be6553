#pragma once
// Bytes from the wire never reach a terminal or file as control sequences:
// printable ASCII passes, everything else becomes \xHH (backslash as \\).
#include <fmt/format.h>

#include <cstdint>
#include <string_view>

namespace netdx {

void append_escaped(fmt::memory_buffer& out, std::string_view bytes);
std::string escaped(std::string_view bytes);

}  // namespace netdx
