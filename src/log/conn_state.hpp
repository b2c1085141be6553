#pragma once
// Zeek's conn_state, read from the flow's history letters the way Zeek reads
// its own (originator upper case, responder lower case): S0 attempt with no
// reply, REJ rejected, S1 up, SF up and closed by both, S2/S3 closed by one
// side only, RSTO/RSTR reset by the originator/responder, RSTOS0 and SH an
// attempt the originator reset or closed, RSTRH/SHR a responder that answered
// a SYN netdx did not see, OTH no handshake in the capture. UDP and ICMP: S0
// one-way, SF both ways.
#include <cstdint>
#include <string_view>

namespace netdx {

std::string_view conn_state(std::uint8_t ip_proto, std::string_view history, std::uint64_t resp_packets);

}  // namespace netdx
