#include "core/escape.hpp"
#include "core/format_addr.hpp"
#include "dissectors/dissector.hpp"

namespace netdx {

void FieldOut::uint(std::uint64_t v) {
    begin_value();
    append_uint(buf_, v);
}
void FieldOut::sint(std::int64_t v) {
    begin_value();
    fmt::format_to(fmt::appender(buf_), "{}", v);
}
void FieldOut::hex(std::uint64_t v, int width) {
    begin_value();
    fmt::format_to(fmt::appender(buf_), "0x{:0{}x}", v, width);
}
void FieldOut::mac(const std::uint8_t* p) {
    begin_value();
    append_mac(buf_, p);
}
void FieldOut::ipv4(const std::uint8_t* p) {
    begin_value();
    append_ipv4(buf_, p);
}
void FieldOut::ipv6(const std::uint8_t* p) {
    begin_value();
    append_ipv6(buf_, p);
}
void FieldOut::ip(const IpAddress& a) {
    begin_value();
    append_ip(buf_, a);
}
void FieldOut::text(std::string_view s) {
    begin_value();
    append_escaped(buf_, s);
}
void FieldOut::raw(std::string_view s) {
    begin_value();
    buf_.append(s);
}
void FieldOut::fixed(double v, int decimals) {
    begin_value();
    fmt::format_to(fmt::appender(buf_), "{:.{}f}", v, decimals);
}

}  // namespace netdx
