#pragma once
// Field values several logs write the same way: Zeek's connection id
// (id.orig_h, id.orig_p, id.resp_h, id.resp_p) and the transport name.
#include <cstdint>
#include <vector>

#include "core/packet.hpp"
#include "events/app_flow_fields.hpp"
#include "log/log_table.hpp"

namespace netdx {

// Appends the four id.* values; ports are unset for ICMP, whose flow key
// holds an echo identifier or type, not Zeek's type/code pair.
void append_conn_id(std::vector<LogValue>& row, std::uint8_t ip_proto, const IpAddress& orig, std::uint16_t orig_port,
                    const IpAddress& resp, std::uint16_t resp_port);
// "tcp", "udp", "icmp"; unset for the rest.
LogValue transport_value(std::uint8_t ip_proto);
// Appends the text, or unset when it is empty (not sent, not answered).
void append_text(std::vector<LogValue>& row, const std::string& s);
// Appends the address as tshark prints it, or unset when absent (family 0).
void append_address(std::vector<LogValue>& row, const IpAddress& a);
// A row of a TCP application's log started with what such logs begin with:
// ts, uid and the four id.* fields (events inheriting AppFlowFields).
LogRow tcp_log_row(double ts, const AppFlowFields& f);

}  // namespace netdx
