#include "filter/field_types.hpp"

#include <algorithm>
#include <array>

namespace netdx::filter {

namespace {

struct Entry {
    std::string_view name;
    FieldType type;
};

// Generated from `tshark -G fields` (TShark 4.0.17) for every field netdx
// prints; the few netdx has that 4.0 lacks (netdx.*, ipv6.fragment.*,
// tcp.flags.ns/ecn, dhcp agent sub-options) are typed by hand. Sorted by name.
// The unit test `filter_types` checks that every field of `netdx fields` is here.
constexpr Entry kTable[] = {
#include "filter/field_types_table.inc"
};

}  // namespace

FieldType field_type(std::string_view name) {
    auto it = std::lower_bound(std::begin(kTable), std::end(kTable), name,
                               [](const Entry& e, std::string_view n) { return e.name < n; });
    if (it != std::end(kTable) && it->name == name) return it->type;
    return FieldType::Unknown;
}

std::string_view type_name(FieldType t) {
    switch (t) {
        case FieldType::Unknown: return "unknown";
        case FieldType::None: return "label";
        case FieldType::Protocol: return "protocol";
        case FieldType::Bool: return "boolean";
        case FieldType::UInt: return "unsigned integer";
        case FieldType::Int: return "signed integer";
        case FieldType::Double: return "number";
        case FieldType::AbsTime: return "time";
        case FieldType::IPv4: return "IPv4 address";
        case FieldType::IPv6: return "IPv6 address";
        case FieldType::Ether: return "MAC address";
        case FieldType::Bytes: return "byte string";
        case FieldType::String: return "string";
    }
    return "unknown";
}

}  // namespace netdx::filter
