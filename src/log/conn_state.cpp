#include "log/conn_state.hpp"

namespace netdx {

std::string_view conn_state(std::uint8_t ip_proto, std::string_view history, std::uint64_t resp_packets) {
    if (ip_proto != 6) return resp_packets ? "SF" : "S0";
    const auto has = [&](char c) { return history.find(c) != std::string_view::npos; };
    const bool syn = has('S'), synack = has('h');
    const bool orig_fin = has('F'), resp_fin = has('f');
    const std::size_t orig_rst = history.find('R'), resp_rst = history.find('r');
    const bool rst = orig_rst != std::string_view::npos || resp_rst != std::string_view::npos;
    // The side that reset first (the other side's RST may answer it).
    const bool orig_reset_first = orig_rst < resp_rst;
    if (syn && !synack) {
        if (resp_rst != std::string_view::npos) return "REJ";
        if (orig_rst != std::string_view::npos) return "RSTOS0";
        if (orig_fin) return "SH";
        return "S0";
    }
    if (!syn && synack) {
        if (resp_rst != std::string_view::npos) return "RSTRH";
        if (resp_fin) return "SHR";
        return "OTH";
    }
    if (!syn) return "OTH";
    if (rst) return orig_reset_first ? "RSTO" : "RSTR";
    if (orig_fin && resp_fin) return "SF";
    if (orig_fin) return "S2";
    if (resp_fin) return "S3";
    return "S1";
}

}  // namespace netdx
