#pragma once
// What a TCP port usually carries, in the words a user knows ("file share
// (SMB)", "printer (IPP)"), for probe output; empty when unknown.
#include <cstdint>
#include <string_view>

namespace netdx {

std::string_view service_name(std::uint16_t port);

}  // namespace netdx
