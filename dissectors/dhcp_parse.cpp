#include "dissectors/dhcp_parse.hpp"

namespace netdx::dhcp {

const char* check_option(std::uint8_t code, const std::uint8_t* data, std::uint8_t len) {
    switch (code) {
        case 53: return len == 1 ? nullptr : "DHCP message type option is not 1 byte";
        case 52:
            if (len != 1) return "DHCP option overload is not 1 byte";
            return data[0] >= 1 && data[0] <= 3 ? nullptr : "DHCP option overload value not 1, 2 or 3";
        case 1: case 50: case 54: case 28:
            return len == 4 ? nullptr : "DHCP address option is not 4 bytes";
        case 51: case 58: case 59:
            return len == 4 ? nullptr : "DHCP time option is not 4 bytes";
        case 3: case 6: case 4: case 42: case 44:
            return len >= 4 && len % 4 == 0 ? nullptr : "DHCP address list option not a multiple of 4 bytes";
        case 57: return len == 2 ? nullptr : "DHCP maximum message size option is not 2 bytes";
        case 61: return len >= 2 ? nullptr : "DHCP client identifier option shorter than 2 bytes";
        case 82: {  // relay agent information: sub-options fill it exactly (RFC 3046 2.0)
            std::size_t p = 0;
            while (p < len) {
                if (p + 2 > len || p + 2u + data[p + 1] > len) return "DHCP relay agent sub-option runs past its option";
                p += 2u + data[p + 1];
            }
            return nullptr;
        }
        default: return nullptr;
    }
}

const char* message_type_name(std::uint8_t type) {
    static const char* const kNames[] = {
        nullptr, "Discover", "Offer", "Request", "Decline", "ACK", "NAK", "Release", "Inform",
        "Force Renew", "Lease query", "Lease Unassigned", "Lease Unknown", "Lease Active",
        "Bulk Lease Query", "Lease Query Done", "Active LeaseQuery", "Lease Query Status", "TLS"};
    return type < sizeof kNames / sizeof kNames[0] ? kNames[type] : nullptr;
}

}  // namespace netdx::dhcp
