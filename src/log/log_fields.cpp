#include "log/log_fields.hpp"

#include "core/format_addr.hpp"
#include "log/flow_uid.hpp"

namespace netdx {

namespace {
std::string ip_text(const IpAddress& a) {
    fmt::memory_buffer b;
    append_ip(b, a);
    return fmt::to_string(b);
}
bool icmp(std::uint8_t ip_proto) { return ip_proto == 1 || ip_proto == 58; }
}  // namespace

void append_conn_id(std::vector<LogValue>& row, std::uint8_t ip_proto, const IpAddress& orig, std::uint16_t orig_port,
                    const IpAddress& resp, std::uint16_t resp_port) {
    row.emplace_back(ip_text(orig));
    if (icmp(ip_proto)) row.emplace_back(Unset{});
    else row.emplace_back(std::uint64_t{orig_port});
    row.emplace_back(ip_text(resp));
    if (icmp(ip_proto)) row.emplace_back(Unset{});
    else row.emplace_back(std::uint64_t{resp_port});
}

void append_text(std::vector<LogValue>& row, const std::string& s) {
    if (s.empty()) row.emplace_back(Unset{});
    else row.emplace_back(s);
}

void append_address(std::vector<LogValue>& row, const IpAddress& a) {
    if (a.family == 0) row.emplace_back(Unset{});
    else row.emplace_back(ip_text(a));
}

LogRow tcp_log_row(double ts, const AppFlowFields& f) {
    LogRow r;
    r.ts = ts;
    r.values.emplace_back(ts);
    r.values.emplace_back(flow_uid(f.flow_id));
    append_conn_id(r.values, 6, f.client, f.client_port, f.server, f.server_port);
    return r;
}

LogValue transport_value(std::uint8_t ip_proto) {
    switch (ip_proto) {
        case 6: return std::string("tcp");
        case 17: return std::string("udp");
        case 1:
        case 58: return std::string("icmp");
        default: return Unset{};
    }
}

}  // namespace netdx
