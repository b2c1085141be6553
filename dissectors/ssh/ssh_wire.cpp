#include "dissectors/ssh/ssh_wire.hpp"

namespace netdx {

const char* ssh_header_problem(std::uint32_t packet_length, std::uint8_t padding_length) {
    if (packet_length > kSshMaxPacket) return "packet_length above 35000";
    if (padding_length < 4 || packet_length < std::uint32_t{padding_length} + 2)
        return "padding_length does not fit the packet";
    return nullptr;
}

SshIdent parse_ssh_ident(std::string_view line) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    SshIdent id;
    id.line = line;
    const std::string_view v = line.substr(4);
    const std::size_t dash = v.find('-');
    id.proto_version = v.substr(0, dash);
    if (dash != std::string_view::npos) id.software = v.substr(dash + 1);
    return id;
}

}  // namespace netdx
