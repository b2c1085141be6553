#pragma once
// The type of each field as tshark 4.0 declares it (`tshark -G fields`): the
// filter language reads a literal according to the type of the field it is
// compared with (`ip.addr == 10.0.0.0/8`, `eth.src == 00:0c:29:...`,
// `http.request.method == GET`).
#include <cstdint>
#include <string_view>

namespace netdx::filter {

enum class FieldType : std::uint8_t {
    Unknown,
    None,      // FT_NONE: present or not (tcp.analysis.retransmission)
    Protocol,  // a protocol name alone (tcp, dns); its bytes for contains/matches/slices
    Bool,
    UInt,      // FT_UINT*, FT_FRAMENUM
    Int,
    Double,    // FT_DOUBLE, FT_RELATIVE_TIME (seconds)
    AbsTime,   // compared as the text netdx prints
    IPv4,
    IPv6,
    Ether,
    Bytes,
    String,
};

// Unknown when the name is not in the table.
FieldType field_type(std::string_view name);
std::string_view type_name(FieldType t);

}  // namespace netdx::filter
